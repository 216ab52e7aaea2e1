"""Browser smoke tests: the timeline notebook's plan display in Voilà and in JupyterLab, and
ipywidgets rendering offline (the widget manager later issues' forms rely on)."""

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NBS = Path(__file__).resolve().parents[2] / "nbs"
TIMELINE = NBS / "00_timeline.ipynb"

# Voilà is served with followup_kit's page template (`followup_kit.dashboard.voila_command`), which drops the
# Font Awesome CSS that Voilà's lab page links from jsDelivr: any request leaving 127.0.0.1 is a bug.

WIDGET_CELL = """\
import sys
import ipywidgets as widgets
button = widgets.Button(description="Press me")
label = widgets.Label(value="not pressed")
def on_press(_): label.value = "pressed in " + sys.prefix
button.on_click(on_press)
widgets.VBox([button, label])"""


def _context(server, page_log, what: str = "") -> str:
    "A failure message: `what`, then the browser's console errors, then the server's log."
    return server.failure(f"{what}\n--- browser console errors ---\n" + "\n".join(page_log[-30:]))


def _plan_output(root, server, page_log):
    "The output under `root` showing the plan: a table with `thank_you_email`, headed 'Follow-up plan'."
    output = root.locator(".jp-OutputArea-output", has=root.page.locator("table", has_text="thank_you_email")).first
    try:
        output.wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError(_context(server, page_log, "no output with a plan table containing thank_you_email; "
                                      "page text:\n" + root.page.locator("body").inner_text()[:3000]))
    text = output.inner_text()
    assert "Follow-up plan" in text, f"the plan table has no 'Follow-up plan' heading:\n{text[:1000]}"
    return output


def test_voila_renders_timeline_plan(voila_server, page, page_log):
    "The plan display of `nbs/00_timeline.ipynb` renders in Voilà: a table of steps, no errors."
    server = voila_server(TIMELINE)
    server.open(page)
    _plan_output(page.locator("body"), server, page_log)
    problems = server.problems(page)
    assert not problems, _context(server, page_log, "\n".join(problems))


def test_jupyterlab_runs_timeline_notebook(lab_server, page, page_log):
    "Open the timeline notebook in JupyterLab (a tmp copy of nbs/), run all cells, find the plan."
    server = lab_server()  # serves a tmp copy of nbs/
    nb = server.open(page, TIMELINE.name)
    nb.run_all()
    errors = nb.errors()
    assert not errors, _context(server, page_log, "\n\n".join(errors))
    _plan_output(nb.panel, server, page_log)


@pytest.fixture
def widget_notebook(tmp_path, make_notebook):
    return make_notebook(tmp_path / "widgets" / "button.ipynb", ("markdown", "# Widgets"), WIDGET_CELL)


def test_voila_widgets_render_offline(voila_server, widget_notebook, page, page_log, external_requests):
    "An ipywidgets Button renders in Voilà without a CDN, and a click reaches the repo's kernel."
    server = voila_server(widget_notebook)
    server.open(page)
    button = page.get_by_role("button", name="Press me")
    try:
        button.wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError(_context(server, page_log, "the Button widget never rendered"))
    button.click()
    page.get_by_text(f"pressed in {sys.prefix}").wait_for(timeout=30_000)
    problems = server.problems(page)
    assert not problems, _context(server, page_log, "\n".join(problems))
    assert not external_requests, f"Voilà fetched from outside 127.0.0.1: {external_requests}"


def test_jupyterlab_widgets_render_offline(lab_server, widget_notebook, page, page_log, external_requests):
    "The same Button in JupyterLab: the widget manager works offline and clicks reach the kernel."
    server = lab_server(widget_notebook.parent)
    nb = server.open(page, widget_notebook.name)
    nb.run_all()
    errors = nb.errors()
    assert not errors, _context(server, page_log, "\n\n".join(errors))
    button = nb.output(1).get_by_role("button", name="Press me")
    button.click()
    nb.output(1).get_by_text(f"pressed in {sys.prefix}").wait_for(timeout=30_000)
    assert nb.kernel_exec("print(label.value)").strip() == f"pressed in {sys.prefix}"
    assert not external_requests, f"JupyterLab fetched from outside 127.0.0.1: {external_requests}"
