"""One verdict on time: the plan, `Journal.today` (and so `followup-kit today` and the forms), the reflection and the cohort
analytics judge the same journal the same way, because they all ask `timeline.step_verdict`."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from followup_kit.journal import Journal
from followup_kit.notes import Application, Contact, InterviewNotes, LogEntry
from followup_kit.reflection import score_reflection
from followup_kit.timeline import step_verdict
from followup_kit.workshop import Cohort


def journal_with(tmp_path, at, tz, country, log, response_by=None):
    "A journal with one interview (two interviewers) and `log` as (kind, local time, step) entries; its notes and application."
    zone = ZoneInfo(tz)
    notes = InterviewNotes("Example Analytics", "Data Analyst", at, tz=tz, country=country, topics=["dashboards"],
                           interviewers=[Contact("Dana Jones", email="dana.jones@example.com")], response_by=response_by)
    app = Application("Example Analytics", "Data Analyst")
    j = Journal(tmp_path / "journal.db")
    j.save(notes, application=app)
    for kind, when, step in log: j.record(app.id, LogEntry(kind, when.replace(tzinfo=zone), step=step, notes_id=notes.id))
    return j, j.get(notes.id), j.application(app.id)


def verdicts(j, notes, app, step_id, now, zone):
    "What each part says about step `step_id`: the plan, today's agenda, the reflection and the cohort."
    now = now.replace(tzinfo=ZoneInfo(zone))
    plan = app.plan(notes)
    agenda = j.today(now)
    listed = {i.step.id: ("late" if i.overdue else "on_time") for i in agenda.items}
    discipline = score_reflection({}, notes, application=app, now=now)
    cohort = Cohort.from_bundles({"dana-whitfield.json": j.bundle()}, salt=b"test")
    return plan, listed, discipline, cohort


FRIDAY = datetime(2026, 11, 20, 16, 0)  # a Friday in Paris; ends 17:00
LA_FRIDAY = datetime(2026, 11, 20, 22, 30)  # a Friday late evening in Los Angeles; ends 23:30


@pytest.mark.parametrize("start, tz, country, sent, on_time", [
    (FRIDAY, "Europe/Paris", "FR", datetime(2026, 11, 21, 10, 0), True),  # Saturday morning: within 24 h
    (FRIDAY, "Europe/Paris", "FR", datetime(2026, 11, 22, 12, 0), False),  # Sunday noon: 43 h, late but within 48
    (LA_FRIDAY, "America/Los_Angeles", "US", datetime(2026, 11, 21, 20, 0), True),  # Saturday evening in LA
])
def test_thank_you_judged_the_same_everywhere(tmp_path, start, tz, country, sent, on_time):
    step = "thank_you_email:dana-jones"
    later = start + timedelta(days=9)  # an employer's answer, so the cohort's "as of" is past the 48 hours
    j, notes, app = journal_with(tmp_path, start, tz, country, [("message_sent", sent, step), ("rejected", later, None)])
    plan, _, score, cohort = verdicts(j, notes, app, step, later, tz)
    ty = plan.step(step)
    assert step_verdict(ty, sent.replace(tzinfo=ZoneInfo(tz))) == ("on_time" if on_time else "late")
    assert score.discipline.thank_yous[0].verdict == ("on_time" if on_time else "late")
    assert score["followup_discipline"].values["followup_thank_you"] == (5 if on_time else 3)
    adherence = cohort.adherence("cohort")
    assert adherence["thank_you_24h"].iloc[0] == (1.0 if on_time else 0.0)
    assert adherence["thank_you_48h"].iloc[0] == 1.0
    # and before it was sent, at the moment it went out, today's agenda agreed with the plan
    (tmp_path / "before").mkdir()
    j2, notes2, app2 = journal_with(tmp_path / "before", start, tz, country, [])
    agenda = {i.step.id: i.overdue for i in j2.today(sent.replace(tzinfo=ZoneInfo(tz))).items}
    assert agenda.get(step) == (not on_time)
    assert (step in [s.id for s in app2.plan(notes2).due(sent.replace(tzinfo=ZoneInfo(tz))).overdue]) == (not on_time)


def test_saturday_morning_after_a_friday_interview_is_not_overdue(tmp_path):
    j, notes, app = journal_with(tmp_path, FRIDAY, "Europe/Paris", "FR", [])
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    items = {i.step.id: i.overdue for i in j.today(saturday).items}
    assert items["thank_you_email:dana-jones"] is False
    assert "thank_you_email:dana-jones" in [s.id for s in app.plan(notes).due(saturday).today]


def test_status_email_on_monday_morning_after_a_sunday_date_is_not_early(tmp_path):
    "The stated date is a Sunday; the status email goes out on Monday at 08:00, before the window's 09:00 opening hour."
    start, sunday = datetime(2026, 11, 10, 10, 0), date(2026, 11, 22)
    monday_8 = datetime(2026, 11, 23, 8, 0)
    later = datetime(2026, 12, 10, 10, 0)
    j, notes, app = journal_with(tmp_path, start, "Europe/Paris", "FR",
                                 [("message_sent", start + timedelta(hours=5), "thank_you_email:dana-jones"),
                                  ("message_sent", monday_8, "status_email"), ("rejected", later, None)], response_by=sunday)
    plan, _, score, cohort = verdicts(j, notes, app, "status_email", later, "Europe/Paris")
    assert step_verdict(plan.step("status_email"), monday_8.replace(tzinfo=ZoneInfo("Europe/Paris"))) == "on_time"
    assert score.discipline.early_checks == []
    assert score["followup_discipline"].values["followup_waited"] == 5
    assert cohort.adherence("cohort")["status_on_time"].iloc[0] == 1.0
    assert cohort.status_checks()["on_time"].tolist() == [True]


def test_status_email_on_the_stated_date_is_early_everywhere(tmp_path):
    start, friday = datetime(2026, 11, 10, 10, 0), date(2026, 11, 20)
    sent, later = datetime(2026, 11, 20, 15, 0), datetime(2026, 12, 10, 10, 0)
    j, notes, app = journal_with(tmp_path, start, "Europe/Paris", "FR",
                                 [("message_sent", sent, "status_email"), ("rejected", later, None)], response_by=friday)
    plan, _, score, cohort = verdicts(j, notes, app, "status_email", later, "Europe/Paris")
    assert step_verdict(plan.step("status_email"), sent.replace(tzinfo=ZoneInfo("Europe/Paris"))) == "early"
    assert [e.step for e in score.discipline.early_checks] == ["status_email"]
    assert cohort.adherence("cohort")["status_on_time"].iloc[0] == 0.0
