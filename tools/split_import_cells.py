"""Move import lines out of lesson cells that also use notebook state, into a cell of their own just above.

Docs builds (`nbdev-proc-nbs`, `nbdev-docs`) run every cell containing an import in a fresh namespace; a cell
that mixes imports with code depending on earlier cells then fails. Exported cells are left alone.
Usage: python tools/split_import_cells.py nbs/04_reflection.ipynb [...]
"""
import re, sys
import nbformat

IMPORT = re.compile(r'^(import \w|from \S+ import )')

def split(path):
    nb, out, changed = nbformat.read(path, as_version=4), [], 0
    for c in nb.cells:
        lines = c.source.splitlines()
        directives = [l for l in lines if l.startswith('#|')]
        if c.cell_type != 'code' or any('export' in d for d in directives):
            out.append(c); continue
        body = [l for l in lines if not l.startswith('#|')]
        imports = [l for l in body if IMPORT.match(l)]
        rest = [l for l in body if not IMPORT.match(l)]
        if imports and any(l.strip() and not l.lstrip().startswith('#') for l in rest):
            hide = [d for d in directives if d.replace(' ', '') == '#|hide']
            out.append(nbformat.v4.new_code_cell('\n'.join(hide + imports)))
            c.source = '\n'.join(directives + rest)
            changed += 1
        out.append(c)
    nb.cells = out
    for c in nb.cells:
        if c.cell_type == 'code': c.pop('id', None)
    nbformat.write(nb, path)
    return changed

if __name__ == '__main__':
    for p in sys.argv[1:]: print(p, split(p), 'cells split')
