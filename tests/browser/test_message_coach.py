"""The `MessageCoach` in a real browser: Voilà renders `fixtures/message_coach.ipynb` in Chromium,
the step is chosen and a draft typed key by key, and the checker's findings appear as you type."""

import re
from pathlib import Path

import pytest
from browser_helpers import poll

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "message_coach.ipynb"

GENERIC = ("Subject: Follow-up on the Data Analyst interview\n\n"
           "To whom it may concern,\n\n"
           "Thank you again for my interview for the Data Analyst role on Tuesday 13 May. "
           "I enjoyed discussing the dashboard redesign and I am still very interested. "
           "Could you let me know whether there is any update on the next steps?\n\n"
           "Best regards,\nSam Carter")


def _context(server, page_log, page=None) -> str:
    text = "" if page is None else "\npage text:\n" + page.locator("body").inner_text()[:3000]
    return server.failure("browser log:\n" + "\n".join(page_log[-30:])) + text


def test_message_coach_shows_findings_as_you_type(voila_server, page, page_log, external_requests):
    server = voila_server(FIXTURE)
    server.open(page)
    step, draft = page.get_by_label("Step"), page.get_by_label("Draft")
    try:
        draft.wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError(_context(server, page_log, page) + "\nthe coach's Draft textarea never rendered")
    review = page.locator(".fk-review")
    review.get_by_text("nothing to fix").wait_for(timeout=30_000)  # the thank-you draft comes back clean

    step.select_option(label="Email Priya Raman for an update on your application")
    page.wait_for_function("() => document.querySelector('.widget-textarea textarea').value.includes('Dear Priya')")

    draft.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(GENERIC)
    finding = review.locator(".fk-finding", has_text="greeting-generic")
    try:
        finding.wait_for(timeout=30_000)
    except Exception:
        raise AssertionError(_context(server, page_log, page) + "\ngreeting-generic never appeared")
    # The kernel may still be catching up with the last keystrokes: wait for it to settle.
    review.get_by_text(re.compile(r"(?<!\d)1 finding$")).wait_for(timeout=30_000)
    text = finding.inner_text()
    assert "warning" in text and "To whom it may concern" in text, text
    assert draft.input_value() == GENERIC  # every keystroke arrived, in order

    page.get_by_role("button", name="Restore the draft").click()
    review.get_by_text("nothing to fix").wait_for(timeout=30_000)
    assert page.locator("a[href^='mailto:priya.raman@example.com?subject=']").count() == 1

    assert not server.problems(page), _context(server, page_log, page)
    assert not external_requests, f"Voilà fetched from outside 127.0.0.1: {external_requests}"


# WCAG contrast ratio between an element's text colour (blended over its background when
# translucent) and the first non-transparent background behind it.
CONTRAST_JS = """el => {
  // null while the findings re-render (a detached element has no computed colours): the caller retries
  const rgb = s => { const m = s && s.match(/[\\d.]+/g); return m ? m.map(Number) : null; };
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (!c) return null;
    if (c.length < 4 || c[3] > 0) bg = c;
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color);
  if (!fg) return null;
  const alpha = fg.length > 3 ? fg[3] : 1;  // blend a translucent text colour
  const [a, b] = [lum(fg.slice(0, 3).map((v, i) => alpha * v + (1 - alpha) * bg[i])), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_message_coach_readable_in_jupyterlab_themes(theme, lab_server, tmp_path, page, page_log):
    "In JupyterLab's light and dark themes the findings are readable (WCAG AA contrast) and typing still checks."
    root = tmp_path / "coach"
    root.mkdir()
    (root / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    server = lab_server(root, settings={"@jupyterlab/apputils-extension:themes": {"theme": theme}})
    nb = server.open(page, FIXTURE.name)
    page.wait_for_function("t => document.body.dataset.jpThemeName === t", arg=theme)
    assert nb.run_all(), _context(server, page_log) + "\n" + "\n\n".join(nb.errors())
    draft = nb.panel.get_by_label("Draft")
    draft.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("To whom it may concern,\n\nThanks")
    finding = nb.panel.locator(".fk-finding", has_text="greeting-generic")
    finding.wait_for(timeout=30_000)
    assert "To whom it may concern" in finding.inner_text()
    for el in (finding.locator("b"), finding.locator("code"), finding.locator("span"), nb.panel.locator(".fk-review p").first):
        ratio = poll(lambda: el.evaluate(CONTRAST_JS), timeout=30, what=f"{theme}: a settled colour to measure")
        assert ratio >= 4.5, f"{theme}: contrast {ratio:.2f} for {el.inner_text()!r}"
