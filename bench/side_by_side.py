"""bench/side_by_side.py: run by bench/lifetimes.sh (see there), not by itself.

clientele and lifetimes on the same transactions in the same run: per step
the range of wall times over LT_REPS repetitions and the range of the ratio
lifetimes / clientele (paired by repetition).
"""
import os
import subprocess
import time
import warnings

import numpy as np
import pandas as pd
import psycopg2

from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

warnings.filterwarnings("ignore")  # pandas: "only SQLAlchemy connectable ..."

DB = os.environ["BENCH_DB"]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REPS = int(os.environ.get("LT_REPS", "3"))
N3 = int(os.environ.get("LT_CUSTOMERS", max(1000, int(100000 * SCALE))))
N50 = int(os.environ.get("LT_CUSTOMERS_50", max(200, int(25000 * SCALE))))
CDNOW = os.path.join(os.environ["LT_DATASETS"], "cdnow", "CDNOW_sample.txt")
H = 26.0            # E[X] horizon, weeks
MONTHS, DISC, UPM = 12, 0.01, 4.345

conn = psycopg2.connect(dbname=DB)
conn.autocommit = True
cur = conn.cursor()
# one core per side: lifetimes' numpy runs on one core; parallel timings on a
# small shared machine are noise (the last section lets the planner choose)
cur.execute("SET max_parallel_workers_per_gather = 0; SET client_min_messages = warning")


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def sql_time(*queries):
    t0 = time.perf_counter()
    for q in queries:
        cur.execute(q)
        if cur.description is not None:
            cur.fetchall()
    return time.perf_counter() - t0


def timed(fn):
    t0 = time.perf_counter()
    v = fn()
    return time.perf_counter() - t0, v


# ---- data -----------------------------------------------------------------

def load_cdnow():
    if not os.path.exists(CDNOW):
        return None
    cur.execute("DROP TABLE IF EXISTS bench_lt_txn")
    cur.execute("CREATE TABLE bench_lt_txn (customer_id integer NOT NULL, day date NOT NULL, amount numeric(12, 2) NOT NULL)")
    rows = []
    with open(CDNOW) as f:
        for line in f:
            p = line.split()
            if len(p) == 5:
                d = p[2]
                rows.append(f"{int(p[1])}\t{d[0:4]}-{d[4:6]}-{d[6:8]}\t{p[4]}\n")
    import io
    cur.copy_expert("COPY bench_lt_txn FROM STDIN", io.StringIO("".join(rows)))
    cur.execute("ANALYZE bench_lt_txn")
    return "1998-06-30"


# (mean purchase rate per day, largest dropout probability, most purchases)
GEN = {3: (0.007, 0.5, 30), 50: (0.4, 0.03, 300)}


def generate(n, per_customer):
    """n customers, first purchase in the first 39 weeks, then BG/NBD-like:
    exponential gaps at a gamma-mixed rate, dropping out after each purchase
    with a beta-like probability, up to day 546 (2021-06-30); the rates are
    set for about per_customer transactions each"""
    rate, pdrop, cap = GEN[per_customer]
    cur.execute("DROP TABLE IF EXISTS bench_lt_txn")
    cur.execute("SELECT setseed(0.11)")
    cur.execute(f"""
CREATE TABLE bench_lt_txn AS
WITH c AS (
	SELECT i AS customer_id, floor(random() * 273)::int AS first_day,
	       (-ln(1 - random()) * -ln(1 - random()) * {rate})::float8 AS lambda_per_day,
	       random() * {pdrop} AS p_drop,
	       (-ln(1 - random()) * 40 + 5)::float8 AS spend
	FROM generate_series(1, {n}) i
)
SELECT customer_id, date '2020-01-01' + first_day AS day,
       (spend * (0.5 + random()))::numeric(12, 2) AS amount FROM c
UNION ALL
SELECT customer_id, date '2020-01-01' + d, (spend * (0.5 + random()))::numeric(12, 2)
FROM c, LATERAL (
	SELECT first_day + ceil(sum(-ln(1 - random()) / greatest(lambda_per_day, 1e-6)) OVER (ORDER BY k))::int AS d
	FROM generate_series(1, least({cap}, 1 + floor(-ln(1 - random()) / greatest(p_drop, 0.002)))::int) k
) s
WHERE d <= 546""")
    cur.execute("ANALYZE bench_lt_txn")
    return "2021-06-30"


# ---- the two pipelines ----------------------------------------------------

