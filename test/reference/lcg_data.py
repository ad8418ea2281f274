#!/usr/bin/env python3
"""The 400 LCG rows of test/unit/test_evaluation.c, as CSV for logistic_mpmath.py.

Usage: lcg_data.py out.csv && logistic_mpmath.py out.csv  (64-bit LCG, Knuth MMIX constants)
"""
import math
import sys
M = 2**64
state = 12345
def u():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % M
    return (state >> 11) / float(2**53)
rows = []
for i in range(400):
    x1 = 2 * u() - 1
    x2 = 1e6 * u()
    x3 = 1.0 if u() < 0.3 else 0.0
    x4 = x1 + 0.3 * (2 * u() - 1)
    eta = -0.5 + 1.5 * x1 - 1.2e-6 * x2 + 0.8 * x3 - 0.7 * x4
    y = 1 if u() < 1 / (1 + math.exp(-eta)) else 0
    rows.append((x1, x2, x3, x4, y))
with open(sys.argv[1], 'w') as f:
    f.write('x1,x2,x3,x4,y\n')
    for r in rows:
        f.write('%s,%s,%s,%s,%d\n' % (repr(r[0]), repr(r[1]), repr(r[2]), repr(r[3]), r[4]))
print(sum(r[4] for r in rows))
