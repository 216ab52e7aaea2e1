"""Benchmarks for the plan path, reported as ratios measured in one run.

1. `followup-kit plan --format json` wall time against a bare `python -c pass` (target: ratio <= 2.0).
2. Planning 100,000 varied interviews in-process (target: under 2 s on a 2-core machine) with `plan_frame`,
   the vectorised bulk planner, timed from the `Interview` objects to the finished DataFrame; and, for comparison,
   `plan_followups` one interview at a time on 2 processes.

Run: `.venv/bin/python bench/bench_plan.py [--runs 21] [--interviews 100000]`.
"""
import argparse, os, random, subprocess, sys, time, compileall, statistics
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
PLAN = [str(BIN/'followup-kit'), 'plan', '--at', '2026-11-20 14:00', '--tz', 'Europe/Paris', '--country', 'FR',
        '--response-days', '10', '--interviewer', 'Dana Jones <dana@example.com>', '--format', 'json']

def wall(cmd, runs):
    "Median wall time of `cmd` over `runs` runs (output discarded)."
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def startup(runs):
    import followup_kit
    compileall.compile_dir(os.path.dirname(followup_kit.__file__), quiet=1)  # as `pip install` leaves it
    subprocess.run(PLAN, stdout=subprocess.DEVNULL, check=True)              # warm the holiday cache once
    base, ours = [], []
    for _ in range(3):  # interleave so machine load hits both alike
        base.append(wall([sys.executable, '-c', 'pass'], runs // 3 or 1)); ours.append(wall(PLAN, runs // 3 or 1))
    b, o = statistics.median(base), statistics.median(ours)
    return b, o

ZONES = [('Europe/Paris', 'FR'), ('America/New_York', 'US'), ('Europe/Berlin', 'DE'), ('Asia/Tokyo', 'JP'),
         ('Australia/Sydney', 'AU'), ('America/Sao_Paulo', 'BR'), ('Europe/London', 'GB'), ('UTC', None)]

def _interviews(n, seed):
    from followup_kit.timeline import Interview, Person
    rnd, out = random.Random(seed), []
    people = [Person(f'Person {i}', None, f'p{i}@example.com') for i in range(4)]
    for _ in range(n):
        tz, cc = rnd.choice(ZONES)
        start = datetime(2026, 1, 5, 8) + timedelta(days=rnd.randrange(700), minutes=15 * rnd.randrange(40))
        window = rnd.choice([None, None, rnd.randrange(0, 30)])
        out.append(Interview(start, tz=tz, country=cc, interviewers=people[:rnd.randrange(0, 4)], response_days=window,
                             company_style=rnd.choice(['tech', 'corporate', 'small_business']),
                             channel=rnd.choice(['email', 'email', 'phone', 'letter']), duration=rnd.choice([30, 45, 60, 90])))
    return out

def _plan_chunk(args):
    n, seed, policy = args
    from followup_kit.timeline import plan_followups
    ivs = _interviews(n, seed)
    t = time.perf_counter()
    steps = sum(len(plan_followups(iv, policy).steps) for iv in ivs)
    return time.perf_counter() - t, steps

def bulk(n):
    "Seconds for `plan_frame` to plan `n` varied interviews (interview construction not timed), and its row count."
    from followup_kit.timeline import plan_frame
    ivs = _interviews(n, 11)
    plan_frame(ivs[:100])  # warm imports and holiday tables
    t = time.perf_counter()
    rows = len(plan_frame(ivs))
    return time.perf_counter() - t, rows

def throughput(n, workers=2):
    "Wall time to plan `n` varied interviews split over `workers` processes (interview construction not timed)."
    chunks = [(n // workers, seed, 'standard' if seed % 2 else 'email_only') for seed in range(workers)]
    with ProcessPoolExecutor(workers) as ex:
        ex.submit(_plan_chunk, (200, 99, 'standard')).result()   # warm imports and holiday tables
        res = list(ex.map(_plan_chunk, chunks))
    return max(t for t, _ in res), sum(s for _, s in res)

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=21)
    ap.add_argument('--interviews', type=int, default=100_000)
    a = ap.parse_args()
    b, o = startup(a.runs)
    print(f"startup: python -c pass {b*1000:.1f} ms, followup-kit plan --format json {o*1000:.1f} ms, ratio {o/b:.2f} (target <= 2.0)")
    t, rows = bulk(a.interviews)
    print(f"bulk: {a.interviews:,} interviews ({rows:,} steps) planned by plan_frame in {t:.2f} s, one process (target: under 2 s)")
    t2, steps = throughput(a.interviews)
    print(f"objects: the same number by plan_followups in {t2:.2f} s on 2 processes, {a.interviews/t2:,.0f} plans/s "
          f"({t2/t:.1f}x the bulk time)")
