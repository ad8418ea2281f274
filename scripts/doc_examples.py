#!/usr/bin/env python3
"""Run the SQL examples of the documentation against a database and list the ones that fail.

    python3 scripts/doc_examples.py DBNAME [FILE.md ...]

Every fenced ```sql block and every `SELECT ...` / `CALL ...` / `INSERT ...` / `UPDATE ...`
in a table cell of docs/*.md and README.md (or of the files given) runs in its own
transaction that is rolled back (BEGIN; example; ROLLBACK), with psql and the libpq
environment (PGHOST, PGPORT, PGUSER).  Use a database with a demo bank, e.g.
`SELECT clientele.generate_demo_bank(2000, 42)`.  A table cell's "→ result" is cut off.
Examples that name a placeholder relation (my_scores, core.txn, test_data..., "FROM ...")
fail by design; read the list, it is a review aid, not a test (not run by `make test`).
Exit status: 0 (the list is the output).
"""
import glob
import os
import re
import subprocess
import sys


def examples(files):
    for f in files:
        txt = open(f, encoding='utf-8').read()
        for m in re.finditer(r'```sql\n(.*?)```', txt, re.S):
            # a block may show psql output after its query: stop at its header line
            body = re.split(r'\n(?= +\S.* \| )', m.group(1), maxsplit=1)[0]
            yield f, txt[:m.start()].count('\n') + 1, body
        for i, line in enumerate(txt.split('\n')):
            if line.startswith('|'):
                for m in re.finditer(r'`((?:SELECT|CALL|INSERT|UPDATE)\b[^`]*)`', line):
                    yield f, i + 1, re.sub(r'\s*→.*$', '', m.group(1), flags=re.S)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    db = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = sys.argv[2:] or sorted(glob.glob(os.path.join(root, 'docs', '*.md'))) + [os.path.join(root, 'README.md')]
    ok = failed = 0
    for f, line, sql in examples(files):
        sql = sql.strip()
        if not sql.endswith(';'):
            sql += ';'
        script = '\\set ON_ERROR_STOP 1\nSET client_min_messages = warning;\nBEGIN;\n' + sql + '\nROLLBACK;\n'
        p = subprocess.run(['psql', '-X', '-q', '-d', db, '-P', 'pager=off'], input=script,
                           capture_output=True, text=True)
        if p.returncode == 0:
            ok += 1
            continue
        failed += 1
        err = [l for l in p.stderr.splitlines() if l.startswith(('ERROR', 'psql:'))][:2]
        print(f'{os.path.relpath(f, root)}:{line}: {sql[:100]!r}')
        for l in err:
            print('    ' + l)
    print(f'{ok} examples ran, {failed} failed')


if __name__ == '__main__':
    main()
