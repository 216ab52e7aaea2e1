"""Fail when `nbdev-export` or `nbdev-clean` would change a file: the notebooks are the source."""
import hashlib, subprocess, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
bin_dir = Path(sys.executable).parent
watched = ("nbs", "followup_kit")

def snapshot():
    "Hash of every file under the watched folders (caches and checkpoints aside)."
    out = {}
    for top in watched:
        for p in sorted((root/top).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts:
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out

before = snapshot()
for cmd in ("nbdev-export", "nbdev-clean"):
    subprocess.run([str(bin_dir/cmd)], cwd=root, check=True)
after = snapshot()
changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
if changed:
    print("Out of sync: nbdev-export / nbdev-clean changed these files (commit what they produce):")
    for k in changed: print("  ", k)
    sys.exit(1)
print("nbdev-export and nbdev-clean change nothing: notebooks and package agree.")
