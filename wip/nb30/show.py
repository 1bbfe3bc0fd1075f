# ruff: noqa
import sys, nbformat
nb=nbformat.read(sys.argv[1],as_version=4)
for i,c in enumerate(nb.cells):
    if c.cell_type=='code':
        for o in c.outputs:
            t=o.get('text','') or str(o.get('data',{}).get('text/plain',''))
            print(f'[{i}]', o.output_type, t[:2500])
