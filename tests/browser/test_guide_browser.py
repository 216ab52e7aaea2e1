"""One person's first week with the guide, in JupyterLab in Chromium, on their own journal.

The pages are the ones a person gets from `followup-kit guide` (a workspace written by `write_pages`, not the
repository's `nbs/`), and the kernel is a reader's: no `IN_TEST`, `FOLLOWUP_KIT_HOME` pointing at a temporary
home. Each "day" the test sets the page's clock (`FOLLOWUP_KIT_NOW`) in the kernel and chooses Run All, as a
person would after opening the page:

- page 1 on the practice journal: details saved, which starts their own journal;
- page 2 on day 1: notes typed (with a decision date), the thank-you drafted and signed with their name, logged
  as sent, and the plan board below it saying done without any cell run again;
- the kernel restarted, day 2: the notes form opens on the saved notes; nothing is duplicated;
- page 3 after the decision date; page 4 after an invitation, recorded on the board.

On every page: no cell error, and no label, button or list choice cut short."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from browser_helpers import poll

from followup_kit.guide import PAGES, write_pages

pytestmark = pytest.mark.browser

DAY1 = "2026-11-24T17:00:00+01:00"  # Tuesday, three hours after the interview
DAY2 = "2026-11-25T09:00:00+01:00"
AFTER_DATE = "2026-12-07T09:30:00+01:00"  # the Monday after their decision date (Friday 4 December)
THANKS = "thank_you_email:dana-whitfield"

# Text in the pages' outputs that doesn't fit its control: labels, buttons and checkbox labels cut with an ellipsis (scrollWidth beyond the
# box), and drop-down lists whose chosen option is wider than the list (measured with the list's own font).
CUT_JS = """(root) => {
  const cut = [];
  const inside = (q) => [...root.querySelectorAll('.jp-OutputArea')].flatMap(o => [...o.querySelectorAll(q)]);
  for (const el of inside('.widget-label, .widget-label-basic, .jupyter-button, .widget-button, .widget-checkbox label')) {
    if (!el.offsetParent || !el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1) cut.push(el.textContent.trim());
  }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const sel of inside('select')) {
    if (!sel.offsetParent || sel.multiple || sel.selectedIndex < 0) continue;
    const style = getComputedStyle(sel);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = sel.options[sel.selectedIndex].text;
    const room = sel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
    if (ctx.measureText(text).width > room) cut.push(text);
  }
  return cut;
}"""


@pytest.fixture
def journal_home(tmp_path) -> Path:
    home = tmp_path / "followup_kit_home"
    home.mkdir()
    return home


@pytest.fixture
def jupyter_env(jupyter_env, journal_home):
    "The shared server environment, plus FOLLOWUP_KIT_HOME (and no IN_TEST: the kernel is a reader's)."
    env = {k: v for k, v in jupyter_env.env.items() if k not in ("IN_TEST", "FOLLOWUP_KIT_NOW")}
    tmp = journal_home.parent / "kernel-tmp"  # the practice journal lands here, not in /tmp
    tmp.mkdir(exist_ok=True)
    return dataclasses.replace(jupyter_env, env={**env, "FOLLOWUP_KIT_HOME": str(journal_home), "TMPDIR": str(tmp)})


def _rows(db: Path, sql: str) -> list:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def open_on(server, page, name: str, now: str):
    "Open a page, set its clock, Run All; fail on any cell error."
    nb = server.open(page, name)
    nb.kernel_exec(f"import os; os.environ['FOLLOWUP_KIT_NOW'] = {now!r}")
    ok = nb.run_all()
    assert ok and not nb.errors(), server.failure(f"{name}: " + "\n".join(nb.errors()))
    return nb


def assert_nothing_cut(nb, name: str) -> None:
    cut = nb.page.evaluate(f"(id) => ({CUT_JS})(document.getElementById(id))", nb.eval("return w.id;"))
    assert not cut, f"{name}: text cut short in {cut}"


def test_a_first_week_with_the_guide(lab_server, tmp_path, journal_home, page, page_log):
    workspace = tmp_path / "followup-kit"
    write_pages(workspace)
    server = lab_server(workspace)
    db = journal_home / "journal.db"

    # Page 1, on the practice journal: saving the details starts the person's own journal.
    nb = open_on(server, page, PAGES[0], DAY1)
    assert "practice journal" in nb.panel.inner_text()
    me = nb.panel.locator(".fk-profile")
    me.get_by_label("Your name", exact=True).fill("Robin Vasseur")
    me.get_by_label("Email", exact=True).fill("robin.vasseur@example.com")
    me.get_by_label("Time zone", exact=True).fill("Europe/Paris")
    me.get_by_label("Time zone", exact=True).press("Tab")
    me.get_by_label("Country (2 letters)", exact=True).fill("FR")
    me.get_by_label("Country (2 letters)", exact=True).press("Tab")
    me.get_by_role("button", name="Save my details").click()
    me.get_by_text("drafts are signed Robin Vasseur").wait_for(timeout=30_000)
    assert db.exists()
    assert_nothing_cut(nb, PAGES[0])

    # Page 2, day 1: notes, the thank-you signed with the profile, logged; the board follows at once.
    nb = open_on(server, page, PAGES[1], DAY1)
    assert "your journal" in nb.panel.inner_text()
    form = nb.panel.locator(".fk-notetaker")
    assert form.get_by_label("Time zone", exact=True).input_value() == "Europe/Paris"  # from the profile
    form.get_by_label("Company", exact=True).fill("Northwind Labs")
    form.get_by_label("Role", exact=True).fill("Data Engineer")
    form.get_by_label("Date", exact=True).fill("2026-11-24")
    form.get_by_label("Start time", exact=True).fill("14:00")
    form.get_by_role("button", name="Add interviewer").click()
    card = form.locator(".fk-card").filter(has_text="Interviewer 1")
    card.get_by_label("Name", exact=True).fill("Dana Whitfield")
    card.get_by_label("Email", exact=True).fill("dana.whitfield@example.com")
    form.get_by_label("Topics", exact=True).fill("the move to streaming")
    form.get_by_label("Decision by", exact=True).fill("2026-12-04")
    poll(lambda: [b for (b,) in _rows(db, "SELECT body FROM notes") if json.loads(b)["response_by"] == "2026-12-04"
                  and json.loads(b)["interviewers"] and json.loads(b)["topics"]], what="the typed notes in the journal")
    draft = nb.panel.get_by_label("Draft", exact=True)
    poll(lambda: "Dear Dana" in draft.input_value() and draft.input_value().rstrip().endswith("Robin Vasseur"),
         what="the thank-you to Dana, signed with the profile's name")
    assert "Chris Doe" not in draft.input_value() and "[Your name]" not in draft.input_value()
    nb.panel.get_by_role("button", name="Log as sent").click()
    poll(lambda: [b for (b,) in _rows(db, "SELECT body FROM events WHERE kind='message_sent'") if json.loads(b)["step"] == THANKS],
         what="the thank-you in the log")
    board = nb.panel.locator(".fk-planboard")
    board.locator(".fk-step-done", has_text="Email a thank-you to Dana Whitfield").wait_for(timeout=30_000)  # no cell was run again
    assert_nothing_cut(nb, PAGES[1])

    # The kernel restarts; day 2: the form opens on the saved notes, and nothing is duplicated.
    nb.eval("return w.sessionContext.restartKernel();")
    nb.wait_idle()
    nb.kernel_exec(f"import os; os.environ['FOLLOWUP_KIT_NOW'] = {DAY2!r}")
    assert nb.run_all() and not nb.errors(), "\n".join(nb.errors())
    form = nb.panel.locator(".fk-notetaker")
    poll(lambda: form.get_by_label("Company", exact=True).input_value() == "Northwind Labs", what="the saved notes in the form")
    assert form.get_by_label("Decision by", exact=True).input_value() == "2026-12-04"
    assert _rows(db, "SELECT count(*) FROM notes") == [(1,)] and _rows(db, "SELECT count(*) FROM applications") == [(1,)]
    assert board.locator(".fk-step-done").count() >= 1

    # Page 3, after their decision date: the status email is on time.
    nb = open_on(server, page, PAGES[2], AFTER_DATE)
    assert "Northwind Labs" in nb.panel.locator(".fk-today").inner_text()
    reviews = nb.panel.locator(".fk-review").all_inner_texts()
    assert reviews and not [r for r in reviews if "timing-early" in r], reviews
    assert_nothing_cut(nb, PAGES[2])

    # Page 4: an invitation, recorded on the board; the plan asks for a reply.
    nb = open_on(server, page, PAGES[3], AFTER_DATE)
    board = nb.panel.locator(".fk-planboard")
    board.get_by_label("What happened", exact=True).select_option(label="They invited me to another interview")
    board.get_by_role("button", name="Record", exact=True).click()
    board.get_by_text("Recorded: They invited me to another interview").wait_for(timeout=30_000)
    assert [json.loads(b)["kind"] for (b,) in _rows(db, "SELECT body FROM events")][-1] == "invited"
    assert "Reply to the invitation" in board.inner_text() or "reply" in board.inner_text().lower()
    assert_nothing_cut(nb, PAGES[3])
    assert not [l for l in page_log if "pageerror" in l], page_log
