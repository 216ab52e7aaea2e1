"""A real workshop JupyterHub on 127.0.0.1, written by `followup-kit hub` (`followup_kit.hub.write_hub`).

Three throwaway participants and a coach (Unix users created by the hub's own `setup.sh accounts`, removed at the
end even on failure) sign in in Chromium; each participant opens the guide, saves notes to their journal and hands
in with the "Send to my coach" button. Then: nobody can read another's journal or hand-in, over HTTP (another
user's /user/NAME/ URLs) or on disk; the coach's kernel loads the three bundles; idle servers are culled.

Needs root, the world-readable environment `$FOLLOWUP_KIT_HUB_VENV` (default /opt/followup-kit-hub, built by
`setup.sh install`, which `.ci/run` runs) and `configurable-http-proxy` on PATH; otherwise it skips (a failure
under FOLLOWUP_KIT_REQUIRE_BROWSER=1). With `FOLLOWUP_KIT_HUB_MEMORY=FILE` it writes the resident memory it sees
to FILE (bench/bench_hub_memory.py)."""
from __future__ import annotations
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from followup_kit.hub import write_hub
from conftest import EXTERNAL_URL, UI_TIMEOUT, LabServer, Server, _descendants, free_port, unavailable

HUB_VENV = Path(os.environ.get("FOLLOWUP_KIT_HUB_VENV", "/opt/followup-kit-hub"))
CULL_TIMEOUT = 45  # seconds: short, so the culling is seen within the test
SPAWN_TIMEOUT = 240_000  # ms: sign-in, spawn and JupyterLab's first load on a busy 2-core box


@dataclass
class Hub:
    url: str
    proc: subprocess.Popen
    log_path: Path
    folder: Path
    handin: Path
    coach: str
    people: list
    passwords: dict
    contexts: list = field(default_factory=list)

    def log(self, tail=150) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-tail:])

    def failure(self, what: str) -> str:
        return f"{what}\n--- hub log ({self.log_path}) ---\n{self.log()}"

    def uid(self, name) -> int: return pwd.getpwnam(name).pw_uid

    def home(self, name) -> Path: return Path(pwd.getpwnam(name).pw_dir)


def _processes_of(uids: set) -> list[int]:
    "Pids of live processes run by any of `uids`."
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid in uids: out.append(int(d.name))
            except OSError:
                pass
    return out


def _memory_kib(pids) -> dict:
    """Memory of `pids` in KiB: `rss` (VmRSS summed: shared pages counted in each process, an upper bound) and `pss`
    (proportional set size summed: each shared page split among the processes sharing it)."""
    out = {"rss": 0, "pss": 0}
    for pid in pids:
        for key, file, field in (("rss", "status", "VmRSS:"), ("pss", "smaps_rollup", "Pss:")):
            try:
                m = re.search(rf"^{field}\s+(\d+) kB", Path(f"/proc/{pid}/{file}").read_text(), re.M)
                out[key] += int(m.group(1)) if m else 0
            except OSError:
                pass
    return out


def _remove_users(names):
    for name in names:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        for pid in _processes_of({uid}):  # only processes of the throwaway users this test created
            try: os.kill(pid, signal.SIGKILL)
            except ProcessLookupError: pass
        subprocess.run(["userdel", "--remove", name], capture_output=True)


