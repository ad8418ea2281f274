#!/usr/bin/env python3
"""Check the relative links of the documentation: files and #anchors.

    python3 scripts/doc_links.py [FILE.md ...]

Every Markdown link `[text](target)` of docs/*.md, README.md and CHANGELOG.md (or of the
files given) whose target is not a URL must name an existing file, relative to the page,
and an anchor (`#...`, on its own or after a .md file) must be the GitHub slug of a
heading of that page (lower case, punctuation other than `-` and `_` dropped, spaces
to `-`, `-1`, `-2` ... for repeated headings). Links inside code (fenced blocks,
`inline code`) are not links and are skipped. Prints each broken link and exits 1 if
there is one. A review aid, not part of `make test`.
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def strip_code(text):
    # fenced blocks keep their line count (for line numbers); inline code is blanked
    text = re.sub(r'```.*?```', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    return re.sub(r'`[^`\n]*`', '', text)


def slugs(path):
    seen = {}
    out = set()
    for line in strip_code_keep_headings(open(path, encoding='utf-8').read()):
        m = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not m:
            continue
        s = m.group(1).strip().lower()
        s = re.sub(r'[^\w\- ]', '', s)
        s = s.replace(' ', '-')
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f'{s}-{n}')
    return out


def strip_code_keep_headings(text):
    # headings outside fenced blocks, with their inline code kept as text (GitHub
    # slugs the code's characters too)
    text = re.sub(r'```.*?```', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    return [l.replace('`', '') for l in text.split('\n')]


def main():
    files = sys.argv[1:] or (sorted(glob.glob(os.path.join(ROOT, 'docs', '*.md')))
                             + [os.path.join(ROOT, 'README.md'), os.path.join(ROOT, 'CHANGELOG.md')])
    bad = checked = 0
    cache = {}
    for f in files:
        text = strip_code(open(f, encoding='utf-8').read())
        for m in re.finditer(r'\]\(([^)\s]+)\)', text):
            target = m.group(1)
            if re.match(r'[a-z]+:', target):
                continue
            checked += 1
            line = text[:m.start()].count('\n') + 1
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            where = f'{os.path.relpath(f, ROOT)}:{line}: {target}'
            if not os.path.exists(dest):
                print(f'{where}: no file {os.path.relpath(dest, ROOT)}')
                bad += 1
                continue
            if anchor:
                if not dest.endswith('.md'):
                    continue
                if dest not in cache:
                    cache[dest] = slugs(dest)
                if anchor not in cache[dest]:
                    print(f'{where}: no heading #{anchor} in {os.path.relpath(dest, ROOT)}')
                    bad += 1
    print(f'{checked} relative links checked, {bad} broken')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
