#!/usr/bin/python3
"""Reference values of the MBG/NBD and BG/BB predictions.

Evaluates every prediction of lifetimes' ModifiedBetaGeoFitter and
BetaGeoBetaBinomFitter (the reference implementation, ../shared/vendor) on a
grid of parameters and customers, and the same quantities with mpmath at 40
digits, and writes the pgTAP suite test/pgtap/mbgnbd_bgbb_reference.sql that
checks clientele against both to 1e-9 relative.  DERT is not in lifetimes:
it is checked against mpmath only.  The BG/BB likelihood of lifetimes is
used without its 1e-15 guard (see ExactBGBB below), which otherwise makes
P(alive) and the expectations wrong by up to a factor 3 for long histories.

Run (Debian python3-numpy python3-scipy python3-pandas python3-mpmath):
  mkdir -p /tmp/lt && tar -xzf ../shared/vendor/lifetimes-4f2833f.tar.gz -C /tmp/lt \
    && tar -xzf ../shared/vendor/autograd-bff107b.tar.gz -C /tmp/lt
  PYTHONPATH=/tmp/lt/autograd:/tmp/lt/lifetimes /usr/bin/python3 test/reference/lifetimes_mbgnbd_bgbb.py
"""
import os
import sys
import warnings

import mpmath as mp
import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
from lifetimes import BetaGeoBetaBinomFitter, ModifiedBetaGeoFitter  # noqa: E402

mp.mp.dps = 40
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pgtap", "mbgnbd_bgbb_reference.sql")

MBG_PARAMS = [
    (0.5248378801425125, 6.182991303561393, 0.8913559313625387, 1.6139993121387506),  # CDNOW fit
    (0.243, 4.414, 0.793, 2.426),
    (2.0, 10.0, 3.0, 5.0),
    (0.1, 1.0, 0.5, 0.3),
    (5.0, 50.0, 1.5, 20.0),
    # extreme shapes, where float64 2F1 forms (lifetimes', and the BG/NBD
    # bracket) lose digits: compared with mpmath (and lifetimes where it holds)
    (105.842, 35.2785, 127.991, 5779.37),
    (0.0305044, 0.452078, 1.02206, 8541.45),
    (9.3273, 34.2885, 0.0166613, 0.0537858),
    (5679.73, 70.1934, 3.6504, 0.0502736),
]
MBG_CUST = [(0, 0, 38.86), (1, 5.0, 30.0), (2, 30.43, 38.86), (10, 60.0, 70.0), (50, 75.0, 78.0)]
MBG_H = [1.0, 10.0, 39.0, 78.0, 200.0]
MBG_PMF = [(1.0, 0), (1.0, 1), (39.0, 0), (39.0, 1), (39.0, 2), (39.0, 5), (78.0, 10)]

BGBB_PARAMS = [
    (1.2035236021392182, 0.7497167726942342, 0.6567170648291395, 2.78343415270666),  # donations fit
    (1.204, 0.750, 0.657, 2.783),
    (0.5, 2.0, 3.0, 10.0),
    (3.0, 1.0, 0.2, 0.5),
    (10.0, 10.0, 1.5, 30.0),
    (0.01, 100.0, 50.0, 0.02),
    (5000.0, 2.0, 0.02, 3000.0),
]
BGBB_CUST = [(0, 0, 6), (1, 1, 6), (3, 5, 6), (6, 6, 6), (2, 8, 12), (15, 20, 24)]
BGBB_M = [0, 1, 5, 10, 50]
BGBB_D = [0.1, 0.02, 0.5]
BGBB_PMF_N = [1, 6, 12]


def mbg_ref(p):
    f = ModifiedBetaGeoFitter()
    f.params_ = pd.Series(p, index=["r", "alpha", "a", "b"])
    return f


class ExactBGBB(BetaGeoBetaBinomFitter):
    """lifetimes' BG/BB with one change: its likelihood adds 1e-15 to the sum
    over the unobserved death periods (a guard against log(0)), which moves L
    by 1e-15 / (B(alpha, beta) B(gamma, delta)) and dominates P(alive) and the
    expectations wherever L is small (e.g. 15 of 24 opportunities: a factor 3).
    The same code with the guard at 0 (log(0) = -inf is harmless in logaddexp)."""

    @staticmethod
    def _loglikelihood(params, x, tx, T):
        from autograd.numpy import log, logaddexp
        from autograd.scipy.special import betaln, beta as betaf
        alpha, beta, gamma, delta = params
        betaln_ab = betaln(alpha, beta)
        betaln_gd = betaln(gamma, delta)
        A = betaln(alpha + x, beta + T - x) - betaln_ab + betaln(gamma, delta + T) - betaln_gd
        B = 0.0 * np.ones_like(T)
        recency_T = T - tx - 1
        for j in np.arange(recency_T.max() + 1):
            ix = recency_T >= j
            B = B + ix * betaf(alpha + x, beta + tx - x + j) * betaf(gamma + 1, delta + tx + j)
        with np.errstate(divide="ignore"):
            B = log(B) - betaln_gd - betaln_ab
        return logaddexp(A, B)