def _http_ok(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as r: return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        unavailable("the hub test creates Unix users: it needs root (CI runs as root)")
    if not (HUB_VENV / "bin" / "jupyterhub").exists() or not (HUB_VENV / "bin" / "jupyterhub-singleuser").exists():
        unavailable(f"{HUB_VENV} has no JupyterHub: run `bash DIR/setup.sh install` from `followup-kit hub` (.ci/run does)")
    if shutil.which("configurable-http-proxy") is None:
        unavailable("configurable-http-proxy is missing: npm install -g configurable-http-proxy (.ci/run does)")
    tag = secrets.token_hex(2)
    coach, people = f"fkcoach{tag}", [f"fk{x}{tag}" for x in ("ana", "ben", "cai")]
    base = Path(tempfile.mkdtemp(prefix="fk-hub-", dir="/tmp"))
    base.chmod(0o755)  # participants reach the start script and the hand-in folder through it
    folder, handin, port = base / "hub", base / "handin", free_port()
    try:
        write_hub(folder, coach, people, venv=str(HUB_VENV), handin=str(handin), ip="127.0.0.1", port=port,
                  cull_timeout=CULL_TIMEOUT)
        with open(folder / "jupyterhub_config.py", "a") as f:  # the test's own ports, never the defaults a real hub uses
            f.write(f"\nc.JupyterHub.hub_port = {free_port()}\n"
                    f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
                    "c.Spawner.args.append('--LabApp.expose_app_in_browser=True')  # window.jupyterapp, for LabNotebook\n")
        setup = subprocess.run(["bash", str(folder / "setup.sh"), "accounts"], capture_output=True, text=True)
        assert setup.returncode == 0, f"setup.sh accounts failed:\n{setup.stdout}\n{setup.stderr}"
        passwords = dict(line.split() for line in (folder / "state" / "passwords.txt").read_text().splitlines())
        log_path = base / "hub.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([str(HUB_VENV / "bin" / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                                    cwd=folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, env={**os.environ, "PATH": f"{HUB_VENV / 'bin'}:{os.environ['PATH']}"})
        h = Hub(f"http://127.0.0.1:{port}", proc, log_path, folder, handin, coach, people, passwords)
        deadline = time.monotonic() + 90
        while not _http_ok(h.url + "/hub/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(h.failure("JupyterHub did not start"))
            time.sleep(0.5)
        yield h
    finally:
        if "h" in locals():
            for ctx in h.contexts:
                try: ctx.close()
                except Exception: pass
            hub_srv = Server("jupyterhub", h.url, h.proc, h.log_path)
            hub_srv.stop()
        _remove_users([coach, *people])
        shutil.rmtree(base, ignore_errors=True)


def _sign_in(browser, hub: Hub, name: str):
    "A new browser context signed in as `name`, with their server spawned and JupyterLab loaded."
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    hub.contexts.append(ctx)
    ctx.set_default_timeout(UI_TIMEOUT)
    ctx.route(EXTERNAL_URL, lambda route: route.abort())  # offline: nothing leaves 127.0.0.1
    page = ctx.new_page()
    page.goto(hub.url + "/hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", hub.passwords[name])
    page.click("#login_submit")
    try:
        page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=SPAWN_TIMEOUT)
    except Exception as e:
        raise AssertionError(hub.failure(f"{name} never reached their JupyterLab (at {page.url}): {e}")) from e
    lab = LabServer(f"lab-{name}", f"{hub.url}/user/{name}", hub.proc, hub.log_path)
    lab.root_dir = hub.home(name)
    return ctx, page, lab


SAVE_NOTES = """
from datetime import datetime
from followup_kit.journal import Journal
from followup_kit.notes import Application, Contact, InterviewNotes
j = Journal()
n = InterviewNotes("Example Analytics", "Data Analyst", datetime(2026, 11, 19, 14, 0), tz="Europe/Paris",
                   interviewers=[Contact("Dana Jones", email="dana.jones@example.com")], notes="NOTE-{name}")
j.save(n, Application("Example Analytics", "Data Analyst"))
print(j.path)
"""

WRITE_HANDIN_PAGE = """
import nbformat, os
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
nb.cells = [nbformat.v4.new_code_cell("from followup_kit.handin import HandInButton\\nfrom followup_kit.journal import Journal"),
            nbformat.v4.new_code_cell("HandInButton(Journal())")]
nbformat.write(nb, os.path.expanduser("~/handin.ipynb"))
"""


def _participant(browser, hub: Hub, name: str, memory: dict):
    ctx, page, lab = _sign_in(browser, hub, name)
    guide = sorted(p.name for p in (hub.home(name) / "followup-kit").glob("*.ipynb"))
    assert guide, hub.failure(f"{name} has no guide pages in ~/followup-kit")
    nb = lab.open(page, f"followup-kit/{guide[0]}", timeout=SPAWN_TIMEOUT)
    journal = nb.kernel_exec(SAVE_NOTES.replace("{name}", name)).strip()
    assert journal == str(hub.home(name) / ".followup_kit" / "journal.db"), journal
    nb.kernel_exec(WRITE_HANDIN_PAGE)
    hand = lab.open(page, "handin.ipynb", timeout=SPAWN_TIMEOUT)  # same tab: a second one would get another workspace
    assert hand.run_all(), hand.errors()
    button = page.get_by_role("button", name="Send to my coach")
    button.click()
    status = page.locator(".fk-handin").get_by_text("Sent anonymised")
    status.wait_for(timeout=UI_TIMEOUT)
    memory[name] = _memory_kib(_processes_of({hub.uid(name)}))
    return page


def test_a_room_on_the_hub(browser, hub):
    memory = {}
    for name in hub.people:
        _participant(browser, hub, name, memory)

    # On disk: three bundles, each its owner's, 0640, in the coach's group, none holding what was typed.
    coach_gid = pwd.getpwnam(hub.coach).pw_gid
    files = {p.name: p.stat() for p in hub.handin.glob("*.json")}
    assert sorted(files) == sorted(f"{n}.json" for n in hub.people), files
    for n in hub.people:
        st = files[f"{n}.json"]
        assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (hub.uid(n), coach_gid, 0o640), (n, st)
        text = (hub.handin / f"{n}.json").read_text()
        assert "Dana Jones" not in text and "Example Analytics" not in text and f"NOTE-{n}" not in text
        assert hub.home(n).stat().st_mode & 0o077 == 0, f"{n}'s home is open to others"

    # On disk, as each participant: no other journal, no other hand-in, no listing of the folder.
    for me in hub.people:
        for other in hub.people:
            if other == me: continue
            for path in (hub.home(other) / ".followup_kit" / "journal.db", hub.handin / f"{other}.json", hub.home(other) / "followup-kit"):
                r = subprocess.run(["runuser", "-u", me, "--", "cat", str(path)], capture_output=True, text=True)
                assert r.returncode != 0 and "Permission denied" in r.stderr, (me, str(path), r.stderr)
        r = subprocess.run(["runuser", "-u", me, "--", "ls", str(hub.handin)], capture_output=True, text=True)
        assert r.returncode != 0 and "Permission denied" in r.stderr, (me, r.stdout)

    # Over HTTP: a participant's session can't reach another's server, files or the admin page.
    me_ctx, other = hub.contexts[0], hub.people[1]
    for path in (f"/user/{other}/api/contents/.followup_kit", f"/user/{other}/files/.followup_kit/journal.db",
                 f"/user/{other}/api/contents/followup-kit", "/hub/admin"):
        r = me_ctx.request.get(hub.url + path)
        assert r.status in (403, 404), (path, r.status, r.text()[:300])
        assert "journal.db" not in r.text() and "SQLite format" not in r.text(), path

    # The coach (the hub's admin) sees the three bundles from their own JupyterLab.
    ctx, page, lab = _sign_in(browser, hub, hub.coach)
    assert ctx.request.get(hub.url + "/hub/admin").status == 200
    assert (hub.home(hub.coach) / "handin").resolve() == hub.handin.resolve()
    guide = sorted(p.name for p in (hub.home(hub.coach) / "followup-kit").glob("*.ipynb"))
    nb = lab.open(page, f"followup-kit/{guide[0]}", timeout=SPAWN_TIMEOUT)
    seen = json.loads(nb.kernel_exec(
        "import json, os\nfrom followup_kit.workshop import Cohort\n"
        "c = Cohort.from_bundles(os.environ['FOLLOWUP_KIT_HANDIN'])\n"
        "print(json.dumps({'participants': len(c.participants), 'interviews': len(c.interviews), 'problems': c.problems}))"))
    assert seen == {"participants": 3, "interviews": 3, "problems": []}, seen
    memory["coach"] = _memory_kib(_processes_of({hub.uid(hub.coach)}))

    hub_pids = [hub.proc.pid, *_descendants(hub.proc.pid)]
    users = {hub.uid(n) for n in [hub.coach, *hub.people]}
    memory["hub, proxy and culler"] = _memory_kib([p for p in hub_pids if p not in _processes_of(users)])
    if os.environ.get("FOLLOWUP_KIT_HUB_MEMORY"):
        Path(os.environ["FOLLOWUP_KIT_HUB_MEMORY"]).write_text(json.dumps(memory, indent=1))

    # Idle servers are culled: with every page closed, each server stops within the culler's timeout (and a margin).
    for c in hub.contexts:
        c.close()
    hub.contexts.clear()
    deadline = time.monotonic() + CULL_TIMEOUT + 120
    while _processes_of(users) and time.monotonic() < deadline:
        time.sleep(2)
    assert not _processes_of(users), hub.failure("servers were still running long after the cull timeout")
    assert "Culling server" in hub.log(2000) or "culling" in hub.log(2000).lower(), hub.failure("no culling in the hub log")
