#!/usr/bin/env python3
"""statsmodels' Logit on the data sets of test/shell/logistic_statsmodels.sh.

Writes each data set as CSV (features, then the 0/1 label) into DIR and prints,
per data set, one line: name, then the coefficients (intercept first), the
standard errors and the log-likelihood of statsmodels.discrete.discrete_model.Logit
fitted by Newton's method to full convergence, 17 significant digits,
tab-separated, the lists comma-separated.
Usage: logit_statsmodels.py DIR   (Debian python3-statsmodels)

The data sets (64-bit LCG, Knuth MMIX constants, as lcg_data.py):
  spector  the Spector & Mazzeo (1980) example of statsmodels' documentation
  lcg400   the 400 rows of lcg_data.py: a balance-sized feature (1e6) next to
           unit-sized and correlated ones
  churn12  3,000 rows of 12 churn-like features (tenure, counts, log AUM,
           trends clamped to -1..10, small integer counts, mostly-zero shares):
           the shape train_churn_model fits
  ties     1,500 rows of 3 coarse integer features (many tied rows)
"""
import csv
import math
import os
import sys

import numpy as np
from statsmodels.discrete.discrete_model import Logit

M = 2 ** 64


class Lcg:
    def __init__(self, seed):
        self.state = seed

    def u(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % M
        return (self.state >> 11) / float(2 ** 53)


def spector(here):
    with open(os.path.join(here, 'spector.csv')) as f:
        rows = list(csv.reader(f))[1:]
    return [[float(v) for v in r[:-1]] + [int(r[-1])] for r in rows]


def lcg400():
    g = Lcg(12345)
    rows = []
    for _ in range(400):
        x1 = 2 * g.u() - 1
        x2 = 1e6 * g.u()
        x3 = 1.0 if g.u() < 0.3 else 0.0
        x4 = x1 + 0.3 * (2 * g.u() - 1)
        eta = -0.5 + 1.5 * x1 - 1.2e-6 * x2 + 0.8 * x3 - 0.7 * x4
        y = 1 if g.u() < 1 / (1 + math.exp(-eta)) else 0
        rows.append([x1, x2, x3, x4, y])
    return rows


def churn12():
    g = Lcg(20261127)
    rows = []
    for _ in range(3000):
        tenure = round(12 * g.u() ** 2, 4)
        days = float(min(730, int(400 * g.u() ** 3)))
        txn3 = float(int(30 * g.u()))
        trend = max(-1.0, min(10.0, round(2 * g.u() - 1 + (3 * g.u() if g.u() < 0.05 else 0), 4)))
        log_aum = round(math.log1p(200000 * g.u() ** 4), 6)
        aum_trend = max(-1.0, min(10.0, round(0.8 * (g.u() - 0.6), 4)))
        products = float(1 + int(4 * g.u()))
        change = float(int(3 * g.u()) - 1)
        complaints = float(1 if g.u() < 0.08 else 0)
        addr = float(1 if g.u() < 0.04 else 0)
        share = round(min(10.0, 3 * g.u() ** 6), 4)
        td = float(1 if g.u() < 0.03 else 0)
        x = [tenure, days, txn3, trend, log_aum, aum_trend, products, change, complaints, addr, share, td]
        eta = (-1.0 - 0.1 * tenure + 0.006 * days - 0.05 * txn3 - 0.4 * trend - 0.08 * log_aum
               - 0.9 * aum_trend - 0.2 * products - 0.5 * change + 0.9 * complaints + 0.6 * addr
               + 0.7 * share + 1.1 * td)
        y = 1 if g.u() < 1 / (1 + math.exp(-eta)) else 0
        rows.append(x + [y])
    return rows


def ties():
    g = Lcg(7)
    rows = []
    for _ in range(1500):
        a = float(int(4 * g.u()))
        b = float(int(3 * g.u()))
        c = float(1 if g.u() < 0.5 else 0)
        eta = -1 + 0.6 * a - 0.5 * b + 0.8 * c
        y = 1 if g.u() < 1 / (1 + math.exp(-eta)) else 0
        rows.append([a, b, c, y])
    return rows


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    sets = [('spector', spector(here)), ('lcg400', lcg400()), ('churn12', churn12()), ('ties', ties())]
    for name, rows in sets:
        with open(os.path.join(out, name + '.csv'), 'w') as f:
            for r in rows:
                f.write(','.join(repr(v) for v in r[:-1]) + ',%d\n' % r[-1])
        data = np.array(rows, dtype=float)
        x = np.column_stack([np.ones(len(rows)), data[:, :-1]])
        res = Logit(data[:, -1], x).fit(method='newton', tol=1e-14, maxiter=200, disp=0)
        if not res.mle_retvals['converged']:
            sys.exit('statsmodels did not converge on ' + name)
        print('\t'.join([name,
                         ','.join('%.17g' % v for v in res.params),
                         ','.join('%.17g' % v for v in res.bse),
                         '%.17g' % res.llf]))


if __name__ == '__main__':
    main()