def bgbb_ref(p, pmf_n=None):
    f = ExactBGBB()
    f.params_ = pd.Series(p, index=["alpha", "beta", "gamma", "delta"])
    if pmf_n is not None:
        xs = np.arange(0, pmf_n + 1)
        w = np.zeros(len(xs))
        w[0] = 1.0
        f.data = pd.DataFrame({"frequency": xs, "recency": xs, "n_periods": pmf_n, "weights": w})
    return f


# ---- mpmath forms ------------------------------------------------------------
def m(v):
    return mp.mpf(v)


def mbg_palive(p, x, tx, T):
    r, al, a, b = map(m, p)
    tx = 0 if x == 0 else tx
    return 1 / (1 + a / (b + x) * ((al + T) / (al + m(tx))) ** (r + x))


def mbg_cond(p, t, x, tx, T):
    r, al, a, b = map(m, p)
    t, T = m(t), m(T)
    hyp = mp.hyp2f1(r + x, b + x + 1, a + b + x, t / (al + T + t), maxterms=10**6)
    num = (a + b + x) / (a - 1) * (1 - hyp * ((al + T) / (al + t + T)) ** (r + x))
    return num * mbg_palive(p, x, tx, T)


def mbg_new(p, t):
    r, al, a, b = map(m, p)
    t = m(t)
    return b / (a - 1) * (1 - mp.hyp2f1(r, b + 1, a + b, t / (al + t), maxterms=10**6) * (al / (al + t)) ** r)


def mbg_pmf(p, t, n):
    r, al, a, b = map(m, p)
    t = m(t)
    q = al / (al + t)
    first = mp.beta(a, b + n + 1) / mp.beta(a, b) * mp.gamma(r + n) / mp.gamma(r) / mp.factorial(n) * q ** r * (1 - q) ** n
    s = mp.fsum(mp.gamma(r + j) / mp.gamma(r) / mp.factorial(j) * (1 - q) ** j for j in range(n))
    return first + mp.beta(a + 1, b + n) / mp.beta(a, b) * (1 - q ** r * s)


def bgbb_L(p, x, tx, n):
    a, b, g, d = map(m, p)
    A = mp.beta(a + x, b + n - x) / mp.beta(a, b) * mp.beta(g, d + n) / mp.beta(g, d)
    B = mp.fsum(mp.beta(a + x, b + tx - x + i) / mp.beta(a, b) * mp.beta(g + 1, d + tx + i) / mp.beta(g, d)
                for i in range(n - tx))
    return A + B


def bgbb_palive(p, mm, x, tx, n):
    a, b, g, d = map(m, p)
    return mp.beta(a + x, b + n - x) / mp.beta(a, b) * mp.beta(g, d + n + mm) / mp.beta(g, d) / bgbb_L(p, x, tx, n)


def bgbb_cond(p, mm, x, tx, n):
    a, b, g, d = map(m, p)
    s = mp.fsum(mp.beta(g, d + n + k) / mp.beta(g, d) for k in range(1, mm + 1))
    return mp.beta(a + x + 1, b + n - x) / mp.beta(a, b) * s / bgbb_L(p, x, tx, n)


def bgbb_dert(p, disc, x, tx, n):
    a, b, g, d = map(m, p)
    z = 1 / (1 + m(disc))
    return (mp.beta(a + x + 1, b + n - x) / mp.beta(a, b) * mp.beta(g, d + n + 1) / mp.beta(g, d) * z
            * mp.hyp2f1(1, d + n + 1, g + d + n + 1, z, maxterms=10**6) / bgbb_L(p, x, tx, n))


def bgbb_pmf(p, n, x):
    a, b, g, d = map(m, p)
    v = mp.binomial(n, x) * mp.beta(a + x, b + n - x) / mp.beta(a, b) * mp.beta(g, d + n) / mp.beta(g, d)
    v += mp.fsum(mp.binomial(i, x) * mp.beta(a + x, b + i - x) / mp.beta(a, b) * mp.beta(g + 1, d + i) / mp.beta(g, d)
                 for i in range(x, n))
    return v


def lit(v):
    return "NULL" if v is None else repr(float(v))


