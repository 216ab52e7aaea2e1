"""Documentation checks that run without Quarto: every notebook is reachable from the sidebar, opens in
JupyterLab with a kernel, processes under `nbdev-proc-nbs`, and every exported symbol has a docstring.

`nbdev-proc-nbs` runs on a temporary copy of the project (pyproject, `nbs/`, the package) with a stand-in
`quarto` on PATH: the real command would otherwise try to download Quarto, and it writes `_proc/`,
`nbs/_quarto.yml` and `_modidx.py`, none of which may change in the repo during a test."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
NBS = REPO / "nbs"
BIN = Path(sys.executable).parent
KERNELSPEC = {"display_name": "python3", "language": "python", "name": "python3"}


def notebooks() -> list[Path]:
    "Every notebook under nbs/, checkpoints aside, as paths relative to nbs/."
    return sorted(p.relative_to(NBS) for p in NBS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def sidebar_entries(contents) -> list[str]:
    "Every file named in a sidebar `contents` list, sections included."
    out = []
    for item in contents or []:
        if isinstance(item, str): out.append(item)
        elif isinstance(item, dict):
            if "href" in item: out.append(item["href"])
            if "file" in item: out.append(item["file"])
            out += sidebar_entries(item.get("contents"))
    return out


def sidebar() -> dict:
    return yaml.safe_load((NBS / "sidebar.yml").read_text())["website"]["sidebar"]


def test_every_notebook_is_in_the_sidebar():
    entries = sidebar_entries(sidebar()["contents"])
    missing = [str(p) for p in notebooks() if p.as_posix() not in entries]
    assert not missing, f"notebooks not reachable from nbs/sidebar.yml: {missing}"


def test_the_sidebar_names_only_existing_notebooks():
    entries = sidebar_entries(sidebar()["contents"])
    dangling = [e for e in entries if not (NBS / e).exists()]
    assert not dangling, f"nbs/sidebar.yml names files that don't exist (yet?): {dangling}"


def test_sidebar_sections():
    sections = {i["section"]: sidebar_entries(i["contents"]) for i in sidebar()["contents"] if isinstance(i, dict)}
    assert list(sections) == ["Guide for job seekers", "For coaches", "API"]
    assert sections["Guide for job seekers"] == sorted(p.as_posix() for p in notebooks() if p.parts[0] == "guide")
    assert all(e.startswith("coach/") or e[:2] in ("06", "08") for e in sections["For coaches"])
    assert all(e[:2].isdigit() for e in sections["API"])


@pytest.mark.parametrize("nb", notebooks(), ids=str)
def test_notebook_metadata_opens_with_a_kernel(nb):
    "A kernelspec (JupyterLab asks for a kernel without one) and no jupytext metadata (its conversion drops the kernelspec)."
    meta = json.loads((NBS / nb).read_text())["metadata"]
    assert meta.get("kernelspec") == KERNELSPEC, f"{nb}: kernelspec is {meta.get('kernelspec')!r}"
    assert "jupytext" not in meta, f"{nb}: remove the 'jupytext' metadata key"


def exported_modules() -> list[str]:
    "The package's modules, from the generated module index."
    from followup_kit._modidx import d
    return sorted(d["syms"])


@pytest.mark.parametrize("name", exported_modules())
def test_every_exported_symbol_has_a_docstring(name):
    mod = importlib.import_module(name)
    undocumented = []
    for sym in getattr(mod, "__all__", []):
        obj = getattr(mod, sym)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)): continue  # constants: documented in prose
        own = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
        if not (own or "").strip(): undocumented.append(sym)
    assert not undocumented, f"{name}: exported without a docstring: {undocumented}"


def _copy_project(dst: Path) -> Path:
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_proc", "*.db")
    dst.mkdir(parents=True)
    shutil.copy2(REPO / "pyproject.toml", dst / "pyproject.toml")
    shutil.copytree(NBS, dst / "nbs", ignore=ignore)
    shutil.copytree(REPO / "followup_kit", dst / "followup_kit", ignore=ignore)
    return dst


def test_nbdev_proc_nbs_processes_every_notebook(tmp_path):
    project = _copy_project(tmp_path / "project")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "quarto").write_text("#!/bin/sh\necho 'quarto stand-in: not used by nbdev-proc-nbs'\n")
    (shim / "quarto").chmod(0o755)
    home = tmp_path / "home"
    env = dict(os.environ, PATH=os.pathsep.join([str(shim), str(BIN), os.environ.get("PATH", "")]),
               FOLLOWUP_KIT_HOME=str(home), MPLBACKEND="Agg")
    r = subprocess.run([str(BIN / "nbdev-proc-nbs"), "--n-workers", "2"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-6000:]
    assert "Traceback" not in out and "Error in notebook" not in out, out[-6000:]
    proc = project / "_proc"
    missing = [str(p) for p in notebooks() if not (proc / p).exists()]
    assert not missing, f"not processed: {missing}\n{out[-3000:]}"
    assert not (home / "journal.db").exists(), "processing the docs wrote a journal"


@pytest.mark.parametrize("page", sorted((NBS / "guide").glob("*.ipynb")), ids=lambda p: p.name)
def test_guide_pages_carry_no_outputs(page):
    "A reader page run on someone's journal would store their interviews in its outputs: the source never keeps any."
    nb = json.loads(page.read_text())
    assert [c for c in nb["cells"] if c.get("outputs")] == [], f"{page.name} has stored outputs (personal data?)"
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert "test_eq" not in text and "TESTING" not in text, f"{page.name}: page tests belong in tests/test_guide_pages.py"
