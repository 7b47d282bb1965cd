#!/usr/bin/env python3
"""Every ```sql block of a Markdown page, for test/docs/run.sh.

Prints one line per block: "<line>\t<file of the block>" after writing each block to
OUTDIR/<n>.sql. A block is skipped (not written, printed with "skip: <reason>") when the
line before its fence is an HTML comment <!-- docs-test: skip REASON -->; such a block
must name where else it is tested.
"""
import os
import re
import sys

page, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
lines = open(page, encoding='utf-8').read().split('\n')
n = 0
i = 0
while i < len(lines):
    if re.match(r'^```sql\s*$', lines[i]):
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].startswith('```'):
            j += 1
        body = '\n'.join(lines[start:j]) + '\n'
        n += 1
        prev = lines[i - 1].strip() if i > 0 else ''
        m = re.match(r'<!--\s*docs-test:\s*skip\s*(.*?)\s*-->', prev)
        if m:
            print(f'{start}\tskip: {m.group(1) or "no reason given"}')
        else:
            path = os.path.join(outdir, f'{n:02d}.sql')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(body)
            print(f'{start}\t{path}')
        i = j + 1
        continue
    i += 1
