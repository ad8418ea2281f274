#!/usr/bin/env python3
"""Reference values of every model prediction, computed with mpmath.

Writes test/reference/predictions.tsv (one line per case):

    function <TAB> arg1 ... argN <TAB> value

with the value printed to 17 significant digits (repr of the correctly
rounded double of the 50-digit result).  test/unit/test_reference.c reads the
file and checks the C core against it (relative error <= 1e-9 where the value
is a normal double); test/shell/reference_mpmath.sh recomputes a random
subset with this script (--check) so the stored values cannot go stale.

The grid: shapes from 1e-2 to 1e4, horizons 1 .. 1e4, frequencies up to 1e4,
renewals up to 1e4, plus the cases of issue 9.  Deterministic (fixed seed).

Usage: gen_reference.py [--out FILE]        regenerate the table
       gen_reference.py --check N FILE      recompute N random lines of FILE
"""
import random
import sys

import mpmath as mp
from mpmath import mpf

mp.mp.dps = 50

SHAPES = [0.01, 0.3, 1.0, 2.5, 30.0, 1000.0, 10000.0]
HORIZONS = [1.0, 10.0, 52.0, 1000.0, 10000.0]
FREQS = [0, 1, 10, 100, 10000]


def beta_expect(a, b, h, extra=()):
    """E[h(p)], p ~ Beta(a, b), as an integral over the logit u = log(p/(1-p)),
    where the density is smooth and log-concave for every a, b > 0: tanh-sinh
    quadrature (mpmath.quad) over pieces cut at the mode +- 2^k widths out to
    where the density has fallen by e^-90, and at the points in extra (where
    h changes)."""
    with mp.workdps(40):
        a, b = mpf(a), mpf(b)
        lb = mp.log(mp.beta(a, b))
        logd = lambda u: a * u - (a + b) * (mp.log1p(mp.exp(u)) if u < 0 else u + mp.log1p(mp.exp(-u))) - lb
        mode = mp.log(a / b)
        sd = mp.sqrt(1 / a + 1 / b)
        peak = logd(mode)
        pts = {mode}
        for sgn in (-1, 1):
            k = -3
            while True:
                u = mode + sgn * sd * mpf(2) ** k
                pts.add(u)
                if logd(u) < peak - 90:
                    break
                k += 1
        lo, hi = min(pts), max(pts)
        for e in extra:
            if lo < e < hi:
                pts.add(mpf(e))
        pts = sorted(pts)

        def f(u):
            p = 1 / (1 + mp.exp(-u))
            return mp.exp(logd(u)) * h(p)
        return mp.quad(f, pts)


def stable(fn):
    """fn() at 100 and 140 digits; they must agree to 30 digits"""
    with mp.workdps(100):
        v1 = fn()
    with mp.workdps(140):
        v2 = fn()
    if not abs(v1 - v2) <= mpf('1e-30') * abs(v2):
        raise ArithmeticError('unstable reference value')
    return +v2


# ---------------------------------------------------------------- BG/NBD ----
def bg_p_alive(r, al, a, b, x, tx, T):
    r, al, a, b, x, tx, T = map(mpf, (r, al, a, b, x, tx, T))
    if x == 0:
        return mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))


def _bg_bracket(r, a, b, c, A, t):
    """c/(a-1) (1 - (A/(A+t))^r 2F1(r, b; c; t/(A+t))): the expected purchases
    in t of a customer alive now, lambda ~ Gamma(r, A), p ~ Beta(a, b)."""
    # E_p[(1 - (1 + p t/A)^-r) / p], p ~ Beta(a, b) (mpmath's hyp2f1 of the
    # closed form is wrong by percents for some large parameters)
    y = t / A
    hp = lambda p: -mp.expm1(-r * mp.log1p(p * y)) / p
    return beta_expect(a, b, hp, extra=[-mp.log(y) + k for k in (-4, -2, 0, 2, 4)] + [-mp.log(r * y)])


def bg_expected_new(r, al, a, b, t):
    r, al, a, b, t = map(mpf, (r, al, a, b, t))
    return _bg_bracket(r, a, b, a + b - 1, al, t)


