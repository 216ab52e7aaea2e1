"""The coach's outputs in Chromium: the cohort report (`Cohort.report`) opened from a file, and the
Voilà dashboard (`followup_kit.dashboard.dashboard_notebook`) served on 127.0.0.1.

Both run on a sample cohort in pytest's tmp dir into which participant data carrying HTML and
script payloads has been planted: a company named like an `<img onerror>` tag, a participant named
`<script>…</script>`, a damaged bundle whose file name is an `<img onerror>` tag, and (for the
dashboard) a cohort folder whose own name is one. Every payload would set `window.__pwned` or open
an alert if it ran; the tests check the charts and the attention list are there, the payloads show
as text, and nothing ran. Uses the fixtures of `tests/browser/conftest.py`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup_kit.workshop import SAMPLE_AS_OF, Cohort, sample_cohort

pytestmark = pytest.mark.browser

PARTICIPANT = "<script>window.__pwned = 'participant'; alert('participant')</script>"
COMPANY = "<img src=x onerror=\"window.__pwned = 'company'; alert('company')\">"
BAD_FILE = "<img src=x onerror=window.__pwned=1;alert(1)>.json"  # a file name may hold all of this, no slash
FOLDER = "<img src=y onerror=window.__pwned=2;alert(2)>"


def planted_cohort(folder: Path, n: int = 8) -> Path:
    "Write a sample cohort to `folder` with the payloads planted in one participant's bundle, plus a damaged bundle."
    bundles = sample_cohort(n, seed=5)
    name = next(iter(bundles))
    data = bundles[name]
    data["participant"] = PARTICIPANT
    app = data["applications"][0]
    app["company"] = COMPANY
    for notes in data["notes"]:
        if notes["id"] in app["rounds"]:
            notes["company"] = COMPANY
    folder.mkdir(parents=True, exist_ok=True)
    for fname, bundle in bundles.items():
        (folder / fname).write_text(json.dumps(bundle, default=str), encoding="utf-8")
    (folder / BAD_FILE).write_text('{"format": "followup_kit bundle", "notes": [', encoding="utf-8")
    return folder


def watch_for_scripts(page) -> list[str]:
    "Record (and dismiss) every dialog the page opens; a script from participant data would open one."
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    return dialogs


def assert_nothing_ran(page, dialogs, page_log) -> None:
    assert not dialogs, f"a script from participant data opened a dialog: {dialogs}"
    assert page.evaluate("() => window.__pwned") is None, "a script from participant data set window.__pwned"
    assert not [l for l in page_log if "__pwned" in l], page_log


# Each chart: an inline image (PNG or SVG, whichever the report embeds) that the browser decoded to a real size.
LOADED_IMAGES = "imgs => imgs.map(i => i.complete && i.naturalWidth > 100 && /^data:image\\/(png|svg\\+xml);base64,/.test(i.src))"


def test_report_shows_charts_and_attention_and_runs_no_participant_script(tmp_path, page, page_log, external_requests):
    "Open the HTML report (names kept, per-participant pages) from file://: charts, attention list, payloads as text."
    folder = planted_cohort(tmp_path / "cohort")
    cohort = Cohort.from_bundles(folder, anonymize=False)
    assert [f for f, _ in cohort.problems] == [BAD_FILE]
    assert PARTICIPANT in set(cohort.participants["name"]) and COMPANY in set(cohort.applications["company"])
    report = cohort.report(tmp_path / "report.html", per_participant=True, now=SAMPLE_AS_OF)
    assert "<script" not in report.read_text(encoding="utf-8")  # no script element at all: the report needs none

    dialogs = watch_for_scripts(page)
    page.goto(report.as_uri(), wait_until="load")

    images = page.locator("figure img")
    assert images.count() == 5
    assert all(images.evaluate_all(LOADED_IMAGES)), "every chart is a decoded inline image"
    rows = page.locator("table.attention tbody tr")
    assert rows.count() == len(cohort.attention(SAMPLE_AS_OF)) > 0
    assert rows.first.locator("td").first.inner_text().startswith("Participant ")

    text = page.locator("body").inner_text()
    assert COMPANY in text, "the company payload shows as text in the per-participant pages"
    assert BAD_FILE in text, "the damaged bundle's file name shows as text"
    assert page.locator("img[onerror], body script").count() == 0
    assert_nothing_ran(page, dialogs, page_log)
    assert not external_requests, external_requests


def test_voila_dashboard_shows_charts_and_attention_and_runs_no_participant_script(
        tmp_path, voila_server, page, page_log, external_requests):
    "Serve `dashboard_notebook(folder)` with Voilà: charts, attention list, problems; pick a week with the keyboard."
    from followup_kit.dashboard import dashboard_notebook
    folder = planted_cohort(tmp_path / FOLDER)
    notebook = tmp_path / "dashboard" / "dashboard.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(dashboard_notebook(folder, now=SAMPLE_AS_OF, anonymize=False), encoding="utf-8")
    server = voila_server(notebook)

    dialogs = watch_for_scripts(page)
    server.open(page)
    dash = page.locator(".fk-dashboard")
    try:
        dash.locator(".fk-chart img").nth(4).wait_for(state="visible", timeout=90_000)
    except Exception as e:
        raise AssertionError(server.failure(f"the dashboard's charts never showed: {e}\nproblems: {server.problems(page)}\n"
                                            + "\n".join(page_log[-30:]))) from e
    assert not server.problems(page), server.problems(page)

    # Charts and the attention list for the latest week.
    assert all(dash.locator(".fk-chart img").evaluate_all(LOADED_IMAGES))
    attention = Cohort.from_bundles(folder, anonymize=False).attention(SAMPLE_AS_OF)
    rows = dash.locator("table.fk-attention tbody tr")
    assert rows.count() == len(attention) > 0
    assert "Who needs attention · Fri 20 Nov 2026, 17:00 UTC" in dash.inner_text()

    # The damaged bundle and the folder's name, shown as text.
    problems = dash.locator(".fk-problems")
    assert "1 problem while loading" in problems.inner_text() and BAD_FILE in problems.inner_text()
    assert FOLDER in dash.locator(".fk-status").inner_text()
    assert dash.locator("img[onerror], script").count() == 0

    # Keyboard: Tab from the folder box reaches Load; the week picker is labelled and changes the list.
    dash.get_by_label("Cohort folder", exact=True).focus()
    page.keyboard.press("Tab")
    assert dash.get_by_role("button", name="Load").evaluate("el => el === document.activeElement")
    week = dash.get_by_label("Week", exact=True)
    week.focus()
    page.keyboard.press("ArrowUp")  # one week back
    dash.get_by_text("Who needs attention · Mon 16 Nov 2026, 00:00 UTC").wait_for(timeout=60_000)
    dash.locator(".fk-chart img").nth(4).wait_for(state="visible")
    assert not server.problems(page), server.problems(page)

    assert_nothing_ran(page, dialogs, page_log)
    assert not external_requests, f"the dashboard fetched from outside 127.0.0.1: {external_requests}"
