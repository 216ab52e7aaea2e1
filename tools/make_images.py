"""Regenerate the pictures in nbs/images/ that README and the docs show, from the built-in sample data.

Run: `.venv/bin/python tools/make_images.py` (charts only) or with `--screenshots` to also photograph the
note-taking form in Chromium (needs /usr/bin/chromium and the dev extra).
"""
import subprocess, sys, tempfile, time, socket
from pathlib import Path

images = Path(__file__).resolve().parent.parent/'nbs'/'images'

def charts():
    from followup_kit.timeline import plan_followups, sample_interview
    from followup_kit.workshop import Cohort, sample_cohort
    plan = plan_followups(sample_interview())
    plan.plot(now=plan.interview.end).savefig(images/'plan.png', dpi=90)
    with tempfile.TemporaryDirectory() as d:
        sample_cohort(24, seed=7, folder=d)
        figs = Cohort.from_bundles(d).charts()
        figs['thank_you'].savefig(images/'cohort-thank-you.png', dpi=90)

def screenshot():
    "The NoteTaker and MessageCoach as a job seeker sees them, rendered by Voila in Chromium."
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as d:
        nb = Path(d)/'form.ipynb'
        import nbformat
        code = ("from followup_kit.journal import sample_journal\nfrom followup_kit.widgets import NoteTaker\n"
                f"j = sample_journal({str(Path(d)/'j.db')!r})\nn = [x for x in j.all() if x.company == 'Example Analytics'][0]\n"
                "NoteTaker(j, notes_id=n.id)")
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)],
                       metadata={'kernelspec': {'name': 'python3', 'display_name': 'python3', 'language': 'python'}}), nb)
        with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, '-m', 'voila', str(nb), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1'],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path='/usr/bin/chromium', args=['--no-sandbox', '--disable-gpu',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'])
                page = b.new_page(viewport={'width': 1100, 'height': 900})
                for _ in range(60):
                    try: page.goto(f'http://127.0.0.1:{port}/', timeout=60000); break
                    except Exception: time.sleep(1)
                page.wait_for_selector('.jupyter-widgets', state='attached', timeout=90000); time.sleep(4)
                page.screenshot(path=str(images/'notetaker.png'), full_page=False)
                b.close()
        finally: server.terminate()

if __name__ == '__main__':
    images.mkdir(exist_ok=True)
    charts()
    if '--screenshots' in sys.argv: screenshot()
    print('wrote', ', '.join(sorted(p.name for p in images.glob('*.png'))))
