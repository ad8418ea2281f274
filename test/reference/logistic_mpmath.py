#!/usr/bin/env python3
"""Independent high-precision reference for clientele.logistic_fit.

Newton's method on the (optionally L2-penalised) logistic log-likelihood in
60-digit arithmetic (mpmath, Debian python3-mpmath), on the raw features (no
standardisation), so it shares no code or numerical path with src/core.
Usage: logistic_mpmath.py file.csv [l2]   (last column = 0/1 label); the data of
test/unit/test_evaluation.c: spector.csv and the output of lcg_data.py
Prints the coefficients (intercept first), standard errors (inverse of the
penalised negative Hessian) and the log-likelihood, 15 significant digits.
"""
import csv
import sys

import mpmath as mp

mp.mp.dps = 60


def main():
    path = sys.argv[1]
    l2 = mp.mpf(sys.argv[2]) if len(sys.argv) > 2 else mp.mpf(0)
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    X = [[mp.mpf(1)] + [mp.mpf(v) for v in r[:-1]] for r in rows]
    y = [mp.mpf(r[-1]) for r in rows]
    q = len(X[0])
    b = mp.matrix(q, 1)
    for _ in range(200):
        g = mp.matrix(q, 1)
        H = mp.matrix(q, q)
        for xi, yi in zip(X, y):
            eta = sum(b[j] * xi[j] for j in range(q))
            mu = 1 / (1 + mp.exp(-eta))
            for j in range(q):
                g[j] += (yi - mu) * xi[j]
                for k in range(q):
                    H[j, k] += mu * (1 - mu) * xi[j] * xi[k]
        for j in range(1, q):
            g[j] -= l2 * b[j]
            H[j, j] += l2
        d = mp.lu_solve(H, g)
        b += d
        if max(abs(v) for v in d) < mp.mpf(10) ** -40:
            break
    cov = H ** -1
    ll = mp.mpf(0)
    for xi, yi in zip(X, y):
        eta = sum(b[j] * xi[j] for j in range(q))
        ll += yi * eta - mp.log(1 + mp.exp(eta))
    print("coefficients", " ".join(mp.nstr(b[j], 15) for j in range(q)))
    print("std_errors", " ".join(mp.nstr(mp.sqrt(cov[j, j]), 15) for j in range(q)))
    print("log_likelihood", mp.nstr(ll, 15))


if __name__ == "__main__":
    main()