def clientele_steps(end):
    r = {}
    summary = f"""CREATE TEMP TABLE lt_sum AS
SELECT customer_id, (s).frequency::float8 AS frequency, (s).recency, (s).t, (s).monetary
FROM (SELECT customer_id, clientele.rfm_summary(day, amount::float8, date '{end}', '7 days') AS s
      FROM bench_lt_txn GROUP BY customer_id) q"""
    fits = """CREATE TEMP TABLE lt_fit AS
SELECT (SELECT clientele.bgnbd_fit(frequency, recency, t) FROM lt_sum) AS bg,
       (SELECT clientele.gamma_gamma_fit(frequency, monetary) FROM lt_sum) AS gg"""
    result = f"""CREATE TEMP TABLE lt_result AS
SELECT customer_id,
       clientele.bgnbd_p_alive((SELECT bg FROM lt_fit), frequency, recency, t) AS p_alive,
       clientele.bgnbd_expected_purchases((SELECT bg FROM lt_fit), {H}, frequency, recency, t) AS expected,
       clientele.clv((SELECT bg FROM lt_fit), (SELECT gg FROM lt_fit), frequency, recency, t, monetary,
                     {MONTHS}, {DISC}, {UPM}) AS clv
FROM lt_sum"""
    cur.execute("DROP TABLE IF EXISTS lt_sum, lt_fit, lt_result")
    r["summary"] = sql_time(summary)
    # the first scan of a new table sets its hint bits: not a prediction cost
    cur.execute("VACUUM lt_sum")
    r["fit"] = sql_time(fits)
    r["arith"] = sql_time("SELECT sum(frequency * 0.5 + recency / (t + 1.0)) FROM lt_sum")
    r["P(alive)"] = sql_time("SELECT sum(clientele.bgnbd_p_alive((SELECT bg FROM lt_fit), frequency, recency, t)) FROM lt_sum")
    r["E[X]"] = sql_time(f"SELECT sum(clientele.bgnbd_expected_purchases((SELECT bg FROM lt_fit), {H}, frequency, recency, t)) FROM lt_sum")
    r["CLV"] = sql_time(f"""SELECT sum(clientele.clv((SELECT bg FROM lt_fit), (SELECT gg FROM lt_fit), frequency, recency, t,
	monetary, {MONTHS}, {DISC}, {UPM})) FROM lt_sum""")
    cur.execute("DROP TABLE lt_sum, lt_fit")
    r["end-to-end"] = sql_time(summary, fits, result)
    return r


def lifetimes_steps(end):
    r = {}
    r["load"], df = timed(lambda: pd.read_sql("SELECT customer_id, day, amount::float8 AS amount FROM bench_lt_txn", conn))
    r["summary"], s = timed(lambda: summary_data_from_transaction_data(
        df, "customer_id", "day", monetary_value_col="amount", observation_period_end=end,
        freq="D", freq_multiplier=7))
    f, rec, T, m = s["frequency"], s["recency"], s["T"], s["monetary_value"]

    def fit():
        bgf = BetaGeoFitter().fit(f, rec, T)
        rep = s[s["frequency"] > 0]
        ggf = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
        return bgf, ggf
    r["fit"], (bgf, ggf) = timed(fit)
    r["P(alive)"], pa = timed(lambda: bgf.conditional_probability_alive(f, rec, T))
    r["E[X]"], ex = timed(lambda: bgf.conditional_expected_number_of_purchases_up_to_time(H, f, rec, T))
    r["CLV"], clv = timed(lambda: ggf.customer_lifetime_value(bgf, f, rec, T, m, time=MONTHS,
                                                              discount_rate=DISC, freq="W"))
    r["end-to-end"] = sum(r[k] for k in ("load", "summary", "fit", "P(alive)", "E[X]", "CLV"))
    out = pd.DataFrame({"frequency": f, "recency": rec, "T": T, "monetary": m,
                        "p_alive": np.asarray(pa), "expected": np.asarray(ex), "clv": np.asarray(clv)},
                       index=s.index)
    return r, out, bgf, ggf


def agreement(lt, bgf, ggf):
    """largest differences between the two sides (clientele's lt_result)"""
    cur.execute("""SELECT s.customer_id, s.frequency, s.recency, s.t, s.monetary, r.p_alive, r.expected, r.clv
FROM lt_sum s JOIN lt_result r USING (customer_id)""")
    cl = pd.DataFrame(cur.fetchall(), columns=["customer_id", "frequency", "recency", "T", "monetary",
                                               "p_alive", "expected", "clv"]).set_index("customer_id")
    j = cl.join(lt, rsuffix="_lt", how="inner")
    cur.execute("SELECT (bg).r, (bg).alpha, (bg).a, (bg).b, (gg).p, (gg).q, (gg).v FROM lt_fit")
    cp = np.array(cur.fetchone(), dtype=float)
    lp = np.array([bgf.params_["r"], bgf.params_["alpha"], bgf.params_["a"], bgf.params_["b"],
                   ggf.params_["p"], ggf.params_["q"], ggf.params_["v"]])
    parts = [f"customers {len(cl)} / {len(lt)} matched {len(j)}"]
    for c in ("frequency", "recency", "T", "monetary"):
        parts.append(f"{c} {np.nanmax(np.abs(j[c].astype(float) - j[c + '_lt'])):.2g}")
    parts.append(f"params rel {np.max(np.abs(cp - lp) / np.abs(lp)):.2g}")
    for c in ("p_alive", "expected", "clv"):
        d = np.abs(j[c].astype(float) - j[c + "_lt"])
        parts.append(f"{c} abs {np.nanmax(d):.2g}")
    return "max |clientele - lifetimes|: " + ", ".join(parts)


