"""Fixtures for the browser tier: Chromium via Playwright, Voilà and JupyterLab on 127.0.0.1.

Everything here runs offline. Chromium is Debian's `/usr/bin/chromium` driven by Python
Playwright (never `playwright install`). When Chromium, Playwright or a server is missing the
tests skip, unless `FOLLOWUP_KIT_REQUIRE_BROWSER=1` (set by `.ci/run`), where they fail.

Servers run with private Jupyter/IPython directories under pytest's tmp dir, a kernel spec
pointing at this interpreter (`sys.executable`, the repo's `.venv`), and a temporary copy of the
notebooks they serve, so nothing is written into the repo or the user's home configuration.

Fixture API (all function-scoped unless noted):

- `browser` (session): a Playwright `Browser` (Chromium, headless).
- `page`: a fresh `Page` in its own context; console errors are kept in `page_log`.
- `page_log`: list of strings: browser console errors and uncaught page errors.
- `external_requests`: URLs `page` tried to fetch from outside 127.0.0.1 (all are aborted).
- `jupyter_env` (session): `JupyterEnv` with `.env` (dict for subprocesses) and its directories.
- `notebook_dir`: a tmp copy of `nbs/` (a `Path`), the usual root for servers.
- `voila_server(notebook, *, copy=True, args=(), timeout=90) -> VoilaServer`: a factory.
  `server.open(page)` loads the rendered notebook (its address carries `server.token`, the secret
  the dashboard's server demands, as `followup-kit dashboard` prints it); `server.problems(page)`
  lists error text.
- `lab_server(root_dir=None, *, settings=None, args=(), timeout=90) -> LabServer`: a factory.
  `nb = server.open(page, "00_timeline.ipynb")` gives a `LabNotebook` with `run_all()`,
  `wait_idle()`, `cell(i)`, `output(i)`, `errors()`, `to_json()`, `kernel_exec(code)`.
- `make_notebook(path, *cells) -> Path`: writes a small notebook (strings are code cells).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pytest

from followup_kit.dashboard import VOILA_TEMPLATE, voila_command, voila_config, voila_share

REPO = Path(__file__).resolve().parents[2]
NBS = REPO / "nbs"
HERE = Path(__file__).resolve().parent
REQUIRE_ENV = "FOLLOWUP_KIT_REQUIRE_BROWSER"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 90  # seconds; a cold start on a busy 2-core CI box can take a while
UI_TIMEOUT = 60_000  # milliseconds, Playwright's default for actions and waits here


def browser_required() -> bool:
    "True when CI demands the browser tier (`FOLLOWUP_KIT_REQUIRE_BROWSER=1`)."
    return os.environ.get(REQUIRE_ENV, "").strip() == "1"


def unavailable(reason: str):
    "Skip the test, or fail it when the browser tier is required."
    if browser_required():
        pytest.fail(f"[{REQUIRE_ENV}=1: a failure, not a skip] {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    "Every test under tests/browser carries the `browser` marker, even if its author forgot it."
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Chromium (`/usr/bin/chromium`) driven by Playwright's sync API. Its HOME is a
    tmp dir, so crash reports and caches stay out of the user's home."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:  # pragma: no cover - dev extra not installed
        unavailable(f"playwright is not importable: {e}")
    pw = sync_playwright().start()
    try:
        home = tmp_path_factory.mktemp("chromium-home")
        env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                   XDG_CACHE_HOME=str(home / ".cache"))
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env=env)
    except Exception as e:
        pw.stop()
        unavailable(f"Chromium did not start: {e}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page_log() -> list[str]:
    "Console errors and uncaught exceptions seen by `page` (for failure messages)."
    return []


@pytest.fixture
def external_requests() -> list[str]:
    "URLs `page` tried to fetch from anywhere but 127.0.0.1/localhost; `page` aborts them."
    return []


@pytest.fixture
def page(browser, page_log, external_requests):
    "A fresh page in its own browser context, 1400x1000, with generous default timeouts."
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(UI_TIMEOUT)
    def block(route):  # offline by design: fail fast instead of waiting on a dead network
        external_requests.append(route.request.url)
        route.abort()
    ctx.route(EXTERNAL_URL, block)
    p = ctx.new_page()
    p.on("console", lambda m: page_log.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    p.on("pageerror", lambda e: page_log.append(f"pageerror: {e}"))
    yield p
    ctx.close()


# Any http(s)/ws(s) URL whose host is not the loopback. A regex (matched inside Playwright's
# driver) rather than a Python callable, so local requests are not routed through Python.
EXTERNAL_URL = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost|\[::1\])(:|/|$))")


# --------------------------------------------------------------------------- environment


@dataclass
class JupyterEnv:
    "Private Jupyter directories and the environment servers run with."

    base: Path
    env: dict = field(default_factory=dict)

    @property
    def config_dir(self) -> Path: return self.base / "config"

    @property
    def data_dir(self) -> Path: return self.base / "data"


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1))


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory) -> JupyterEnv:
    """Environment for Jupyter servers: private config/data/runtime/IPython dirs, a `python3`
    kernel spec that runs `sys.executable`, JupyterLab's announcements plugin disabled."""
    je = JupyterEnv(tmp_path_factory.mktemp("jupyter"))
    for d in ("config", "data", "runtime", "ipython", "followup_kit_cache"):
        (je.base / d).mkdir()
    # The kernel is this interpreter, whatever the user has in ~/.local/share/jupyter.
    _write_json(je.data_dir / "kernels" / "python3" / "kernel.json", {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python",
        "metadata": {"debugger": True}})
    # JupyterLab: no announcements plugin (its news/update checks would reach the network).
    _write_json(je.config_dir / "labconfig" / "page_config.json",
                {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JPY_", "IPYTHON")) and k not in ("PYTHONPATH",)}
    env.update(
        JUPYTER_CONFIG_DIR=str(je.config_dir), JUPYTER_DATA_DIR=str(je.data_dir),
        JUPYTER_RUNTIME_DIR=str(je.base / "runtime"), IPYTHONDIR=str(je.base / "ipython"),
        JUPYTER_PREFER_ENV_PATH="0",  # our data dir (with the kernel spec above) comes first
        FOLLOWUP_KIT_CACHE=str(je.base / "followup_kit_cache"),  # holiday tables, not ~/.cache
        JUPYTER_PLATFORM_DIRS="0", PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        BROWSER="true",  # never open a desktop browser
    )
    je.env = env
    return je


# JupyterLab user settings every test server starts with: no news or update checks, and every
# cell attached to the DOM (the default windowing may leave off-screen cells out of it).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def write_lab_settings(settings_dir: Path, settings: dict) -> Path:
    "Write `{plugin_id: {key: value}}` as JupyterLab user settings files under `settings_dir`."
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.split(":")
        _write_json(settings_dir / package / f"{plugin}.jupyterlab-settings", values)
    return settings_dir


def copy_notebooks(src: Path, dst: Path) -> Path:
    "Copy a notebook folder (without checkpoints and caches) to `dst`; return `dst`."
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_proc"))
    return dst


@pytest.fixture
def notebook_dir(tmp_path) -> Path:
    "A throwaway copy of the repo's `nbs/` folder: serve this, not `nbs/` itself."
    if not NBS.is_dir():
        pytest.fail(f"{NBS} is missing")
    return copy_notebooks(NBS, tmp_path / "nbs")


@pytest.fixture
def make_notebook() -> Callable[..., Path]:
    "Factory: `make_notebook(path, 'code', ('markdown', 'text'), ...)` writes a v4 notebook."
    def make(path, *cells) -> Path:
        import nbformat
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        for c in cells:
            kind, src = c if isinstance(c, tuple) else ("code", c)
            nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src))
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return path
    return make


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    "Every live descendant of `pid` (kernels run in their own sessions, so killpg misses them)."
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


