"""Benchmarks for workshop mode (issue 5), measured in one run.

1. A 1,000-participant sample cohort (`sample_cohort(1000, seed=1, folder=tmp)`) loaded with `Cohort.from_bundles`
   and reported with `Cohort.report` (one HTML file, five charts embedded). Target: load + report under 10 s.
2. The analytics (`adherence`, `funnel`, `response_times`, `attention`, `score_summary`) over a synthetic cohort of
   1,000,000 event rows, with interviews, applications, steps and scores in the proportions of the sample cohort, built
   with vectorised numpy/pandas in the schema of `Cohort`'s frames. Target: all of them together under 3 s.

Run: `.venv/bin/python bench/bench_workshop.py [--participants 1000] [--events 1000000] [--seed 1]`.
"""
import argparse, os, tempfile, time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
LOAD_REPORT_TARGET, ANALYTICS_TARGET = 10.0, 3.0


def timed(f, *args, **kw):
    "`f(*args, **kw)` and the seconds it took."
    t = time.perf_counter(); out = f(*args, **kw); return out, time.perf_counter() - t


def load_and_report(n, seed):
    from followup_kit.workshop import SAMPLE_AS_OF, Cohort, sample_cohort
    with tempfile.TemporaryDirectory() as tmp:
        _, made = timed(sample_cohort, n, seed=seed, folder=Path(tmp)/"cohort")
        cohort, load = timed(Cohort.from_bundles, Path(tmp)/"cohort")
        path, report = timed(cohort.report, Path(tmp)/"report.html", now=SAMPLE_AS_OF)
        size = path.stat().st_size
    print(f"(a) {cohort!r}")
    print(f"    bundles written in {made:.2f} s (not counted); report {size / 1024:.0f} KiB")
    print(f"    load {load:.2f} s + report {report:.2f} s = {load + report:.2f} s   (target < {LOAD_REPORT_TARGET:.0f} s)"
          f"  {'OK' if load + report < LOAD_REPORT_TARGET else 'MISSED'}")
    return load + report


# --- a synthetic cohort of a million events ---------------------------------------------------------------------------

STYLES = ("tech", "corporate", "small_business")
ZONES = ("Europe/Berlin", "Europe/Paris", "America/New_York", "Europe/London", "UTC")
STEPS = {"standard": ("write_notes", "thank_you_email", "thank_you_email", "formal_note", "status_email", "phone_call",
                      "final_call", "move_on", "reply_to_invitation"),
         "email_only": ("write_notes", "thank_you_email", "thank_you_email", "formal_note", "status_email",
                        "second_status_email", "move_on", "reply_to_rejection", "reply_to_offer")}
# (kind, step_kind, channel, probability): what a participant or an employer logs after an interview
EVENT_KINDS = [("message_sent", "thank_you_email", "email", 0.34), ("message_sent", "formal_note", "email", 0.25),
               ("message_sent", "status_email", "email", 0.12), ("call_made", "phone_call", "phone", 0.04),
               ("call_made", "final_call", "phone", 0.03), ("message_sent", None, "email", 0.06),
               ("message_sent", "reply_to_invitation", "email", 0.03), ("replied", None, None, 0.02),
               ("invited", None, "email", 0.04), ("rejected", None, None, 0.05), ("offer", None, None, 0.015),
               ("withdrawn", None, None, 0.005), ("unreachable", None, None, 0.01)]


def ids(prefix, n):
    "`n` distinct short ids like the cohort's keyed hashes (`i-00000001a4`)."
    import pandas as pd
    return (prefix + pd.Series(range(n)).astype("str").str.zfill(10)).to_numpy()


