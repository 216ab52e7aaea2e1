"""Guide 2, *The first 48 hours*, walked in JupyterLab in Chromium the way a newcomer would: run all cells,
start their own journal with the button, fill in the notes form, run the rest of the page, find the plan,
get a thank-you draft checked, log it as sent, and find it all in the journal file.

The server runs on a temporary copy of `nbs/` (`notebook_dir`) with `FOLLOWUP_KIT_HOME` pointing at a temporary
folder (this module overrides `jupyter_env`), so nothing touches the repo or `~/.followup_kit`."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from browser_helpers import poll

pytestmark = pytest.mark.browser

GUIDE = "guide/02_the_first_48_hours.ipynb"
THANKS = "thank_you_email:dana-whitfield"


@pytest.fixture
def journal_home(tmp_path) -> Path:
    "The reader's FOLLOWUP_KIT_HOME for this test: empty, so the page starts on the practice journal."
    home = tmp_path / "followup_kit_home"
    home.mkdir()
    return home


@pytest.fixture
def jupyter_env(jupyter_env, journal_home):
    "The shared server environment, plus FOLLOWUP_KIT_HOME (and no IN_TEST: the kernel is a reader's)."
    env = {k: v for k, v in jupyter_env.env.items() if k != "IN_TEST"}
    tmp = journal_home.parent / "kernel-tmp"  # the practice journals land here, not in /tmp
    tmp.mkdir(exist_ok=True)
    return dataclasses.replace(jupyter_env, env={**env, "FOLLOWUP_KIT_HOME": str(journal_home), "TMPDIR": str(tmp)})


def _rows(db: Path, sql: str, *args) -> list:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def cell_index(nb, starts: str) -> int:
    "The index of the first cell whose source starts with `starts`."
    cells = nb.to_json()["cells"]
    src = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
    return next(i for i, c in enumerate(cells) if src(c).startswith(starts))


def run_from(nb, index: int) -> None:
    "Select cell `index` and choose Run ▸ Run Selected Cell and All Below."
    nb.eval(f"app.shell.activateById(w.id); w.content.activeCellIndex = {index}; "
            "return app.commands.execute('notebook:run-all-below');")
    nb.wait_idle()


def fill_notes(form, day: date) -> None:
    "Type an interview into the notes form, as a reader would."
    form.get_by_label("Company", exact=True).fill("Northwind Labs")
    form.get_by_label("Role", exact=True).fill("Data Engineer")
    form.get_by_label("Date", exact=True).fill(day.isoformat())
    form.get_by_label("Start time", exact=True).fill("10:00")
    form.get_by_label("Time zone", exact=True).fill("Europe/Berlin")
    form.get_by_role("button", name="Add interviewer").click()
    card = form.locator(".fk-card").filter(has_text="Interviewer 1")
    card.get_by_label("Name", exact=True).fill("Dana Whitfield")
    card.get_by_label("Title", exact=True).fill("Engineering Manager")
    card.get_by_label("Email", exact=True).fill("dana.whitfield@example.com")
    form.get_by_label("Topics", exact=True).fill("Dana: the move to streaming")
    form.get_by_label("Skills they focused on", exact=True).fill("SQL tuning")
    form.get_by_label("or within (days)", exact=True).fill("10")


def test_guide_two_from_practice_to_a_checked_thank_you(lab_server, notebook_dir, journal_home, page, page_log):
    server = lab_server(notebook_dir)
    context = lambda: server.failure("browser log:\n" + "\n".join(page_log[-30:]))
    nb = server.open(page, GUIDE)
    assert nb.run_all(), context() + "\n".join(nb.errors())
    journal_cell = cell_index(nb, "journal, now, about = open_journal()")
    assert "practice journal" in nb.output(journal_cell).inner_text()

    # A newcomer starts their own journal with the button, then runs everything again.
    nb.panel.get_by_role("button", name="Start my own journal").click()
    nb.panel.locator(".widget-html-content", has_text="Created").wait_for(timeout=30_000)
    db = journal_home / "journal.db"
    assert db.exists()
    assert nb.run_all(), context() + "\n".join(nb.errors())
    assert "your journal" in nb.output(journal_cell).inner_text()

    # The notes form, filled through the UI, saves into the journal under FOLLOWUP_KIT_HOME.
    form = nb.panel.locator(".fk-notetaker")
    form.wait_for(state="visible", timeout=30_000)
    day = date.today() - timedelta(days=1)
    fill_notes(form, day)
    def saved():
        rows = [json.loads(b) for (b,) in _rows(db, "SELECT body FROM notes")]
        return rows if rows and rows[0]["interviewers"] and rows[0]["response_days"] == 10 \
            and rows[0]["topics"] == ["Dana: the move to streaming"] else None
    try:
        [notes] = poll(saved, what="the typed notes in the journal")
    except AssertionError as e:
        raise AssertionError(f"{e}\nform: {form.inner_text()[:500]}\n" + context())
    assert (notes["company"], notes["at"][:16], notes["tz"]) == ("Northwind Labs", f"{day.isoformat()}T10:00", "Europe/Berlin")
    assert "Saved: Northwind Labs" in form.inner_text()

    # Run the rest of the page on those notes: the coach drafts the thank-you, the checker finds nothing serious.
    run_from(nb, cell_index(nb, "notes, about = pick_notes(taker, journal)"))
    assert not nb.errors(), "\n".join(nb.errors())
    assert "notes you just typed" in nb.panel.inner_text()
    draft = nb.panel.get_by_label("Draft", exact=True)
    poll(lambda: "Dear Dana" in draft.input_value(), what="the thank-you draft to Dana")
    review = nb.panel.locator(".fk-review")
    review.first.wait_for(timeout=30_000)
    assert "⛔" not in review.first.inner_text(), review.first.inner_text()

    # Make it generic: the checker says so as you type; restore the draft, then log it as sent.
    draft.fill(draft.input_value().replace("Dear Dana,", "To whom it may concern,"))
    review.first.locator(".fk-finding", has_text="greeting-generic").wait_for(timeout=30_000)
    nb.panel.get_by_role("button", name="Restore the draft").click()
    poll(lambda: "Dear Dana" in draft.input_value(), what="the restored draft")
    nb.panel.get_by_role("button", name="Log as sent").click()
    sent = poll(lambda: _rows(db, "SELECT body FROM events WHERE kind='message_sent'"), what="the thank-you in the log")
    assert [json.loads(b)["step"] for (b,) in sent] == [THANKS]

    # The plan: its board shows the application; the kernel's journal is the one under FOLLOWUP_KIT_HOME.
    board = nb.panel.locator(".fk-planboard")
    board.wait_for(state="visible", timeout=30_000)
    assert "Follow-up plan: Data Engineer at Northwind Labs" in board.inner_text()
    out = nb.kernel_exec(f"print(journal.path); print(journal.plan(coach.application.id).step({THANKS!r}).status)")
    path, status = out.split()
    assert Path(path).resolve() == db.resolve() and status == "done", out
    assert not nb.errors(), "\n".join(nb.errors())
