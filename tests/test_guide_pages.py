"""The guide pages as a person runs them: Run All on their own journal, outside test mode, on the journals people have.

Each page is executed top to bottom (execnb, the kernel nbdev-test uses) with `FOLLOWUP_KIT_HOME` pointing at a
fixture journal and `IN_TEST` unset, the way JupyterLab runs it for a reader. The pages' own checks live here, not
on the pages.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastcore.nbio import read_nb
from execnb.shell import CaptureShell

import guide_journals as gj
from followup_kit.guide import PAGES, Following, pages_source, write_pages
from followup_kit.journal import Journal

NBS = Path(__file__).resolve().parents[1] / "nbs" / "guide"


def run_page(name: str, home: Path, monkeypatch) -> dict:
    "Run page `name` like Run All on the journal in `home`; returns the page's namespace. Any cell error fails."
    monkeypatch.setenv("FOLLOWUP_KIT_HOME", str(home))
    monkeypatch.setenv("FOLLOWUP_KIT_NOW", gj.NOW.isoformat())
    monkeypatch.delenv("IN_TEST", raising=False)
    nb = read_nb(NBS / name)
    shell = CaptureShell()
    shell.run_all(nb, exc_stop=True)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    return shell.user_ns


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.mark.parametrize("kind", sorted(gj.JOURNALS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_every_journal(page, kind, home, monkeypatch):
    home.mkdir()
    gj.JOURNALS[kind](home).close()
    before = Journal(home / "journal.db").bundle()
    ns = run_page(page, home, monkeypatch)
    assert ns["ws"].practice is False and ns["ws"].journal.path == home / "journal.db"
    after = ns["ws"].journal.bundle()
    for key in ("notes", "applications", "reflections", "profile", "archived"):
        assert after.get(key) == before.get(key), f"running {page} changed {key}"


def shown(ns, kind: str) -> list:
    "What the page's `follow` parts show now, of class `kind` (e.g. MessageCoach, PlanBoard)."
    return [v.current for v in ns["Out"].values() if isinstance(v, Following) and type(v.current).__name__ == kind]


def test_page1_with_a_decision_date_shows_the_form_and_the_comparison(home, monkeypatch):
    "Page 1 used to stop for anyone who had recorded a decision date."
    home.mkdir(); gj.one_interview(home).close()
    ns = run_page(PAGES[0], home, monkeypatch)
    form = ns["notes_form"]
    assert form.notes.company == "Example Robotics" and form.response_by.value.isoformat() == "2026-12-04"
    comparison = [v.current for v in ns["Out"].values() if isinstance(v, Following) and isinstance(v.current, str)]
    assert comparison and "you asked" in comparison[0] and "Thu 03 Dec" not in comparison[0]  # nothing before their date (Fri 4 Dec)


def test_page2_day_one_and_the_day_after(home, monkeypatch):
    "Notes open on what is saved, the draft is signed with the profile, logging reaches the plan; nothing duplicated."
    home.mkdir(); gj.one_interview(home).close()
    ns = run_page(PAGES[1], home, monkeypatch)
    assert ns["notes_form"].notes.company == "Example Robotics", "the form must open on the saved interview, not blank"
    [coach], [board] = shown(ns, "MessageCoach"), shown(ns, "PlanBoard")
    assert coach.text.value.rstrip().endswith("Robin Vasseur") and "[Your name]" not in coach.text.value
    assert coach.step.value == "thank_you_email:noor-haddad" and "No email address for Noor Haddad" in coach.link.value
    assert "mailto:" not in coach.link.value
    coach.log_sent(when=gj.NOW)
    assert board.plan.step("thank_you_email:noor-haddad").status == "done", "the board follows without a re-run"
    # the next day, a new kernel: the same page, the same journal
    ns = run_page(PAGES[1], home, monkeypatch)
    assert ns["notes_form"].notes.company == "Example Robotics"
    j = ns["ws"].journal
    assert (len(j.all()), len(j.applications())) == (1, 1)
    [coach] = shown(ns, "MessageCoach")
    assert "thank_you_email:noor-haddad" not in coach.steps


def test_page3_and_4_follow_the_chosen_interview(home, monkeypatch):
    home.mkdir(); gj.several(home).close()
    ns = run_page(PAGES[3], home, monkeypatch)
    chooser = ns["interview"]
    assert chooser.notes.company == "Example Waiting GmbH"  # latest first
    [send] = [v for v in ns["Out"].values() if type(v).__name__ == "HandInButton"]
    assert send.practice is False and "Send to my coach" == send.button.description
    [board], [reflection] = shown(ns, "PlanBoard"), shown(ns, "ReflectionForm")
    logged = len(reflection.application.log)
    board.tick("thank_you_email:mia-schulz")
    assert len(reflection.application.log) == logged + 1, "the reflection measures what was just logged, without a re-run"
    offer = next(nid for label, nid in chooser.choice.options if "Example Offers" in label)
    chooser.choice.value = offer
    [board] = shown(ns, "PlanBoard")
    assert board.journal.application(board.application_id).status == "offer"
    assert all("Robin Vasseur" in v.current for v in ns["Out"].values() if isinstance(v, Following)
               and isinstance(v.current, str) and "If you reach voicemail" in v.current)


def test_archived_applications_leave_plans_but_stay_in_the_journal(home, monkeypatch):
    home.mkdir(); gj.archived(home).close()
    ns = run_page(PAGES[3], home, monkeypatch)
    labels = [label for label, _ in ns["interview"].choice.options]
    assert not [l for l in labels if "Example Rejects" in l] and len(ns["ws"].journal.applications()) == 3


def test_shipped_pages_are_the_sources_without_outputs(tmp_path):
    "The pages in the package are nbs/guide's, cleaned; `write_pages` copies exactly those."
    for name in PAGES:
        shipped = json.loads((pages_source() / name).read_text())
        source = json.loads((NBS / name).read_text())
        assert [c["source"] for c in shipped["cells"]] == [c["source"] for c in source["cells"]]
        assert not [c for c in shipped["cells"] if c.get("outputs")]
    copies = write_pages(tmp_path / "ws")
    assert [c.path.read_bytes() for c in copies] == [(pages_source() / n).read_bytes() for n in PAGES]