def synthetic_frames(n_events, seed):
    "Cohort frames with `n_events` events, in the proportions of `sample_cohort` (5 events, 9 steps per interview)."
    import numpy as np, pandas as pd
    from followup_kit.reflection import RUBRIC
    rng = np.random.default_rng(seed)
    n_iv_target = n_events // 5
    n_app = int(n_iv_target / 1.25)
    n_part = n_app * 2 // 5
    # applications: 1 or 2 rounds, spread over participants
    app_part = rng.integers(0, n_part, n_app)
    rounds = 1 + (rng.random(n_app) < 0.25)
    app_style = rng.integers(0, 3, n_app)
    app_policy = np.where(rng.random(n_app) < 0.8, "standard", "email_only")
    # interviews
    iv_app = np.repeat(np.arange(n_app), rounds)
    n_iv = len(iv_app)
    iv_round = np.ones(n_iv, dtype=int); iv_round[1:][iv_app[1:] == iv_app[:-1]] = 2
    first_at = pd.Timestamp("2026-09-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 75 * 24, n_app), unit="h")
    iv_at = first_at[iv_app] + pd.to_timedelta((iv_round - 1) * 10, unit="D")
    iv_end = iv_at + pd.Timedelta(minutes=60)
    stated = rng.choice([-1, 5, 7, 10, 14], n_iv)
    stated_date = (iv_at.tz_localize(None).normalize() + pd.to_timedelta(np.maximum(stated, 0), unit="D")).where(stated >= 0)
    part_label, app_id, iv_id = ids("Participant ", n_part), ids("a-", n_app), ids("i-", n_iv)
    interviews = pd.DataFrame({"participant": part_label[app_part[iv_app]], "application": app_id[iv_app], "interview": iv_id,
                               "round": iv_round, "at": iv_at, "end": iv_end, "tz": rng.choice(ZONES, n_iv),
                               "company_style": np.array(STYLES)[app_style[iv_app]], "channel": "email",
                               "stated_date": stated_date, "interviewers": rng.integers(1, 4, n_iv)})
    # events: a number per interview, each some hours or days after its end
    per_iv = rng.poisson(n_events / n_iv - 1, n_iv) + 1
    per_iv += np.bincount(rng.integers(0, n_iv, max(0, n_events - per_iv.sum())), minlength=n_iv)  # exactly n_events
    ev_iv = np.repeat(np.arange(n_iv), per_iv)[:n_events]
    n_ev = len(ev_iv)
    p = np.array([k[3] for k in EVENT_KINDS]); which = rng.choice(len(EVENT_KINDS), n_ev, p=p / p.sum())
    kinds = np.array([k[0] for k in EVENT_KINDS], dtype=object)[which]
    ev_at = iv_end[ev_iv] + pd.to_timedelta(rng.exponential(5 * 24 * 3600, n_ev).astype("int64"), unit="s")
    new_date = (ev_at.tz_localize(None).normalize() + pd.Timedelta(days=7)).where(np.isin(kinds, ["replied", "invited"]))
    events = pd.DataFrame({"participant": interviews["participant"].to_numpy()[ev_iv], "application": app_id[iv_app[ev_iv]],
                           "at": ev_at, "kind": kinds, "channel": np.array([k[2] for k in EVENT_KINDS], dtype=object)[which],
                           "new_date": new_date,
                           "verdict": np.where(np.array([k[1] is not None for k in EVENT_KINDS])[which],  # a step: the plan's verdict
                                               rng.choice(np.array(["early", "on_time", "late"], dtype=object), n_ev, p=[0.1, 0.7, 0.2]), ""),
                           "interview": iv_id[ev_iv], "tz": interviews["tz"].to_numpy()[ev_iv],
                           "step_kind": np.array([k[1] for k in EVENT_KINDS], dtype=object)[which]})
    events["local_day"] = events["at"].dt.tz_localize(None).dt.normalize()
    events = events.sort_values(["participant", "at"], ignore_index=True)
    events["cycle"] = (events["kind"] == "replied").astype(int).groupby(events["interview"]).cumsum() + 1
    # applications: status from the last outcome logged
    ended = events[events["kind"].isin(["offer", "rejected", "withdrawn"])].groupby("application")["kind"].last()
    applications = pd.DataFrame({"participant": part_label[app_part], "application": app_id,
                                 "company": "Company " + pd.Series(rng.integers(0, 16**6, n_app)).map("{:06x}".format),
                                 "company_style": np.array(STYLES)[app_style], "policy": app_policy,
                                 "rounds": rounds})
    applications.insert(5, "status", applications["application"].map(ended).fillna("open"))
    # steps: nine per interview, the policy's kinds, some done, most past ones pending
    kinds9 = np.where((app_policy[iv_app] == "standard")[:, None], np.array(STEPS["standard"]), np.array(STEPS["email_only"]))
    st_iv = np.repeat(np.arange(n_iv), 9)
    offset = np.tile(np.array([0, 4, 4, 48, 168, 240, 336, 504, 24]), n_iv)
    earliest = iv_end[st_iv] + pd.to_timedelta(offset, unit="h")
    status = rng.choice(np.array(["pending", "done", "cancelled"]), len(st_iv), p=[0.35, 0.5, 0.15])
    steps = pd.DataFrame({"participant": interviews["participant"].to_numpy()[st_iv], "application": app_id[iv_app[st_iv]],
                          "interview": iv_id[st_iv], "kind": kinds9.ravel(), "earliest": earliest,
                          "due": earliest + pd.Timedelta(hours=24), "status": status,
                          "done_at": (earliest + pd.Timedelta(hours=3)).where(status == "done"),
                          "channel": rng.choice(np.array(["email", "phone", "self"]), len(st_iv))})
    # scores: 85% of interviews reflected on, every dimension and the overall score
    dims = [d.id for d in RUBRIC.dimensions] + ["overall"]
    reflected = np.flatnonzero(rng.random(n_iv) < 0.85)
    sc_iv = np.repeat(reflected, len(dims))
    scores = pd.DataFrame({"participant": interviews["participant"].to_numpy()[sc_iv], "interview": iv_id[sc_iv],
                           "at": iv_at[sc_iv], "dimension": np.tile(dims, len(reflected)),
                           "score": rng.integers(0, 101, len(sc_iv)).astype(float)})
    counts = interviews.groupby("participant").agg(applications=("application", "nunique"), interviews=("interview", "size"))
    participants = pd.DataFrame({"participant": part_label, "code": ids("", n_part)}).join(counts, on="participant")
    participants[["applications", "interviews"]] = participants[["applications", "interviews"]].fillna(0).astype(int)
    participants["exported_at"] = pd.Timestamp("2026-12-20", tz="UTC")  # every journal exported after its last event
    return dict(participants=participants, applications=applications, interviews=interviews, steps=steps, events=events, scores=scores)


def matching_schema(frames, like):
    "`frames` with the columns, in order, and the dtypes of the real cohort `like`'s frames."
    out = {}
    for name, frame in frames.items():
        real = getattr(like, name)
        assert list(frame.columns) == list(real.columns), (name, list(frame.columns), list(real.columns))
        out[name] = frame.astype(real.dtypes.to_dict())
    return out


def analytics(n_events, seed):
    import pandas as pd
    from followup_kit.workshop import SAMPLE_AS_OF, Cohort, sample_cohort
    like = Cohort.from_bundles(sample_cohort(5, seed=seed))
    frames, built = timed(lambda: matching_schema(synthetic_frames(n_events, seed), like))
    cohort = Cohort(**frames)
    now = pd.Timestamp(SAMPLE_AS_OF)
    print(f"\n(b) {cohort!r}; {len(cohort.steps):,} steps, {len(cohort.scores):,} scores"
          f" (built in {built:.1f} s, not counted)")
    runs = {"adherence()": lambda: cohort.adherence(), "funnel()": cohort.funnel, "response_times()": cohort.response_times,
            "attention(now)": lambda: cohort.attention(now), "score_summary()": cohort.score_summary}
    total = 0.0
    for name, f in runs.items():
        out, s = timed(f)
        total += s
        print(f"    {name:<24} {s:6.2f} s   ({len(out):,} rows)")
    _, s = timed(cohort.adherence, by="cohort")
    print(f"    {'(adherence(by=cohort))':<24} {s:6.2f} s   (the report's headline figure; not in the sum)")
    print(f"    {'all analytics':<24} {total:6.2f} s   (target < {ANALYTICS_TARGET:.0f} s)"
          f"  {'OK' if total < ANALYTICS_TARGET else 'MISSED'}")
    return total


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=1000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    print(f"workshop benchmarks on {os.cpu_count()} CPU(s)\n")
    load_and_report(a.participants, a.seed)
    analytics(a.events, a.seed)