def bg_expected_cond(r, al, a, b, t, x, tx, T):
    r, al, a, b, t, x, tx, T = map(mpf, (r, al, a, b, t, x, tx, T))
    br = _bg_bracket(r + x, a, b + x, a + b + x - 1, al + T, t)
    return br * bg_p_alive(r, al, a, b, x, tx, T)


def bg_pmf(r, al, a, b, t, n):
    r, al, a, b, t = map(mpf, (r, al, a, b, t))
    n = int(n)
    q = al / (al + t)
    z = t / (al + t)
    first = mp.exp(mp.log(mp.beta(a, b + n)) - mp.log(mp.beta(a, b)) + mp.loggamma(r + n)
                   - mp.loggamma(r) - mp.loggamma(n + 1) + r * mp.log(q) + n * mp.log(z))
    if n == 0:
        return first
    # P(NBD(r, q) >= n): 1 - the terms below n, or the terms from n upwards
    with mp.workdps(80):
        term = q ** r
        below = mpf(0)
        for j in range(n):
            below += term
            term *= (r + j) / (j + 1) * z
        if below <= mpf('0.5'):
            tail = 1 - below
        else:
            tail = mpf(0)
            j = n
            while True:
                tail += term
                if term < mpf('1e-60') * tail and (r + j) * z < j + 1:
                    break
                term *= (r + j) / (j + 1) * z
                j += 1
    return first + mp.beta(a + 1, b + n - 1) / mp.beta(a, b) * tail


# ------------------------------------------------------------ Pareto/NBD ----
def _decay_points(lo, hi, scale):
    """lo, lo + scale/64, then steps growing by 10 %, up to hi (tanh-sinh
    needs pieces on the scale of a sharp peak)"""
    pts = [lo]
    step = scale / 64
    while pts[-1] + step < hi:
        pts.append(pts[-1] + step)
        step *= mpf('1.1')
    pts.append(hi)
    return pts


def _pnbd_I(r, al, s, be, x, tx, T):
    f = lambda tau: (al + tau) ** (-(r + x)) * (be + tau) ** (-(s + 1))
    if T == tx:
        return mpf(0)
    # pieces on the scale of the decay of the power law at tx
    rate = (r + x) / (al + tx) + (s + 1) / (be + tx)
    return mp.quad(f, _decay_points(tx, T, 1 / rate))


def pnbd_p_alive(r, al, s, be, x, tx, T):
    r, al, s, be, x, tx, T = map(mpf, (r, al, s, be, x, tx, T))
    L1 = (al + T) ** (-(r + x)) * (be + T) ** (-s)
    return L1 / (L1 + s * _pnbd_I(r, al, s, be, x, tx, T))


def _one_minus_pow(s, y):
    """(1 - (1+y)^-(s-1)) / (s-1), limit log1p(y) at s = 1"""
    if s == 1:
        return mp.log1p(y)
    return -mp.expm1(-(s - 1) * mp.log1p(y)) / (s - 1)


def pnbd_expected_cond(r, al, s, be, t, x, tx, T):
    pa = pnbd_p_alive(r, al, s, be, x, tx, T)
    r, al, s, be, t, x, tx, T = map(mpf, (r, al, s, be, t, x, tx, T))
    return pa * (r + x) / (al + T) * (be + T) * _one_minus_pow(s, t / (be + T))


def pnbd_expected_new(r, al, s, be, t):
    r, al, s, be, t = map(mpf, (r, al, s, be, t))
    return r / al * be * _one_minus_pow(s, t / be)


def _nbd_pmf(r, al, n, tau):
    if tau == 0:
        return mpf(1) if n == 0 else mpf(0)
    return mp.exp(mp.loggamma(r + n) - mp.loggamma(r) - mp.loggamma(n + 1)
                  - r * mp.log1p(tau / al) + n * (mp.log(tau) - mp.log(al + tau)))


def pnbd_pmf(r, al, s, be, t, n):
    r, al, s, be, t = map(mpf, (r, al, s, be, t))
    n = int(n)
    alive = _nbd_pmf(r, al, n, t) * (1 + t / be) ** (-s)
    f = lambda tau: s * be ** s * (be + tau) ** (-(s + 1)) * _nbd_pmf(r, al, n, tau)
    sc = min(be / (s + 1), al / (r + n + 1), t)
    return alive + mp.quad(f, _decay_points(mpf(0), t, sc))


