"""Property tests: the timeline's promises hold for any interview, zone, country, window and events."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
import pytest
from hypothesis import assume, given, settings, strategies as st, HealthCheck
from followup_kit.timeline import (InputError, Interview, Person, Event, Policy, WorkCalendar, plan_followups,
                                   ATTEMPT_KINDS, CALL_KINDS, THANK_YOU_CEILING_HOURS, THANK_YOU_FLOOR_HOURS, step_verdict)

ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Sao_Paulo', 'Europe/London',
         'Asia/Kolkata', 'Pacific/Auckland', 'UTC', 'America/Los_Angeles']
COUNTRIES = [None, 'FR', 'US', 'JP', 'AU', 'BR', 'GB', 'IN', 'NZ', 'DE', 'ES']
EMAIL_KINDS = ('formal_note', 'status_email', 'second_status_email')
utc = lambda dt: dt.astimezone(timezone.utc)

def exists(naive, tz):
    "Whether the wall-clock time `naive` happens in `tz` (not skipped when summer time begins)."
    z = ZoneInfo(tz)
    return naive.replace(tzinfo=z).astimezone(timezone.utc).astimezone(z).replace(tzinfo=None) == naive

@st.composite
def interviews(draw):
    start = draw(st.datetimes(datetime(2026, 1, 1), datetime(2036, 12, 31))).replace(second=0, microsecond=0)
    tz = draw(st.sampled_from(ZONES))
    assume(exists(start, tz))  # a time the clocks jump past is refused (tested below)
    window = draw(st.sampled_from(['none', 'days', 'date']))
    people = [Person(f'Person {i}', None, f'p{i}@example.com') for i in range(draw(st.integers(0, 3)))]
    return Interview(start, tz=tz, country=draw(st.sampled_from(COUNTRIES)),
                     duration=draw(st.integers(15, 240)), interviewers=people,
                     response_days=draw(st.integers(0, 40)) if window == 'days' else None,
                     response_by=(start.date() + timedelta(days=draw(st.integers(0, 40)))) if window == 'date' else None,
                     channel=draw(st.sampled_from(['email', 'phone', 'letter'])),
                     company_style=draw(st.sampled_from(['tech', 'corporate', 'small_business'])))

@st.composite
def scenarios(draw):
    iv = draw(interviews())
    policy = draw(st.sampled_from(['standard', 'email_only']))
    base = plan_followups(iv, policy)
    events, t = [], iv.end
    for _ in range(draw(st.integers(0, 4))):
        t = t + timedelta(hours=draw(st.integers(1, 24 * 20)))
        kind = draw(st.sampled_from(['done', 'done', 'replied', 'invited', 'rejected', 'offer', 'unreachable', 'withdrawn']))
        if kind == 'done': events.append(Event('done', t, step=draw(st.sampled_from([s.id for s in base.steps]))))
        elif kind == 'replied': events.append(Event('replied', t, new_date=(t + timedelta(days=draw(st.integers(0, 30)))).date()))
        elif kind == 'invited': events.append(Event('invited', t, channel=draw(st.sampled_from(['email', 'phone']))))
        else: events.append(Event(kind, t))
        if kind in ('unreachable', 'withdrawn'): break
    return iv, policy, events

def check_plan(iv, policy, events):
    plan = plan_followups(iv, policy, events)
    cal, pol = WorkCalendar(iv.country), Policy.preset(policy)
    steps = plan.steps
    # ordered, windows well-formed, ids unique
    assert [utc(s.due) for s in steps] == sorted(utc(s.due) for s in steps)
    assert all(utc(s.earliest) <= utc(s.due) for s in steps)
    assert len({s.id for s in steps}) == len(steps)
    # caps: per cycle of status checks, at most max_attempts attempts, and never more than three
    cycles = {}
    for s in steps:
        if s.kind in ATTEMPT_KINDS: cycles.setdefault(s.id.partition('.')[2], []).append(s)
    assert all(len(c) <= min(pol.max_attempts, 3) for c in cycles.values())
    if not any(e.kind == 'replied' for e in events): assert sum(len(c) for c in cycles.values()) <= 3
    # calls: never Monday, weekend or public holiday; early-morning window to end of afternoon
    for s in steps:
        if s.kind in CALL_KINDS:
            d = s.earliest.date()
            assert d.weekday() not in (0, 5, 6) and d not in cal.holidays, (s, d)
            assert s.earliest.time() == pol.call_windows[0][0] and s.due.time() == pol.call_windows[-1][1]
        if s.kind in EMAIL_KINDS and s.channel == 'email':
            assert cal.is_working_day(s.earliest.date()) and cal.is_working_day(s.due.date()), s
    # thank-you within 12 to 48 h of the end, counted in real hours
    for s in steps:
        if s.kind == 'thank_you_email':
            assert timedelta(hours=THANK_YOU_FLOOR_HOURS) <= utc(s.due) - utc(iv.end) <= timedelta(hours=THANK_YOU_CEILING_HOURS)
    # an offer is answered the same or the next day, by the channel it came by
    for e in events:
        if e.kind == 'offer':
            r = [s for s in steps if s.kind == 'reply_to_offer'][0]
            assert (r.due.date() - r.earliest.date()).days <= 1 and r.channel == (e.channel or iv.channel)
    # no status check on or before the stated date
    first = [s for s in steps if s.id == 'status_email']
    if iv.stated_date is not None and first: assert first[0].earliest.date() > iv.stated_date
    for i, e in enumerate([e for e in events if e.kind == 'replied'], 2):
        assert plan.step(f'status_email.{i}').earliest.date() > e.new_date
    # after a closing event nothing is pending; after news, no contact attempt is pending
    if plan.closed: assert plan.pending == [] and not plan.due(iv.end + timedelta(days=400))
    if any(e.kind in ('invited', 'rejected', 'offer') for e in events):
        assert not [s for s in plan.pending if s.kind in ATTEMPT_KINDS + ('move_on',)]
    return plan

@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_plan_invariants(case):
    check_plan(*case)

@settings(max_examples=150, deadline=None)
@given(interviews(), st.sampled_from(['standard', 'email_only']))
def test_dst_keeps_wall_clock_times(iv, policy):
    plan = plan_followups(iv, policy)
    pol = Policy.preset(policy)
    for s in plan.steps:
        if s.kind == 'status_email': assert s.earliest.time() == pol.email_time
        if s.kind == 'write_notes': assert s.earliest == iv.end
    ty = [s for s in plan.steps if s.kind == 'thank_you_email'][0]
    assert ty.due.tzinfo is iv.zone

@settings(max_examples=200, deadline=None)
@given(interviews())
def test_round_trip_and_record(iv):
    from followup_kit.timeline import Interview as I
    assert I.from_dict(iv.to_dict()) == iv
    p = plan_followups(iv)
    assert p.record(Event('withdrawn', iv.end + timedelta(days=1))).pending == []

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(interviews(), min_size=1, max_size=25), st.sampled_from(['standard', 'email_only']))
def test_plan_frame_agrees_with_plan_followups(batch, policy):
    from followup_kit.timeline import plan_frame
    frame = plan_frame(batch, policy)
    for i, iv in enumerate(batch):
        rows = frame[frame.interview == i]
        steps = plan_followups(iv, policy).steps
        got = list(zip(rows.kind.astype(str), rows.earliest, rows.due, rows.channel.astype(str), rows.recipient))
        want = [(s.kind, s.earliest.replace(tzinfo=None), s.due.replace(tzinfo=None), s.channel, s.recipient) for s in steps]
        assert got == want, (iv, got, want)
        assert set(rows.tz) == {iv.tz}

@settings(max_examples=300, deadline=None)
@given(st.datetimes(datetime(2026, 1, 1), datetime(2028, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0)),
       st.sampled_from(ZONES))
def test_a_wall_clock_start_is_kept_or_refused(start, tz):
    "A start either keeps its wall-clock time and survives a round trip, or never happened there and is refused by name."
    try: iv = Interview(start, tz=tz)
    except InputError as e:
        assert not exists(start, tz) and e.field == 'start' and f'exists in {tz}' in str(e)
        return
    assert exists(start, tz) and iv.start.replace(tzinfo=None) == start
    assert Interview.from_dict(iv.to_dict()) == iv

def test_the_hour_skipped_in_spring_is_refused_everywhere_it_is_skipped():
    for naive, tz in [(datetime(2026, 3, 29, 2, 30), 'Europe/Paris'), (datetime(2026, 3, 8, 2, 0), 'America/New_York'),
                      (datetime(2026, 10, 4, 2, 59), 'Australia/Sydney')]:
        with pytest.raises(InputError, match=f"exists in {tz}"): Interview(naive, tz=tz)
        with pytest.raises(InputError, match=f"exists in {tz}"): Interview(naive.isoformat(' '), tz=tz)
    assert Interview(datetime(2026, 11, 1, 1, 30), tz='America/New_York').start.utcoffset() == timedelta(hours=-4)


def spacing_violations(plan):
    "Pairs of steps the spacing rules keep apart, with the days between them, in a plan without events."
    pol, out = plan.policy, []
    for cycle in {s.id.partition('.')[2] for s in plan.steps if s.kind in ATTEMPT_KINDS}:
        chain = [s for s in plan.steps if s.kind in ATTEMPT_KINDS and s.id.partition('.')[2] == cycle]
        for a, b in zip(chain, chain[1:]):
            if (b.earliest.date() - a.due.date()).days < pol.attempt_spacing_days: out.append((a.id, b.id))
    status = plan.step('status_email')
    for note in [s for s in plan.steps if s.kind == 'formal_note']:
        if (status.earliest.date() - note.due.date()).days < pol.note_status_gap_days: out.append((note.id, status.id))
    return out

@settings(max_examples=600, deadline=None)
@given(interviews(), st.sampled_from(['standard', 'email_only']))
def test_lower_bounds_hold_over_years_of_dates(iv, policy):
    "Over ten years, ten zones and eleven countries: thank-you windows of 12-48 h, attempts and messages spaced out."
    plan = plan_followups(iv, policy)
    for s in plan.steps:
        if s.kind == 'thank_you_email':
            assert timedelta(hours=THANK_YOU_FLOOR_HOURS) <= utc(s.due) - utc(iv.end) <= timedelta(hours=THANK_YOU_CEILING_HOURS)
    assert spacing_violations(plan) == []

@settings(max_examples=200, deadline=None)
@given(interviews(), st.integers(0, 72 * 60), st.sampled_from(['email', 'phone', 'letter']))
def test_offers_answered_same_or_next_day_by_their_channel(iv, minutes, channel):
    at = iv.end + timedelta(minutes=minutes)
    plan = plan_followups(iv, events=[Event('offer', at, channel=channel)])
    r = plan.step('reply_to_offer')
    assert r.channel == channel and r.due > r.earliest and (r.due.date() - at.date()).days <= 1

def test_friday_interview_thank_you_windows():
    "The weekend cases that used to give 2-5 hour windows."
    fri = Interview('2026-11-20 16:00', tz='Europe/Paris', country='FR', interviewers=['Dana Jones'])
    la = Interview('2026-11-20 22:30', tz='America/Los_Angeles', country='US', interviewers=['Dana Jones'])
    for iv in (fri, la):
        ty = plan_followups(iv).step('thank_you_email:dana-jones')
        assert utc(ty.due) - utc(iv.end) == timedelta(hours=24)
        assert step_verdict(ty, iv.end + timedelta(hours=18)) == 'on_time'