@dataclass
class Server:
    "A Jupyter-family server started in its own process group, logging to a file."

    name: str
    url: str
    proc: subprocess.Popen
    log_path: Path

    def log(self, tail: int = 120) -> str:
        "The last `tail` lines of the server's combined stdout/stderr."
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-tail:])

    def alive(self) -> bool: return self.proc.poll() is None

    def stop(self) -> None:
        "SIGTERM the process group (the server shuts its kernels down), then SIGKILL leftovers."
        if self.proc.poll() is not None:
            return
        kids = _descendants(self.proc.pid)
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        for pid in kids:  # kernels live in their own sessions; make sure none outlive the test
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def failure(self, what: str) -> str:
        "A failure message with the server's log attached."
        return f"{what}\n--- {self.name} log ({self.log_path}) ---\n{self.log()}"


def _http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (OSError, ValueError):
        return None


def start_server(name: str, argv_for_port: Callable[[int], list[str]], *, env: dict, cwd: Path,
                 log_dir: Path, ready_path: str, timeout: float = SERVER_START_TIMEOUT,
                 servers: list, cls: type = None) -> Server:
    "Start a server on a free port and wait until `ready_path` answers; retry on a port race."
    problems = []
    for attempt in range(3):
        port = free_port()
        log_path = log_dir / f"{name}-{port}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(argv_for_port(port), cwd=cwd, env=env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        srv = (cls or Server)(name, f"http://127.0.0.1:{port}", proc, log_path)
        servers.append(srv)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and srv.alive():
            status = _http_status(srv.url + ready_path)
            if status is not None and status < 500:
                return srv
            time.sleep(0.25)
        code = proc.poll()
        problems.append(srv.failure(f"{name} exited with code {code} before answering on port {port}"
                                    if code is not None else
                                    f"{name} did not answer on port {port} within {timeout:.0f}s"))
        srv.stop()
        if "Address already in use" not in srv.log():
            break
    unavailable("\n".join(problems))