# ---------------------------------------------------------- Gamma-Gamma ----
def gg_spend(p, q, v, x, m):
    p, q, v, x, m = map(mpf, (p, q, v, x, m))
    return p * (v + x * m) / (p * x + q - 1)


def clv(r, al, a, b, p, q, v, x, tx, T, m, months, d, u):
    spend = gg_spend(p, q, v, x, m)
    d, u = mpf(d), mpf(u)
    prev = mpf(0)
    tot = mpf(0)
    for i in range(1, int(months) + 1):
        cum = bg_expected_cond(r, al, a, b, i * u, x, tx, T)
        tot += spend * (cum - prev) / (1 + d) ** i
        prev = cum
    return tot


# ------------------------------------------------------------------ sBG ----
def sbg_survival(al, be, t):
    al, be = mpf(al), mpf(be)
    return mp.exp(mp.log(mp.beta(al, be + t)) - mp.log(mp.beta(al, be)))


def sbg_churn(al, be, t):
    al, be = mpf(al), mpf(be)
    return mp.exp(mp.log(mp.beta(al + 1, be + t - 1)) - mp.log(mp.beta(al, be)))


def sbg_retention(al, be, t):
    al, be = mpf(al), mpf(be)
    return (be + t - 1) / (al + be + t - 1)


def sbg_derl(al, be, d, renewals):
    """(1+d) E[(1-theta)/(d+theta)], theta ~ Beta(alpha, beta + renewals):
    the sum over k >= 0 of S(n+k)/S(n-1)/(1+d)^k, n = renewals + 1."""
    al, be, d = mpf(al), mpf(be), mpf(d)
    bp = be + renewals
    # (1+d) E[(1-theta)/(d+theta)], theta ~ Beta(alpha, beta + renewals)
    return (1 + d) * beta_expect(al, bp, lambda th: (1 - th) / (d + th), extra=[mp.log(d) + k for k in (-4, -2, 0, 2, 4)])


FUNCS = {
    'bgnbd_p_alive': bg_p_alive,
    'bgnbd_expected_new': bg_expected_new,
    'bgnbd_expected_cond': bg_expected_cond,
    'bgnbd_pmf': bg_pmf,
    'pnbd_p_alive': pnbd_p_alive,
    'pnbd_expected_cond': pnbd_expected_cond,
    'pnbd_expected_new': pnbd_expected_new,
    'pnbd_pmf': pnbd_pmf,
    'gg_spend': gg_spend,
    'clv': clv,
    'sbg_survival': sbg_survival,
    'sbg_churn': sbg_churn,
    'sbg_retention': sbg_retention,
    'sbg_derl': sbg_derl,
}


