"Property tests: every valid record survives the JSON round trip unchanged."
import json
from datetime import date, datetime, timedelta

import pytest
from zoneinfo import ZoneInfo
from hypothesis import assume, given, settings, strategies as st

from followup_kit.notes import (CHANNELS, COMPANY_STYLES, LOG_KINDS, Application, Contact, InterviewNotes, LogEntry,
                                Question, SCHEMA_VERSION)
from followup_kit.timeline import InputError

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/London"]
text = st.text(max_size=40)
required = st.text(min_size=1, max_size=30).filter(lambda t: t.strip())
emails = st.builds(lambda a, b: f"{a}@{b}.example.com", st.from_regex(r"[a-z0-9._%+-]{1,12}", fullmatch=True),
                   st.from_regex(r"[a-z0-9-]{1,10}", fullmatch=True))
phones = st.from_regex(r"\+?[0-9]{2,4}( [0-9]{3,4}){1,3}", fullmatch=True)
optional = lambda s: st.none() | s

contacts = st.builds(Contact, required, optional(text), optional(text), optional(emails), optional(phones), text)
questions = st.builds(Question, required, text, optional(st.integers(1, 5)), st.booleans())
naive_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31))
aware_times = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2040, 12, 31), timezones=st.timezones())


def exists(naive, tz):
    "Whether the wall-clock time `naive` happens in `tz` (not skipped when summer time begins)."
    z = ZoneInfo(tz)
    return naive.replace(tzinfo=z).astimezone(ZoneInfo("UTC")).astimezone(z).replace(tzinfo=None) == naive


@st.composite
def interview_notes(draw):
    at = draw(naive_times)
    stated = draw(st.sampled_from(["none", "by", "days"]))
    tz = draw(st.sampled_from(ZONES))
    when = draw(st.one_of(naive_times, aware_times)) if draw(st.booleans()) else at
    assume(when.tzinfo is not None or exists(when, tz))  # a wall-clock time the clocks jump past is refused
    return InterviewNotes(
        draw(required), draw(text), when,
        round=draw(st.integers(1, 20)), tz=tz, duration=draw(st.integers(5, 600)),
        country=draw(st.sampled_from([None, "DE", "fr", "US", "IN"])),
        interviewers=draw(st.lists(contacts, max_size=3)), topics=draw(st.lists(text, max_size=3)),
        skills=draw(st.lists(text, max_size=3)), questions=draw(st.lists(questions, max_size=3)),
        concerns=draw(st.lists(text, max_size=2)),
        response_by=date(2041, 1, 1) + timedelta(days=draw(st.integers(0, 60))) if stated == "by" else None,  # after any `at`
        response_days=draw(st.integers(0, 365)) if stated == "days" else None,
        contact=draw(optional(contacts)), channel=draw(st.sampled_from(CHANNELS)),
        company_style=draw(st.sampled_from(COMPANY_STYLES)), notes=draw(text))


log_entries = st.builds(LogEntry, st.sampled_from(LOG_KINDS), aware_times, text, optional(required),
                        optional(st.sampled_from(CHANNELS)), optional(st.dates(date(1970, 1, 1), date(2999, 12, 31))), optional(required))
applications = st.builds(Application, required, text, st.lists(required, max_size=4), st.lists(log_entries, max_size=6),
                         st.sampled_from(["standard", "email_only"]))


@settings(max_examples=300, deadline=None)
@given(interview_notes())
def test_notes_round_trip(notes):
    back = InterviewNotes.from_json(notes.to_json())
    assert back == notes
    assert back.at.utcoffset() == notes.at.utcoffset()
    assert InterviewNotes.from_dict(json.loads(json.dumps(notes.to_dict()))) == notes
    assert notes.to_dict()["schema_version"] == SCHEMA_VERSION


@settings(max_examples=200, deadline=None)
@given(applications)
def test_application_round_trip(app):
    assert Application.from_json(app.to_json()) == app


@settings(max_examples=200, deadline=None)
@given(contacts, questions, log_entries)
def test_parts_round_trip(contact, question, entry):
    assert Contact.from_json(contact.to_json()) == contact
    assert Question.from_json(question.to_json()) == question
    assert LogEntry.from_json(entry.to_json()) == entry


@settings(max_examples=100, deadline=None)
@given(interview_notes())
def test_notes_make_an_interview(notes):
    iv = notes.to_interview()
    assert iv.start == notes.at and iv.tz == notes.tz and len(iv.interviewers) == len(notes.interviewers)


@pytest.mark.parametrize("change, field", [
    ({"at": "yesterday"}, "at"), ({"tz": "Mars/Olympus"}, "tz"), ({"round": 0}, "round"), ({"duration": "long"}, "duration"),
    ({"channel": "fax"}, "channel"), ({"company": "  "}, "company"), ({"interviewers": [{"name": ""}]}, "interviewers[0].name"),
    ({"questions": [{"text": "Why?", "rating": True}]}, "questions[0].rating"), ({"topics": "SQL"}, "topics"),
    ({"response_by": "2025-03-21", "response_days": 5}, "response_by"), ({"country": "XX"}, "country"),
    ({"schema_version": 2}, "schema_version"), ({"extra": 1}, "extra"),
    ({"at": "2025-03-30T02:30"}, "at"),  # Berlin's clocks jumped from 02:00 to 03:00 that night
    ({"at": "9999-12-31T23:00"}, "at"), ({"response_by": "0001-01-01"}, "response_by"),
])
def test_bad_values_name_their_field(change, field):
    good = InterviewNotes("Northwind Labs", "Data Engineer", datetime(2025, 3, 11, 10), tz="Europe/Berlin").to_dict()
    with pytest.raises(InputError) as e: InterviewNotes.from_dict({**good, **change})
    assert str(e.value).startswith(f"{field}: got ") and "\n" not in str(e.value)