@pytest.fixture
def _servers():
    servers: list[Server] = []
    yield servers
    for s in reversed(servers):
        s.stop()


# --------------------------------------------------------------------------- Voilà


# Text that means a cell failed: Voilà prints the first without `--show_tracebacks`, IPython
# tracebacks contain the second.
ERROR_MARKERS = ("There was an error when executing cell", "Traceback (most recent call last)")


class VoilaServer(Server):
    "Voilà rendering a single notebook at `url`, locked by the secret `token` (as `followup-kit dashboard` serves it)."

    token: str = ""

    def open(self, page, timeout: float = 120_000):
        "Load the rendered notebook (Voilà answers once every cell has run) and return `page`."
        try:
            resp = page.goto(f"{self.url}/?token={self.token}", timeout=timeout, wait_until="load")
        except Exception as e:
            raise AssertionError(self.failure(f"Voilà page did not load: {e}")) from e
        assert resp is not None and resp.ok, self.failure(f"Voilà answered {resp and resp.status}")
        return page

    def problems(self, page, stderr: bool = False) -> list[str]:
        """Error text on the rendered page: tracebacks and Voilà's error notices. With
        `stderr=True` every stderr output counts (warnings included)."""
        found = []
        for loc in page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').all():
            text = loc.inner_text()
            if stderr or "Traceback" in text or "Error" in text:
                found.append("stderr output: " + text[:2000])
        body = page.locator("body").inner_text()
        found += [f"page text contains {m!r}" for m in ERROR_MARKERS if m in body]
        return found


@pytest.fixture
def voila_server(jupyter_env, tmp_path, _servers) -> Callable[..., VoilaServer]:
    """Factory: `voila_server(notebook, copy=True, args=(), timeout=90)` starts Voilà on a free
    127.0.0.1 port to render `notebook` with followup_kit's offline page template (what
    `followup-kit dashboard` serves) and returns a `VoilaServer` (stopped at teardown).

    With `copy=True` the notebook's folder is copied to a tmp dir first, so whatever the
    notebook writes while running lands there, not in the repo."""
    def start(notebook, *, copy: bool = True, args: Iterable[str] = (), timeout: float = SERVER_START_TIMEOUT) -> VoilaServer:
        nb = Path(notebook).resolve()
        if not nb.exists():
            pytest.fail(f"notebook {nb} is missing")
        if copy:
            dst = tmp_path / f"voila-{len(_servers)}"
            nb = copy_notebooks(nb.parent, dst) / nb.name
        argv = lambda port: [
            *voila_command(nb)[0][:3], str(nb), "--no-browser", f"--port={port}",  # Voilà behind the Host gate
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True",
            f"--Voila.config_file_paths={voila_config().parent}",  # token, local Host only, culling: as served
            f"--Voila.connection_dir_root={tmp_path}", f"--template={VOILA_TEMPLATE}",  # as `followup-kit dashboard` serves
            *args]
        token = secrets.token_urlsafe(24)
        env = {**jupyter_env.env, "JUPYTER_PATH": str(voila_share()),  # where Voilà finds that template
               "JUPYTER_TOKEN": token}
        srv = start_server("voila", argv, env=env, cwd=nb.parent, log_dir=tmp_path,
                           ready_path="/voila/static/voila.js", timeout=timeout, servers=_servers, cls=VoilaServer)
        srv.token = token
        return srv
    return start