def cases():
    rnd = random.Random(20261126)
    pick = rnd.choice

    def shapes(k):
        return [pick(SHAPES) for _ in range(k)]

    def summary():
        x = pick(FREQS)
        T = pick([1.0, 10.0, 52.0, 1000.0, 10000.0])
        tx = 0.0 if x == 0 else T * pick([0.0, 0.1, 0.5, 0.99, 1.0])
        return x, tx, T

    out = []
    # issue 9 cases
    out.append(('bgnbd_expected_new', (0.5, 5.0, 2.0, 500.0, 52.0)))
    out.append(('bgnbd_expected_new', (0.2426, 4.4135, 0.7929, 100.0, 52.0)))
    out.append(('sbg_derl', (0.704, 1.182, 0.1, 500)))
    out.append(('sbg_derl', (0.704, 1.182, 0.1, 1000)))
    out.append(('sbg_derl', (0.704, 10000.0, 0.1, 0)))
    out.append(('sbg_survival', (0.704, 1e8, 1)))
    out.append(('sbg_survival', (0.704, 1e15, 1)))
    out.append(('sbg_survival', (0.704, 1e15, 10000)))
    out.append(('sbg_churn', (0.704, 1e15, 3)))
    # grids
    for _ in range(160):
        r, al, a, b = shapes(4)
        x, tx, T = summary()
        out.append(('bgnbd_p_alive', (r, al, a, b, x, tx, T)))
    for _ in range(160):
        r, al, a, b = shapes(4)
        out.append(('bgnbd_expected_new', (r, al, a, b, pick(HORIZONS))))
    for _ in range(160):
        r, al, a, b = shapes(4)
        x, tx, T = summary()
        out.append(('bgnbd_expected_cond', (r, al, a, b, pick(HORIZONS), x, tx, T)))
    for _ in range(220):
        r, al, a, b = shapes(4)
        out.append(('bgnbd_pmf', (r, al, a, b, pick(HORIZONS), pick([0, 1, 2, 10, 100, 10000]))))
    for _ in range(120):
        r, al, s, be = shapes(4)
        x, tx, T = summary()
        out.append(('pnbd_p_alive', (r, al, s, be, x, tx, T)))
    for _ in range(120):
        r, al, s, be = shapes(4)
        x, tx, T = summary()
        out.append(('pnbd_expected_cond', (r, al, s, be, pick(HORIZONS), x, tx, T)))
    for _ in range(120):
        r, al, s, be = shapes(4)
        out.append(('pnbd_expected_new', (r, al, s, be, pick(HORIZONS))))
    for _ in range(120):
        r, al, s, be = shapes(4)
        out.append(('pnbd_pmf', (r, al, s, be, pick(HORIZONS), pick([0, 1, 2, 10, 100]))))
    for _ in range(60):
        p, q, v = shapes(3)
        if q <= 1.0:
            q += 1.0
        x = pick(FREQS)
        out.append(('gg_spend', (p, q, v, x, pick([0.0, 1.0, 35.5, 1e4]) if x == 0 else pick([0.01, 1.0, 35.5, 1e4]))))
    for _ in range(25):
        r, al, a, b = shapes(4)
        p, q, v = shapes(3)
        if q <= 1.5:
            q += 1.0
        x, tx, T = summary()
        m = 0.0 if x == 0 else pick([0.5, 22.35, 1e3])
        out.append(('clv', (r, al, a, b, p, q, v, x, tx, T, m, pick([1, 3, 12]), pick([0.0, 0.01, 0.1]), pick([1.0, 4.345, 30.0]))))
    for _ in range(150):
        al, be = shapes(2)
        out.append(('sbg_survival', (al, be, pick([0, 1, 10, 100, 10000]))))
    for _ in range(150):
        al, be = shapes(2)
        out.append(('sbg_churn', (al, be, pick([1, 2, 10, 100, 10000]))))
    for _ in range(60):
        al, be = shapes(2)
        out.append(('sbg_retention', (al, be, pick([1, 2, 10, 100, 10000]))))
    for _ in range(200):
        al, be = shapes(2)
        out.append(('sbg_derl', (al, be, pick([0.001, 0.01, 0.1, 1.0, 10.0]), pick([0, 1, 10, 500, 10000]))))
    return out


def fmt_arg(v):
    return repr(float(v)) if isinstance(v, float) else str(v)


def value(name, args):
    v = FUNCS[name](*args)
    return repr(float(v))


def main():
    argv = sys.argv[1:]
    if argv[:1] == ['--check']:
        n = int(argv[1])
        lines = [l for l in open(argv[2]) if l.strip() and not l.startswith('#')]
        rnd = random.Random()
        bad = 0
        sample = rnd.sample(lines, min(n, len(lines)))
        for i, line in enumerate(sample, 1):
            f = line.rstrip('\n').split('\t')
            args = [float(a) if ('.' in a or 'e' in a) else int(a) for a in f[1:-1]]
            want = mpf(FUNCS[f[0]](*args))
            got = mpf(f[-1])
            err = abs(got - want) / abs(want) if want != 0 else abs(got)
            good = err <= 1e-15 or (abs(want) < 1e-300 and abs(got) < 1e-300)
            bad += not good
            print('%sok %d - stored %s%s' % ('' if good else 'not ', i, f[0], tuple(args)))
            if not good:
                print('#   stored %s, recomputed %s' % (f[-1], mp.nstr(want, 17)))
        print('1..%d' % len(sample))
        return 1 if bad else 0
    out = argv[argv.index('--out') + 1] if '--out' in argv else 'test/reference/predictions.tsv'
    with open(out, 'w') as fh:
        fh.write('# generated by test/reference/gen_reference.py (mpmath %s, 50 digits); do not edit\n' % mp.__version__)
        for name, args in cases():
            fh.write('%s\t%s\t%s\n' % (name, '\t'.join(fmt_arg(a) for a in args), value(name, args)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
