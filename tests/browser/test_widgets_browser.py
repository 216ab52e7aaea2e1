"""The note-taking widgets in JupyterLab in Chromium: fill a `NoteTaker` through the real UI and
find the notes in the SQLite file; tick a step on a `PlanBoard` and see the plan and the log change.

Uses the fixtures of `tests/browser/conftest.py` (JupyterLab on 127.0.0.1, `/usr/bin/chromium`).
The notebook is written into pytest's tmp dir and its journal lives beside it, so nothing touches
the repo or `~/.followup_kit`."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from browser_helpers import poll

pytestmark = pytest.mark.browser

SETUP = """\
from followup_kit.journal import Journal
from followup_kit.widgets import NoteTaker, PlanBoard
journal = Journal("journal.db")
taker = NoteTaker(journal, tz="Europe/Berlin")
taker"""

BOARD = """\
board = PlanBoard(journal, taker.notes.id) if taker.notes else "Fill in the notes above, then run this cell again."
board"""

INTERVIEWERS = [("Dana Whitfield", "Engineering Manager", "dana.whitfield@example.com"),
                ("Omar Lindqvist", "Senior Data Engineer", "omar.lindqvist@example.com")]
QUESTIONS = [("How would you find the slowest queries?", "Query log and EXPLAIN.", "3 – fair"),
             ("Tell us about a conflict in your team.", "The schema-ownership story.", "4 – good"),
             ("Why Northwind?", "The move to streaming.", "not rated")]
THANKS = "thank_you_email:dana-whitfield"


def _context(server, page_log) -> str:
    return server.failure("browser log:\n" + "\n".join(page_log[-30:]))


def run_cell(nb, index: int) -> None:
    "Run the `index`-th cell of `nb` (JupyterLab's run-cell command) and wait for the kernel."
    nb.eval(f"app.shell.activateById(w.id); w.content.activeCellIndex = {index}; "
            "return app.commands.execute('notebook:run-cell');")
    nb.wait_idle()


def saved_notes(db: Path) -> list[dict]:
    "Every notes record in the journal file, read with plain sqlite3 from the test process."
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [json.loads(b) for (b,) in con.execute("SELECT body FROM notes")]
    finally:
        con.close()


def logged(db: Path, kind: str) -> list[dict]:
    "The log entries of `kind` in the journal file."
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [json.loads(b) for (b,) in con.execute("SELECT body FROM events WHERE kind=? ORDER BY seq", (kind,))]
    finally:
        con.close()


@pytest.fixture
def notes_notebook(tmp_path, make_notebook) -> Path:
    "A small notes notebook in its own folder: a `NoteTaker`, then a `PlanBoard` cell."
    return make_notebook(tmp_path / "notes" / "my_notes.ipynb", ("markdown", "# My interview notes"), SETUP, BOARD)


def fill_notes(form, interview_day: date) -> None:
    "Type an interview with two interviewers and three questions into the `NoteTaker` `form`."
    form.get_by_label("Company", exact=True).fill("Northwind Labs")
    form.get_by_label("Role", exact=True).fill("Data Engineer")
    form.get_by_label("Date", exact=True).fill(interview_day.isoformat())
    form.get_by_label("Start time", exact=True).fill("10:00")
    add = form.get_by_role("button", name="Add interviewer")
    for i, (name, title, email) in enumerate(INTERVIEWERS):
        add.click()
        card = form.locator(".fk-card").filter(has_text=f"Interviewer {i + 1}")
        card.get_by_label("Name", exact=True).fill(name)
        card.get_by_label("Title", exact=True).fill(title)
        card.get_by_label("Email", exact=True).fill(email)
    add = form.get_by_role("button", name="Add question")
    for i, (text, answer, rating) in enumerate(QUESTIONS):
        add.click()
        card = form.locator(".fk-card").filter(has_text=f"Question {i + 1}")
        card.get_by_label("Question", exact=True).fill(text)
        card.get_by_label("My answer", exact=True).fill(answer)
        card.get_by_label("How it went", exact=True).select_option(label=rating)
    form.get_by_label("Skills they focused on", exact=True).fill("SQL tuning\ncalm under pressure")
    form.get_by_label("or within (days)", exact=True).fill("10")


def test_notetaker_and_planboard_in_jupyterlab(lab_server, notes_notebook, page, page_log):
    "Fill the NoteTaker in the browser, find the notes in SQLite, tick a step on the PlanBoard."
    server = lab_server(notes_notebook.parent)
    nb = server.open(page, notes_notebook.name)
    assert nb.run_all(), _context(server, page_log) + "\n" + "\n".join(nb.errors())
    form = nb.output(1).locator(".fk-notetaker")
    form.wait_for(state="visible", timeout=30_000)

    # Keyboard: Tab from Company lands on Role, the next box in reading order.
    form.get_by_label("Company", exact=True).focus()
    page.keyboard.press("Tab")
    assert form.get_by_label("Role", exact=True).evaluate("el => el === document.activeElement")

    interview_day = date.today() - timedelta(days=3)  # the thank-yous are overdue by now
    fill_notes(form, interview_day)
    db = notes_notebook.parent / "journal.db"

    def complete():
        notes = saved_notes(db)
        return notes if notes and len(notes[0]["interviewers"]) == 2 and len(notes[0]["questions"]) == 3 \
            and notes[0]["questions"][2]["text"] == QUESTIONS[2][0] and notes[0]["response_days"] == 10 else None
    try:
        notes = poll(complete, what="the typed notes in journal.db")
    except AssertionError as e:
        raise AssertionError(f"{e}\nform status: {form.locator('.widget-html').first.inner_text()}\n" + _context(server, page_log))
    [n] = notes
    assert (n["company"], n["role"], n["at"][:16]) == ("Northwind Labs", "Data Engineer", f"{interview_day.isoformat()}T10:00")
    assert [(c["name"], c["title"], c["email"]) for c in n["interviewers"]] == INTERVIEWERS
    assert [q["rating"] for q in n["questions"]] == [3, 4, None]
    assert n["skills"] == ["SQL tuning", "calm under pressure"]
    assert "Saved: Northwind Labs" in form.inner_text()

    # The plan board for these notes: the thank-you to Dana is overdue, then ticked.
    run_cell(nb, 2)
    board = nb.output(2).locator(".fk-planboard")
    board.wait_for(state="visible", timeout=30_000)
    assert "Follow-up plan: Data Engineer at Northwind Labs" in board.inner_text()
    row = board.locator(".widget-hbox").filter(has_text="Email a thank-you to Dana Whitfield")
    assert "overdue" in row.inner_text()
    tick = row.get_by_label("Done", exact=True)  # the box says Done; the step's title beside it wraps, never cut
    tick.check()
    row = board.locator(".fk-step-done").filter(has_text="Email a thank-you to Dana Whitfield")
    row.wait_for(timeout=30_000)
    assert row.get_by_label("Done", exact=True).is_disabled()
    board.get_by_text("Done: Email a thank-you to Dana Whitfield").wait_for(timeout=30_000)  # the status line, once the kernel is through
    sent = poll(lambda: logged(db, "message_sent"), what="a message_sent entry in journal.db")
    assert [(e["step"], e["channel"]) for e in sent] == [(THANKS, "email")]
    assert nb.kernel_exec(f"print(board.plan.step({THANKS!r}).status)").strip() == "done"
    assert not nb.errors(), "\n".join(nb.errors())


PRACTICE = """\
from datetime import datetime, timezone
from followup_kit.journal import sample_journal
from followup_kit.widgets import NoteTaker, PlanBoard, Today
journal = sample_journal("sample.db")
now = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
app = journal.applications()[0]"""

# Contrast of each element's text against the background it is drawn on (alpha blended), WCAG 2.x formula.
CONTRAST_JS = """els => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = c => 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const under = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
  return els.filter(el => el.offsetParent !== null && (el.value || el.textContent).trim()).map(el => {
    const b = under(el), c = rgba(getComputedStyle(el).color), a = c[3];
    const fg = [0, 1, 2].map(i => c[i] * a + b[i] * (1 - a)), l1 = lum(fg), l2 = lum(b);
    return [(el.value || el.textContent).trim().slice(0, 50), (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)];
  });
}"""

# The same for the coloured bars that mark overdue and done steps (only bars that are drawn).
BAR_JS = CONTRAST_JS.replace("getComputedStyle(el).color", "getComputedStyle(el).borderLeftColor").replace(
    "el.offsetParent !== null &&", "el.offsetParent !== null && parseFloat(getComputedStyle(el).borderLeftWidth) >= 3 && "
    "rgba(getComputedStyle(el).borderLeftColor)[3] > 0 &&").replace("const under = el => { for (; el;", "const under = el => { for (el = el.parentElement; el;")


def contrasts(nb) -> dict[str, list]:
    "Text/background contrast ratios of the widgets' texts, by kind of text."
    panel = nb.panel
    return {"text": panel.locator(".fk-notetaker .widget-label, .fk-notetaker input[type=text], .fk-notetaker textarea, "
                                  ".fk-planboard .widget-label-basic span, .fk-today td").evaluate_all(CONTRAST_JS),
            "marks": panel.locator(".fk-planboard .widget-html span, .fk-today td span, .fk-notetaker .fk-status span").evaluate_all(CONTRAST_JS),
            "bars": panel.locator(".fk-planboard .widget-html div, .fk-today tr").evaluate_all(BAR_JS)}


def test_widgets_readable_in_light_and_dark_themes(lab_server, tmp_path, make_notebook, page, page_log):
    "Every text in the three widgets keeps its contrast in JupyterLab Light and Dark (theme variables, no fixed colours)."
    notebook = make_notebook(tmp_path / "practice" / "practice.ipynb", PRACTICE,
                             "Today(journal, now=now)", "PlanBoard(journal, app.id, now=now)",
                             "NoteTaker(journal, notes_id=app.rounds[0])")
    server = lab_server(notebook.parent)
    nb = server.open(page, notebook.name)
    assert nb.run_all(), _context(server, page_log) + "\n" + "\n".join(nb.errors())
    nb.panel.locator(".fk-today td", has_text="overdue").first.wait_for(timeout=30_000)
    nb.panel.locator(".fk-notetaker .fk-card").first.wait_for(timeout=30_000)
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        nb.eval(f"return app.commands.execute('apputils:change-theme', {{theme: {theme!r}}});")
        page.wait_for_function("t => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000)
        page.wait_for_timeout(500)  # let the theme's stylesheet apply
        found = contrasts(nb)
        assert len(found["text"]) > 20 and len(found["marks"]) > 10 and len(found["bars"]) >= 2, found
        weak = [(t, round(r, 2)) for t, r in found["text"] + found["marks"] if r < 4.5]
        weak += [(t, round(r, 2)) for t, r in found["bars"] if r < 3]  # non-text contrast (WCAG 1.4.11)
        assert not weak, f"{theme}: text with too little contrast: {weak}"