# --------------------------------------------------------------------------- JupyterLab


class LabNotebook:
    """A notebook open in JupyterLab (the app is exposed as `window.jupyterapp`).

    Locators: `cell(i)`, `output(i)` (i-th cell, 0-based, in document order), `outputs`
    (every output area). Actions: `run_all()`, `wait_idle()`, `save()`, `kernel_exec(code)`.
    Inspection: `to_json()` (the notebook model, outputs included), `errors()`."""

    def __init__(self, server: "LabServer", page, path: str):
        self.server, self.page, self.path = server, page, path
        self.panel = page.locator(".jp-NotebookPanel").first  # narrowed to this panel's id by `open`

    # JavaScript snippet that finds this notebook's panel in the shell.
    def _js(self, body: str) -> str:
        return ("(path) => { const app = window.jupyterapp; "
                "const w = [...app.shell.widgets('main')].find(w => w.context && w.context.path === path); "
                + body + " }")

    def eval(self, body: str):
        "Evaluate JS with `app` and `w` (this notebook's panel) in scope."
        return self.page.evaluate(self._js(body), self.path)

    def cell(self, i: int):
        "Locator of the i-th cell (0-based)."
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(i)

    def output(self, i: int):
        "Locator of the i-th cell's output area."
        return self.cell(i).locator(".jp-OutputArea")

    @property
    def outputs(self):
        "Locator of every output area in the notebook."
        return self.panel.locator(".jp-OutputArea-output")

    def wait_idle(self, timeout: float = 120_000, settle: float = 0.5) -> None:
        "Wait until the kernel is idle and no cell shows `[*]`, twice `settle` seconds apart."
        js = self._js("""
            if (!w || !w.sessionContext.session || !w.sessionContext.session.kernel) return false;
            if (w.sessionContext.session.kernel.status !== 'idle') return false;
            return ![...w.node.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'));""")
        deadline = time.monotonic() + timeout / 1000
        while True:
            remaining = max(1.0, (deadline - time.monotonic()) * 1000)
            try:
                self.page.wait_for_function(js, arg=self.path, timeout=remaining, polling=200)
            except Exception as e:
                raise AssertionError(self.server.failure(f"kernel of {self.path} never became idle: {e}")) from e
            time.sleep(settle)
            if self.page.evaluate(js, self.path):
                return

    def run_all(self, timeout: float = 180_000) -> bool:
        """Run every cell (`notebook:run-all-cells`) and wait for the kernel to go idle.
        Returns JupyterLab's verdict: False when a cell raised (see `errors()`)."""
        self.eval("""
            app.shell.activateById(w.id);
            window.__fk_run = {done: false};
            app.commands.execute('notebook:run-all-cells').then(
                r => { window.__fk_run = {done: true, ok: r}; },
                e => { window.__fk_run = {done: true, ok: false, error: String(e)}; });""")
        try:
            self.page.wait_for_function("() => window.__fk_run && window.__fk_run.done", timeout=timeout, polling=250)
        except Exception as e:
            raise AssertionError(self.server.failure(f"run all cells in {self.path} did not finish: {e}")) from e
        self.wait_idle(timeout=timeout)
        return bool(self.page.evaluate("() => window.__fk_run.ok"))

    def save(self) -> None:
        "Save the notebook (into the server's root_dir, never the repo)."
        self.eval("return w.context.save();")

    def to_json(self) -> dict:
        "The notebook as nbformat JSON, as JupyterLab holds it now (outputs included)."
        return self.eval("return w.context.model.toJSON();")

    def errors(self) -> list[str]:
        "Every error output (`ename: evalue` plus traceback) in the notebook."
        out = []
        for c in self.to_json()["cells"]:
            for o in c.get("outputs", []):
                if o.get("output_type") == "error":
                    out.append(f"{o.get('ename')}: {o.get('evalue')}\n" + "\n".join(o.get("traceback", [])))
        return out

    def kernel_exec(self, code: str, timeout: float = 60_000) -> str:
        "Run `code` in this notebook's kernel (not in a cell) and return its stdout; raise on error."
        self.page.evaluate(self._js("""
            window.__fk_exec = {done: false, out: '', err: null};
            const f = w.sessionContext.session.kernel.requestExecute({code: CODE, store_history: false});
            f.onIOPub = m => {
              if (m.header.msg_type === 'stream') window.__fk_exec.out += m.content.text;
              if (m.header.msg_type === 'error') window.__fk_exec.err = m.content.ename + ': ' + m.content.evalue;
            };
            f.done.then(() => { window.__fk_exec.done = true; }, e => { window.__fk_exec.err = String(e); window.__fk_exec.done = true; });
        """.replace("CODE", json.dumps(code))), self.path)
        self.page.wait_for_function("() => window.__fk_exec.done", timeout=timeout, polling=100)
        res = self.page.evaluate("() => window.__fk_exec")
        if res["err"]:
            raise AssertionError(f"kernel_exec failed: {res['err']}\n--- code ---\n{code}")
        return res["out"]