STEPS = ["load", "summary", "fit", "P(alive)", "E[X]", "CLV", "end-to-end"]


def report(name, cl_runs, lt_runs):
    print(f"{'step':<12} {'clientele s':>17} {'lifetimes s':>17} {'lifetimes/clientele':>21}")
    for k in STEPS:
        lt = [r[k] for r in lt_runs]
        if k in cl_runs[0]:
            cl = [r[k] for r in cl_runs]
            ratios = [a / b for a, b in zip(lt, cl)]
            print(f"{k:<12} {min(cl):8.4f}-{max(cl):8.4f} {min(lt):8.4f}-{max(lt):8.4f} "
                  f"{min(ratios):9.1f}x-{max(ratios):6.1f}x")
        else:
            print(f"{k:<12} {'(in place)':>17} {min(lt):8.4f}-{max(lt):8.4f} {'':>21}")
    ar = [r["arith"] for r in cl_runs]
    for k in ("P(alive)", "E[X]", "CLV"):
        rr = [r[k] / a for r, a in zip(cl_runs, ar)]
        print(f"clientele {k} / plain arithmetic over the same rows ({min(ar):.4f}-{max(ar):.4f} s): "
              f"{min(rr):.2f}x-{max(rr):.2f}x")


def trap(n):
    """the join form against a one-row fits table (parallel plans allowed)"""
    print()
    print(f"## the join form, {n} customers (planner's choice of parallel plans)")
    cur.execute("SET max_parallel_workers_per_gather = 2")
    cur.execute("DROP TABLE IF EXISTS lt_fits_fresh")
    cur.execute("CREATE TABLE lt_fits_fresh AS SELECT * FROM lt_fit")   # never analyzed
    forms = [
        ("scalar sub-select (SELECT bg FROM fits)", "SELECT sum(clientele.bgnbd_p_alive((SELECT bg FROM lt_fits_fresh), frequency, recency, t)) FROM lt_sum"),
        ("FROM summary, fits f (fits not analyzed)", "SELECT sum(clientele.bgnbd_p_alive(f.bg, frequency, recency, t)) FROM lt_sum s, lt_fits_fresh f"),
    ]
    for label, q in forms:
        cur.execute("EXPLAIN " + q)
        plan = " ".join(l[0] for l in cur.fetchall())
        shape = ("parallel nested loop" if "Gather" in plan and "Nested Loop" in plan and plan.index("Gather") < plan.index("Nested Loop")
                 else "nested loop" if "Nested Loop" in plan else "scan")
        ts = [sql_time(q) for _ in range(REPS)]
        print(f"{label:<44} {min(ts):8.4f}-{max(ts):8.4f} s  ({shape}{', JIT' if 'JIT' in plan else ''})")
        if os.environ.get("LT_PLANS"):
            cur.execute("EXPLAIN ANALYZE " + q)
            print("\n".join("    " + l[0] for l in cur.fetchall()))
    cur.execute("ANALYZE lt_fits_fresh")
    q = forms[1][1]
    ts = [sql_time(q) for _ in range(REPS)]
    print(f"{'FROM summary, fits f (after ANALYZE fits)':<44} {min(ts):8.4f}-{max(ts):8.4f} s")
    cur.execute("DROP TABLE lt_fits_fresh")
    cur.execute("SET max_parallel_workers_per_gather = 0")


def run(name, setup):
    end = setup()
    if end is None:
        print(f"\n# {name}: SKIP (absent: {CDNOW})")
        return
    cur.execute("SELECT count(*), count(DISTINCT customer_id) FROM bench_lt_txn")
    ntx, ncust = cur.fetchone()
    print(f"\n# {name}: {ncust} customers, {ntx} transactions ({ntx / ncust:.1f} per customer), "
          f"{REPS} repetitions; load before: {uptime()}")
    cl_runs, lt_runs, agree = [], [], None
    for i in range(REPS):
        cl_runs.append(clientele_steps(end))
        r, lt, bgf, ggf = lifetimes_steps(end)
        lt_runs.append(r)
        if agree is None:
            agree = agreement(lt, bgf, ggf)
    report(name, cl_runs, lt_runs)
    print(agree)
    if name == "gen3":
        trap(ncust)
    print(f"load after: {uptime()}")
    cur.execute("DROP TABLE IF EXISTS lt_sum, lt_fit, lt_result, bench_lt_txn")


print(f"# bench/lifetimes.sh: clientele vs lifetimes, database {DB}, serial plans, wall times")
SETS = os.environ.get("LT_SETS", "cdnow gen3 gen50").split()
if "cdnow" in SETS:
    run("cdnow", load_cdnow)
if "gen3" in SETS:
    run("gen3", lambda: generate(N3, 3))
if "gen50" in SETS:
    run("gen50", lambda: generate(N50, 50))
