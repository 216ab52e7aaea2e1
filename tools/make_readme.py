"""Write README.md from nbs/index.ipynb (what `nbdev-readme` does where Quarto is installed).

Markdown cells are copied as they are; code cells become fenced blocks (their outputs are left out);
cells marked `#| hide` are skipped. `--check` exits 1 when README.md is out of date.
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render() -> str:
    nb = json.loads((root/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    parts = ['<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->']
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide') or src.startswith('#|hide'): continue
        if c['cell_type'] == 'markdown': parts.append(src)
        elif c['cell_type'] == 'code':
            lines = [l for l in src.splitlines() if not l.startswith('#|')]
            lang = 'sh' if all(l.startswith('!') or not l.strip() for l in lines) else 'python'
            body = '\n'.join(l[1:] if lang == 'sh' else l for l in lines)
            parts.append(f'```{lang}\n{body}\n```')
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = render(), root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            print('README.md is out of date: run `python tools/make_readme.py`'); sys.exit(1)
        print('README.md matches nbs/index.ipynb.')
    else:
        readme.write_text(text, encoding='utf-8'); print('wrote README.md')
