"""The widgets beyond the lessons in `nbs/03_widgets.ipynb`: autosave that survives a killed kernel,
invalid input that never overwrites the last good save, reopening every field, several forms on one
journal, escaping, and the board/agenda edge cases. No browser: values are set in Python."""

import os
import signal
import subprocess
import sys
from datetime import date, datetime, time, timezone

import pytest

pytest.importorskip("ipywidgets")

from followup_kit.journal import Journal
from followup_kit.notes import Application, Contact, InterviewNotes, Question
from followup_kit.timeline import InputError
from followup_kit.widgets import NoteTaker, PlanBoard, Today

FRIDAY = datetime(2025, 3, 14, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def journal(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_KIT_HOME", str(tmp_path))  # never the real ~/.followup_kit
    j = Journal(tmp_path / "journal.db")
    yield j
    j.close()


def typed(taker, company="Northwind Labs", day=date(2025, 3, 11), start=time(10, 0)):
    "Type the minimum that makes valid notes."
    taker.company.value, taker.role.value = company, "Data Engineer"
    taker.date.value, taker.time.value = day, start
    return taker


RICH = InterviewNotes(
    "Northwind Labs", "Data Engineer", datetime(2025, 3, 11, 10, 0), round=2, tz="Europe/Berlin", duration=45, country="de",
    interviewers=[Contact("Dana Whitfield", "Engineering Manager", None, "dana@example.com", "+1 555 0100 123"),
                  Contact("Omar Lindqvist", email="omar@example.com")],
    topics=["streaming", "on-call"], skills=["SQL tuning"], concerns=["little Kafka"],
    questions=[Question("Why us?", "The product.", 5, True), Question("A conflict?", "", None, False)],
    response_by=date(2025, 3, 21), contact=Contact("Leo Marsh", "Recruiter", email="leo@example.com"),
    channel="phone", company_style="small_business", notes="Team of six.\nOffice by the river.")


def test_autosave_reaches_the_file(journal):
    "Every valid change is in the SQLite file at once: a fresh connection finds it."
    taker = typed(NoteTaker(journal))
    card = taker.add_interviewer()
    card.name.value = "Dana Whitfield"
    taker.free_notes.value = "Team of six."
    with Journal(journal.path) as fresh:
        [saved] = fresh.all()
    assert (saved.company, [c.name for c in saved.interviewers], saved.notes) == ("Northwind Labs", ["Dana Whitfield"], "Team of six.")


KILLED = r"""
import sys, time
from datetime import date, time as t
from followup_kit.journal import Journal
from followup_kit.widgets import NoteTaker
taker = NoteTaker(Journal(sys.argv[1]), tz="Europe/Berlin")
taker.company.value, taker.role.value = "Northwind Labs", "Data Engineer"
taker.date.value, taker.time.value = date(2025, 3, 11), t(10, 0)
for name in ("Dana Whitfield", "Omar Lindqvist"):
    taker.add_interviewer().name.value = name
q = taker.add_question()
q.text.value, q.rating.value = "Why us?", 4
taker.concerns.value = "little Kafka experience"
print(taker.notes.id, flush=True)
time.sleep(120)
"""


def test_autosave_survives_a_killed_kernel(tmp_path):
    "A kernel killed (SIGKILL) right after typing loses nothing that was typed."
    db = tmp_path / "journal.db"
    env = dict(os.environ, FOLLOWUP_KIT_HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        nid = proc.stdout.readline().strip()
        assert nid.startswith("n-"), nid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Journal(db) as j:
        notes = j.get(nid)
        [app] = j.applications()
    assert [c.name for c in notes.interviewers] == ["Dana Whitfield", "Omar Lindqvist"]
    assert [(q.text, q.rating) for q in notes.questions] == [("Why us?", 4)]
    assert notes.concerns == ["little Kafka experience"]
    assert app.rounds == [nid]


@pytest.mark.parametrize("field, bad, message", [
    ("company", "   ", "company: got"),
    ("tz", "Berlin", "tz: got 'Berlin'"),
    ("country", "Germany", "country"),
    ("response_days", "ten", "response_days: got 'ten'"),
    ("duration", 2, "duration: got 2"),
    ("round", 0, "round: got 0"),
])
def test_invalid_input_never_overwrites_the_last_good_save(journal, field, bad, message):
    "A bad value shows one line in the status and leaves the saved notes as they were."
    taker = typed(NoteTaker(journal, tz="Europe/Berlin"))
    taker.skills.value = "SQL tuning"
    good = journal.get(taker.notes.id)
    getattr(taker, field).value = bad
    assert "Not saved" in taker.status.value
    assert message.replace("'", "&#x27;") in taker.status.value
    assert "Traceback" not in taker.status.value and "\n" not in taker.status.value
    assert journal.get(taker.notes.id) == good == taker.notes
    taker.skills.value = "SQL tuning\ncalm"  # still invalid overall: nothing saved
    assert journal.get(taker.notes.id) == good


def test_bad_card_then_fix(journal):
    "A bad email on the second card names it; fixing it saves both cards."
    taker = typed(NoteTaker(journal))
    taker.add_interviewer().name.value = "Dana Whitfield"
    omar = taker.add_interviewer()
    omar.name.value, omar.email.value = "Omar Lindqvist", "omar@"
    assert "interviewers[1].email" in taker.status.value
    assert journal.get(taker.notes.id).interviewers[1].email is None  # the last good save, before the email
    omar.email.value = "omar@example.com"
    assert [c.email for c in journal.get(taker.notes.id).interviewers] == [None, "omar@example.com"]
    assert "fa-check" in taker.status.value


def test_reopen_fills_every_field(journal):
    "Notes saved elsewhere come back into every box, and reading the form gives them back unchanged."
    app = Application(RICH.company, RICH.role)
    journal.save(RICH, application=app)
    taker = NoteTaker(journal, notes_id=RICH.id)
    assert taker.read() == RICH == taker.notes
    assert taker.application_id == app.id
    assert (taker.country.value, taker.response_by.value, taker.contact.name.value) == ("DE", date(2025, 3, 21), "Leo Marsh")
    assert [q.follow_up.value for q in taker.questions] == [True, False]
    assert "Opened" in taker.status.value
    taker.duration.value = 50  # an edit after reopening updates the same notes, same application
    assert journal.get(RICH.id).duration == 50
    assert [a.id for a in journal.applications()] == [app.id]


def test_opening_saves_nothing(journal):
    "Opening notes never writes: the saved row (and its saved-at stamp) is untouched."
    journal.save(RICH, application=Application(RICH.company, RICH.role))
    stamp = lambda: journal._con.execute("SELECT saved FROM notes").fetchone()[0]
    before = stamp()
    NoteTaker(journal, notes_id=RICH.id)
    assert stamp() == before
    with pytest.raises(InputError, match="notes id"):
        NoteTaker(journal, notes_id="n-000000000000")


def test_company_typed_after_first_save_renames_its_application(journal):
    "The application started by the form follows the company and role as they are corrected."
    taker = typed(NoteTaker(journal), company="Northwnd")
    taker.company.value = "Northwind Labs"
    [app] = journal.applications()
    assert (app.company, app.rounds) == ("Northwind Labs", [taker.notes.id])


def test_next_round_of_an_existing_application(journal):
    "With `application_id`, new notes become the next round; the application keeps its name."
    first = typed(NoteTaker(journal))
    second = NoteTaker(journal, application_id=first.application_id)
    typed(second, day=date(2025, 3, 24))
    second.round.value = 2
    app = journal.application(first.application_id)
    assert app.rounds == [first.notes.id, second.notes.id]
    assert len(journal.applications()) == 1
    assert journal.plan(app.id).interview.start.date() == date(2025, 3, 24)


def test_two_forms_on_one_journal(journal):
    "Two forms open at once (two notebooks) keep their own notes and applications."
    a, b = typed(NoteTaker(journal), company="Northwind Labs"), typed(NoteTaker(Journal(journal.path), new=True), company="Harbor & Finch")
    a.skills.value, b.skills.value = "SQL", "dbt"
    assert sorted((n.company, n.skills[0]) for n in journal.all()) == [("Harbor & Finch", "dbt"), ("Northwind Labs", "SQL")]
    assert len(journal.applications()) == 2


def test_removing_a_ticked_interviewer_is_refused(journal):
    "After Dana's thank-you is logged, removing her card would orphan the log entry: the journal refuses."
    taker = typed(NoteTaker(journal))
    taker.add_interviewer().name.value = "Dana Whitfield"
    board = PlanBoard(journal, taker.notes.id, now=FRIDAY)
    board.boxes["thank_you_email:dana-whitfield"].value = True
    taker.remove_card(taker.interviewers[0])
    assert "Not saved" in taker.status.value and "thank_you_email:dana-whitfield" in taker.status.value
    assert [c.name for c in journal.get(taker.notes.id).interviewers] == ["Dana Whitfield"]


def test_text_is_escaped(journal):
    "Whatever is typed is shown as text, never run as HTML."
    taker = typed(NoteTaker(journal), company="<img src=x onerror=alert(1)>")
    card = taker.add_interviewer()
    card.name.value = "<b>Dana</b>"
    assert "<img" not in taker.status.value and "&lt;img" in taker.status.value
    board = PlanBoard(journal, taker.application_id, now=FRIDAY)
    assert "<img" not in board.heading.value and "<b>Dana" not in board.rows["thank_you_email:b-dana-b"].value
    assert "<img" not in Today(journal, now=FRIDAY).table.value


def test_board_finds_by_either_id_and_refuses_others(journal):
    taker = typed(NoteTaker(journal))
    assert PlanBoard(journal, taker.notes.id).application_id == PlanBoard(journal, taker.application_id).application_id
    with pytest.raises(InputError, match="id: got 'a-nope'"):
        PlanBoard(journal, "a-nope")


def test_board_ticks_a_phone_step_as_a_call(journal):
    "A phone step is logged as `call_made`, email steps as `message_sent`, both naming the step."
    taker = typed(NoteTaker(journal))
    taker.response_days.value = "5"
    later = datetime(2025, 4, 2, 9, 0, tzinfo=timezone.utc)
    board = PlanBoard(journal, taker.application_id, now=later)
    call = next(s for s in board.plan.steps if s.channel == "phone")
    assert board.tick(call.id)
    entry = journal.application(board.application_id).log[-1]
    assert (entry.kind, entry.step, entry.channel, entry.at) == ("call_made", call.id, "phone", later)
    assert board.plan.step(call.id).status == "done"


def test_board_rejection_adds_a_gracious_reply(journal):
    taker = typed(NoteTaker(journal))
    board = PlanBoard(journal, taker.notes.id, now=FRIDAY)
    board.event.value, board.note.value = "rejected", "Generic email from HR"
    board.record_button.click()
    assert board.plan.step("reply_to_rejection").status == "pending"
    assert "reply_to_rejection" in board.boxes and "Recorded: They rejected me" in board.status.value
    assert journal.application(board.application_id).log[-1].note == "Generic email from HR"
    assert board.note.value == ""  # the controls are cleared for the next event


def test_board_shows_a_problem_instead_of_a_traceback(journal):
    "News after a withdrawal is refused by the journal: the status says why, the log is unchanged, no exception."
    taker = typed(NoteTaker(journal))
    board = PlanBoard(journal, taker.notes.id, now=FRIDAY)
    board.event.value = "withdrawn"
    assert board.record()
    n = len(journal.application(board.application_id).log)
    board.event.value = "replied"
    assert not board.record()
    assert "Not recorded" in board.status.value and "closed by" in board.status.value
    assert len(journal.application(board.application_id).log) == n


def test_board_says_when_the_plan_ignores_a_tick(journal):
    "A tick dated before the interview (a wrong clock) is logged but the plan ignores it: the board says so."
    taker = typed(NoteTaker(journal))
    board = PlanBoard(journal, taker.notes.id, now=datetime(2025, 3, 1, tzinfo=timezone.utc))
    step = "thank_you_email:your-interviewer"
    board.boxes[step].value = True
    assert "Logged, but the plan does not count it" in board.status.value and "after the interview started" in board.status.value
    assert board.plan.step(step).status == "pending" and board.boxes[step].value is False


def test_board_ics_to_an_unwritable_path(journal, tmp_path):
    taker = typed(NoteTaker(journal))
    board = PlanBoard(journal, taker.notes.id, now=FRIDAY)
    board.ics_path.value = str(tmp_path / "missing-folder" / "plan.ics")
    assert board.write_ics() is None and "No calendar written" in board.status.value
    board.ics_path.value = str(tmp_path / "plan.ics")
    assert board.write_ics() == tmp_path / "plan.ics" and str(tmp_path / "plan.ics") in board.status.value


def test_board_without_notes(journal):
    "An application with no round yet shows an empty checklist and refuses to write a calendar."
    app = Application("Northwind Labs", "Data Engineer")
    journal.save_application(app)
    board = PlanBoard(journal, app.id)
    assert board.plan is None and board.steps.children == () and "no interview notes yet" in board.heading.value
    assert board.write_ics() is None


def test_today_empty_and_refresh(journal):
    today = Today(journal, now=FRIDAY)
    assert "Nothing due" in today.table.value and today.agenda.items == []
    typed(NoteTaker(journal)).add_interviewer().name.value = "Dana Whitfield"
    today.refresh_button.click()
    assert [i.step.id for i in today.agenda.overdue] == ["thank_you_email:dana-whitfield"]
    assert "</i> overdue" in today.table.value


def test_today_rejects_a_naive_clock(journal):
    today = Today(journal, now=datetime(2025, 3, 14, 9, 0))
    assert "Can&#x27;t list what is due" in today.status.value and "now: got" in today.status.value


def test_widgets_accept_a_path(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_KIT_HOME", str(tmp_path))
    taker = typed(NoteTaker(tmp_path / "j.db"))
    assert Today(str(tmp_path / "j.db"), now=FRIDAY).journal.path == tmp_path / "j.db"
    assert PlanBoard(tmp_path / "j.db", taker.notes.id).plan is not None


def test_module_does_not_import_ipywidgets():
    "The widgets module itself is cheap to import; ipywidgets loads when a form is built."
    code = "import sys, followup_kit.widgets; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_every_control_is_labelled(journal):
    "Keyboard and screen-reader users need a name on every control: a description, or a button label."
    import ipywidgets as W
    taker = typed(NoteTaker(journal))
    taker.add_interviewer(); taker.add_question()
    board = PlanBoard(journal, taker.notes.id, now=FRIDAY)
    def controls(w):
        if isinstance(w, W.Box):
            for c in w.children: yield from controls(c)
        elif isinstance(w, (W.ValueWidget, W.Button)) and not isinstance(w, (W.HTML, W.Label)):
            yield w
    found = list(controls(taker.ui)) + list(controls(board.ui)) + list(controls(Today(journal, now=FRIDAY).ui))
    assert len(found) > 30
    assert [w for w in found if not (w.description or "").strip()] == []


def test_a_time_the_clocks_skip_is_not_saved(journal):
    "The night summer time begins in Berlin, 02:30 never happens: the form says so and keeps the last good save."
    taker = typed(NoteTaker(journal, tz="Europe/Berlin"), day=date(2025, 3, 30))
    good = journal.get(taker.notes.id)
    taker.time.value = time(2, 30)
    assert "Not saved" in taker.status.value and "exists in Europe/Berlin" in taker.status.value
    assert journal.get(taker.notes.id) == good
    taker.time.value = time(3, 30)
    assert "Saved" in taker.status.value and journal.get(taker.notes.id).at.hour == 3