def main():
    rows = []  # (function, params text, call args text, lifetimes value or None, mpmath value)
    for p in MBG_PARAMS:
        f = mbg_ref(p)
        pt = "ROW(%r,%r,%r,%r,0,1,true,0,NULL,NULL,NULL,NULL)::clientele.mbgnbd_params" % p
        for (x, tx, T) in MBG_CUST:
            rows.append(("mbgnbd_p_alive", pt, "%r, %r, %r" % (float(x), tx, T),
                         float(f.conditional_probability_alive(x, tx, T)[0]), mbg_palive(p, x, tx, T)))
            for h in MBG_H:
                rows.append(("mbgnbd_expected_purchases", pt, "%r, %r, %r, %r" % (h, float(x), tx, T),
                             float(f.conditional_expected_number_of_purchases_up_to_time(h, x, tx, T)),
                             mbg_cond(p, h, x, tx, T)))
        for h in MBG_H:
            rows.append(("mbgnbd_expected_purchases_new", pt, "%r" % h,
                         float(f.expected_number_of_purchases_up_to_time(h)), mbg_new(p, h)))
        for (t, n) in MBG_PMF:
            rows.append(("mbgnbd_purchase_pmf", pt, "%r, %d" % (t, n),
                         float(f.probability_of_n_purchases_up_to_time(t, n)), mbg_pmf(p, t, n)))
    for p in BGBB_PARAMS:
        f = bgbb_ref(p)
        pt = "ROW(%r,%r,%r,%r,0,1,true,0,NULL,NULL,NULL,NULL)::clientele.bgbb_params" % p
        for (x, tx, n) in BGBB_CUST:
            for mm in BGBB_M:
                rows.append(("bgbb_p_alive", pt, "%d, %d, %d, %d" % (x, tx, n, mm),
                             float(np.ravel(f.conditional_probability_alive(mm, np.array([x]), np.array([tx]), np.array([n])))[0]),
                             bgbb_palive(p, mm, x, tx, n)))
                if mm > 0:
                    rows.append(("bgbb_expected_transactions", pt, "%d, %d, %d, %d" % (mm, x, tx, n),
                                 float(np.ravel(f.conditional_expected_number_of_purchases_up_to_time(
                                     mm, np.array([x]), np.array([tx]), np.array([n])))[0]),
                                 bgbb_cond(p, mm, x, tx, n)))
            for disc in BGBB_D:
                rows.append(("bgbb_dert", pt, "%r, %d, %d, %d" % (disc, x, tx, n), None, bgbb_dert(p, disc, x, tx, n)))
        for n in BGBB_PMF_N:
            fr = bgbb_ref(p, n)
            df = fr.expected_number_of_transactions_in_first_n_periods(n)
            for x in range(0, n + 1):
                rows.append(("bgbb_transaction_pmf", pt, "%d, %d" % (n, x),
                             float(df.loc[x, "model"]), bgbb_pmf(p, n, x)))

    # lifetimes values that differ from mpmath by more than 1e-10 relative
    # (float64 cancellation in the reference) are compared with mpmath only
    dropped = 0
    out = []
    for (fn, pt, args, lv, mv) in rows:
        mv = float(mv)
        if lv is not None and not (abs(lv - mv) <= 1e-10 * abs(mv)):  # NaN too
            dropped += 1
            lv = None
        out.append((fn, pt, args, lv, mv))
    nlt = sum(1 for r in out if r[3] is not None)
    funcs = sorted(set(r[0] for r in out))

    with open(OUT, "w") as fh:
        w = fh.write
        w("-- Generated by test/reference/lifetimes_mbgnbd_bgbb.py; do not edit.\n")
        w("-- MBG/NBD and BG/BB predictions against lifetimes (4f2833f, ../shared/vendor)\n")
        w("-- and mpmath (40 digits): relative error <= 1e-9.  %d points, %d with a\n" % (len(out), nlt))
        w("-- lifetimes value (%d lifetimes values off mpmath by > 1e-10 are left out).\n" % dropped)
        w("BEGIN;\nSELECT plan(%d);\n\n" % (2 * len(funcs) + 1))
        w("CREATE TEMP TABLE ref (fn text, got float8, lifetimes float8, mpmath float8);\n")
        w("INSERT INTO ref VALUES\n")
        vals = []
        for (fn, pt, args, lv, mv) in out:
            vals.append("('%s', clientele.%s(%s, %s), %s, %s)" % (fn, fn, pt, args, lit(lv), lit(mv)))
        w(",\n".join(vals) + ";\n\n")
        w("SELECT is((SELECT count(*) FROM ref WHERE got IS NULL), 0::bigint, 'every reference point has a value');\n")
        for fn in funcs:
            w("SELECT is((SELECT count(*) FROM ref WHERE fn = '%s' AND lifetimes IS NOT NULL\n"
              "            AND abs(got - lifetimes) > 1e-9 * abs(lifetimes)), 0::bigint,\n"
              "          '%s agrees with lifetimes to 1e-9 relative (%d points)');\n"
              % (fn, fn, sum(1 for r in out if r[0] == fn and r[3] is not None)))
            w("SELECT is((SELECT count(*) FROM ref WHERE fn = '%s'\n"
              "            AND abs(got - mpmath) > 1e-9 * abs(mpmath)), 0::bigint,\n"
              "          '%s agrees with mpmath to 1e-9 relative (%d points)');\n"
              % (fn, fn, sum(1 for r in out if r[0] == fn)))
        w("\nSELECT * FROM finish();\nROLLBACK;\n")
    print("wrote %s: %d points, %d lifetimes values, %d dropped" % (OUT, len(out), nlt, dropped), file=sys.stderr)


if __name__ == "__main__":
    main()