class LabServer(Server):
    "JupyterLab serving `root_dir`, with `window.jupyterapp` exposed."

    root_dir: Path

    def open(self, page, path: str, timeout: float = 120_000) -> LabNotebook:
        "Open `path` (relative to root_dir) in JupyterLab and wait for an idle kernel."
        assert (self.root_dir / path).exists(), f"{path} is not under {self.root_dir}"
        try:
            page.goto(f"{self.url}/lab/tree/{path}?reset", wait_until="domcontentloaded", timeout=timeout)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout)
        except Exception as e:
            raise AssertionError(self.failure(f"JupyterLab did not load: {e}")) from e
        nb = LabNotebook(self, page, path)
        ready = nb._js("return !!(w && w.context.isReady && w.sessionContext.isReady "
                       "&& w.sessionContext.session && w.sessionContext.session.kernel);")
        deadline = time.monotonic() + timeout / 1000
        while not page.evaluate(ready, path):
            self.dismiss_dialogs(page)
            if time.monotonic() > deadline:
                raise AssertionError(self.failure(f"{path} never opened with a kernel in JupyterLab"))
            time.sleep(0.25)
        nb.panel = page.locator(f'[id="{nb.eval("return w.id;")}"]')
        nb.wait_idle(timeout=timeout)
        return nb

    @staticmethod
    def dismiss_dialogs(page) -> None:
        "Accept any modal dialog (e.g. 'Select Kernel': the default is our python3)."
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count():
            accept.first.click()


@pytest.fixture
def lab_server(request, jupyter_env, tmp_path, _servers) -> Callable[..., LabServer]:
    """Factory: `lab_server(root_dir=None, settings=None, args=(), timeout=90)` starts JupyterLab
    on a free 127.0.0.1 port, no token, serving `root_dir` (default: the `notebook_dir` tmp copy
    of `nbs/`). `settings` adds user settings by plugin id, e.g. a dark theme:
    `{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}`."""
    def start(root_dir=None, *, settings: dict | None = None, args: Iterable[str] = (),
              timeout: float = SERVER_START_TIMEOUT) -> LabServer:
        root = Path(root_dir or request.getfixturevalue("notebook_dir")).resolve()
        n = len(_servers)
        merged = {k: {**LAB_SETTINGS.get(k, {}), **(settings or {}).get(k, {})}
                  for k in {**LAB_SETTINGS, **(settings or {})}}
        settings_dir = write_lab_settings(tmp_path / f"lab-user-settings-{n}", merged)
        argv = lambda port: [
            sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
            *(["--allow-root"] if os.geteuid() == 0 else []),
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
            "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings_dir}",
            f"--LabApp.workspaces_dir={tmp_path / f'lab-workspaces-{n}'}",
            "--ServerApp.terminals_enabled=False", *args]
        srv = start_server("jupyterlab", argv, env=jupyter_env.env, cwd=root, log_dir=tmp_path,
                           ready_path="/api/status", timeout=timeout, servers=_servers, cls=LabServer)
        srv.root_dir = root
        return srv
    return start
