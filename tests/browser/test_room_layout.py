"""The coach's room in Chromium at a phone's, a laptop's and a projector's width (390, 1280 and 1920 px).

The report (`Cohort.report`, opened from a file) must not scroll sideways on a phone: wide tables scroll inside their
own wrapper, and chart text stays at 10 px or more. The Voilà dashboard (`followup_kit.dashboard.dashboard_notebook`,
served by the `voila_server` fixture as `followup-kit dashboard` serves it) shows its charts at the page's full width
from 1280 px up with text of 18 px or more, starts on an empty folder ("0 bundles received") and shows a bundle
handed in afterwards without a reload.

Chart text is measured as drawn: each chart is an SVG image, so its text's `font-size` (in the SVG's own units) times
the image's rendered width over the SVG's `viewBox` width is the size on screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup_kit.workshop import SAMPLE_AS_OF, Cohort, sample_cohort

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280, 1920)

# For every chart image: [rendered width, smallest text size on screen in px], from the SVG inside its data: URL.
CHART_TEXT = """imgs => imgs.map(img => {
  const svg = new DOMParser().parseFromString(atob(img.src.split('base64,')[1]), 'image/svg+xml').documentElement;
  const box = svg.getAttribute('viewBox').split(/\\s+/).map(Number);
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat((t.getAttribute('style') || '').match(/font-size:\\s*([\\d.]+)/)[1]));
  const scale = img.getBoundingClientRect().width / box[2];
  return [img.getBoundingClientRect().width, Math.min(...sizes) * scale];
})"""

PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, window.innerWidth]"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cohort")
    sample_cohort(24, seed=7, folder=folder)
    cohort = Cohort.from_bundles(folder)
    return cohort.report(tmp_path_factory.mktemp("out") / "report.html", per_participant=True, now=SAMPLE_AS_OF)


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_the_screen(report, page, width, external_requests):
    "No sideways scrolling of the page; tables scroll inside their wrapper; chart text 10 px or more."
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(report.as_uri(), wait_until="load")
    scroll, client, inner = page.evaluate(PAGE_WIDTH)
    assert scroll == client <= inner, f"the report is {scroll} px wide on a {width} px screen"

    wrappers = page.locator("div.scroll")
    assert wrappers.count() >= 5 and page.locator("table").count() == page.locator("div.scroll > table").count()
    sizes = wrappers.evaluate_all("ds => ds.map(d => [d.scrollWidth, d.clientWidth, d.getBoundingClientRect().right])")
    assert all(right <= client + 0.5 for _, _, right in sizes), "every table's wrapper stays on the page"
    if width == 390:
        assert any(s > c for s, c, _ in sizes), "on a phone the widest tables scroll inside their wrapper"
        assert page.locator("table.attention").evaluate("t => t.parentElement.classList.contains('scroll')")

    charts = page.locator("figure img").evaluate_all(CHART_TEXT)
    assert len(charts) == 5
    for shown, text in charts:
        assert shown <= client and text >= 10, f"chart {shown:.0f} px wide with {text:.1f} px text at {width} px"
    assert page.locator("figure figcaption h2").count() == 5  # one title per chart, in the caption
    assert not external_requests, external_requests


def served_dashboard(voila_server, tmp_path, folder, **kw):
    from followup_kit.dashboard import dashboard_notebook
    notebook = tmp_path / "dashboard" / "dashboard.ipynb"
    notebook.parent.mkdir(exist_ok=True)
    notebook.write_text(dashboard_notebook(folder, **kw), encoding="utf-8")
    return voila_server(notebook)


def wait_for_charts(server, page, dash, page_log):
    try:
        dash.locator(".fk-chart img").nth(4).wait_for(state="visible", timeout=90_000)
    except Exception as e:
        raise AssertionError(server.failure(f"the dashboard's charts never showed: {e}\nproblems: {server.problems(page)}\n"
                                            + "\n".join(page_log[-30:]))) from e


def test_dashboard_charts_fill_the_projector(tmp_path, voila_server, page, page_log, external_requests):
    "At 1280 and 1920 px each chart spans the page's width and its text is 18 px or more; at 390 px the page fits."
    folder = tmp_path / "cohort"
    sample_cohort(12, seed=1, folder=folder)
    server = served_dashboard(voila_server, tmp_path, folder, now=SAMPLE_AS_OF, poll=0)
    server.open(page)
    dash = page.locator(".fk-dashboard")
    wait_for_charts(server, page, dash, page_log)
    for width in (1280, 1920, 390):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)  # let the layout settle
        charts = dash.locator(".fk-chart img").evaluate_all(CHART_TEXT)
        assert len(charts) == 5
        scroll, client, _ = page.evaluate(PAGE_WIDTH)
        assert scroll <= client, f"the dashboard is {scroll} px wide on a {width} px screen"
        for shown, text in charts:
            if width >= 1280:
                assert shown >= client - 120, f"a chart {shown:.0f} px wide on a {client} px page is not full width"
                assert text >= 18, f"chart text {text:.1f} px at {width} px"
            else:  # a projector view on a phone: it fits the screen (its charts are drawn for the wall, not the hand)
                assert shown <= client, (shown, client)
    assert dash.locator(".fk-chart figcaption").count() == 5
    titles = dash.locator(".fk-chart figcaption").all_inner_texts()
    svgs = dash.locator(".fk-chart img").evaluate_all("imgs => imgs.map(i => atob(i.src.split('base64,')[1]))")
    assert not [t for t, s in zip(titles, svgs) if t.strip() in s], "each chart's title is shown once, in its caption"
    assert "formal_note" not in dash.inner_text() and "small_business" not in dash.inner_text()
    assert not server.problems(page), server.problems(page)
    assert not external_requests, external_requests


def test_dashboard_starts_empty_and_shows_a_bundle_without_a_reload(tmp_path, voila_server, page, page_log, external_requests):
    "An empty hand-in folder says \"0 bundles received\"; a bundle written afterwards appears with its charts, same page."
    folder = tmp_path / "room"
    folder.mkdir()
    server = served_dashboard(voila_server, tmp_path, folder, poll=1)
    server.open(page)
    dash = page.locator(".fk-dashboard")
    status = dash.locator(".fk-status")
    try:
        status.get_by_text("0 bundles received").wait_for(timeout=90_000)
    except Exception as e:
        raise AssertionError(server.failure(f"no '0 bundles received': {e}\n{server.problems(page)}")) from e
    assert dash.locator(".fk-chart img").count() == 0
    page.evaluate("() => { window.__same_page = true; }")

    name, bundle = next(iter(sample_cohort(1, seed=4).items()))
    (folder / name).write_text(json.dumps(bundle, default=str), encoding="utf-8")
    status.get_by_text("1 bundle received").wait_for(timeout=60_000)
    wait_for_charts(server, page, dash, page_log)
    assert "1 participant ·" in status.inner_text()
    assert page.evaluate("() => window.__same_page") is True, "the page was reloaded"

    dash.get_by_label("Show the sample past cohort (invented data) until the room's bundles arrive").check()
    dash.locator(".fk-sample").wait_for(timeout=60_000)
    assert "Sample data" in dash.locator(".fk-sample").inner_text()
    dash.locator(".fk-sample-tag").nth(4).wait_for(timeout=60_000)
    assert not server.problems(page), server.problems(page)
    assert not external_requests, external_requests
