"""The memory a workshop room needs on one machine (issue 14), measured on a real JupyterHub.

Runs the hub test (`tests/browser/test_hub.py`: the hub `followup-kit hub` writes, three participants signing in
from Chromium) with `FOLLOWUP_KIT_HUB_MEMORY` set, so it records the resident memory (VmRSS, summed over processes)
and the proportional set size (PSS: shared pages split among the processes sharing them)
of each participant's processes right after they handed in, with the guide page and the hand-in page open (their
JupyterLab server and two kernels), the coach's (server and one kernel holding the cohort), and the hub with its
proxy and the idle culler. A room of N is then N participants at the largest figure seen, plus the coach, plus the
hub. RSS counts shared library pages in every process, so its figure is an upper bound; PSS is the fair share.

Needs root, /opt/followup-kit-hub and configurable-http-proxy (what `.ci/run` installs).
Run: `.venv/bin/python bench/bench_hub_memory.py [--room 30]` (about 5 minutes).
"""
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure() -> dict:
    "KiB per participant, for the coach, and for the hub with proxy and culler, from one run of the hub test."
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)/"memory.json"
        env = {**os.environ, "FOLLOWUP_KIT_HUB_MEMORY": str(out), "FOLLOWUP_KIT_REQUIRE_BROWSER": "1"}
        subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/browser/test_hub.py"], cwd=REPO, env=env, check=True)
        return json.loads(out.read_text())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--room", type=int, default=30, help="participants in the room (default 30)")
    a = ap.parse_args()
    kib = measure()
    for k, v in kib.items(): print(f"{k:24} RSS {v['rss'] / 1024:5.0f} MiB   PSS {v['pss'] / 1024:5.0f} MiB")
    for kind in ("rss", "pss"):
        mib = {k: v[kind] / 1024 for k, v in kib.items()}
        person = max(v for k, v in mib.items() if k not in ("coach", "hub, proxy and culler"))
        total = a.room * person + mib["coach"] + mib["hub, proxy and culler"]
        print(f"room of {a.room} ({kind.upper()}): {a.room} x {person:.0f} + coach {mib['coach']:.0f} + hub "
              f"{mib['hub, proxy and culler']:.0f} = {total:.0f} MiB ({total / 1024:.1f} GiB)")


if __name__ == "__main__":
    main()
