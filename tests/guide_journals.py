"""Journals a person really has, for running the guide pages on them (pytest and the browser journey).

Each builder writes `journal.db` into a folder used as `FOLLOWUP_KIT_HOME`. Invented people, example.com only.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from followup_kit.journal import Journal
from followup_kit.notes import Application, Contact, InterviewNotes, LogEntry, Profile, Question

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)  # "today" for these journals: a Thursday
ME = Profile("Robin Vasseur", "robin.vasseur@example.com", None, "Europe/Paris", "FR")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def empty(folder: Path) -> Journal:
    "A journal started (profile saved) with no interview yet."
    j = Journal(folder / "journal.db")
    j.save_profile(ME)
    return j


def one_interview(folder: Path) -> Journal:
    "One interview with a stated decision date and an interviewer without an email address."
    j = empty(folder)
    notes = InterviewNotes("Example Robotics", "Test Engineer", at("2026-11-24T14:00"), tz="Europe/Paris", country="FR",
                           interviewers=[Contact("Noor Haddad", "QA Lead"),  # no card: no email address
                                         Contact("Lea Brun", "HR Partner", email="lea.brun@example.com")],
                           response_by=date(2026, 12, 4), topics=["flaky end-to-end tests"], skills=["pytest"],
                           questions=[Question("How do you triage a flaky test?", "Quarantine, then bisect", 4)])
    j.save(notes, application=Application(notes.company, notes.role))
    return j


def _interview(j: Journal, company: str, when: str, log=(), **kw) -> Application:
    person = kw.pop("person", "Sam Okafor")
    email = person.lower().replace(" ", ".") + "@example.com"
    notes = InterviewNotes(company, kw.pop("role", "Analyst"), at(when), tz="Europe/Paris", country="FR",
                           interviewers=[Contact(person, "Manager", email=email)], response_days=kw.pop("days", 10), **kw)
    app = Application(company, notes.role)
    j.save(notes, application=app)
    for entry in log: j.record(app.id, entry)
    return j.application(app.id)


def several(folder: Path) -> Journal:
    "Several applications: an offer, a rejection, one still waiting."
    j = empty(folder)
    _interview(j, "Example Offers Ltd", "2026-11-09T10:00", person="Ines Moreau", log=[
        LogEntry("message_sent", at("2026-11-09T18:00"), step="thank_you_email:ines-moreau"),
        LogEntry("offer", at("2026-11-20T11:00"), note="Offer by phone", channel="phone")])
    _interview(j, "Example Rejects SA", "2026-11-12T15:00", person="Hugo Petit", log=[
        LogEntry("message_sent", at("2026-11-12T19:00"), step="thank_you_email:hugo-petit"),
        LogEntry("rejected", at("2026-11-19T09:00"))])
    _interview(j, "Example Waiting GmbH", "2026-11-23T09:30", person="Mia Schulz", days=14)
    return j


def archived(folder: Path) -> Journal:
    "Two applications, one of them archived."
    j = several(folder)
    j.archive(next(a.id for a in j.applications() if a.company == "Example Rejects SA"))
    return j


JOURNALS = {"empty": empty, "one_interview": one_interview, "several": several, "archived": archived}
