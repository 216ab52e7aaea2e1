"""The workshop analytics against plain pandas.

`followup_kit.workshop` computes its analytics with numpy over ids hashed once per cohort, because at a million events
the straightforward `groupby`/`merge`/`isin` versions took 6 s. The straightforward versions are kept here, as the
definition the fast ones must match: on sample cohorts of several sizes and seeds, anonymised or not, with an event
logged before any interview, and on cohorts with nothing logged yet. Ties in time are the one place the two may
legitimately differ (the reference's sort is not stable), so the cohorts here have none among overall scores.
"""
import dataclasses, json

import numpy as np
import pandas as pd
import pytest

from followup_kit.timeline import ATTEMPT_KINDS
from followup_kit.workshop import (FALLING_POINTS, RECENT_DAYS, SAMPLE_AS_OF, SILENCE_DAYS, Cohort, plain, rule_value,
                                   sample_cohort)
from followup_kit.workshop import _EMPLOYER, _OUTCOMES, _local_day

NOW = pd.Timestamp(SAMPLE_AS_OF)


# --- the reference: plain pandas, one statement per idea ---------------------------------------------------------------

def lookup(keys, table): return table.reindex(keys.to_numpy()).set_axis(keys.index)

def policy_table(applications, rule):
    return applications.set_index("application")["policy"].map({n: rule_value(n, rule) for n in applications["policy"].unique()})

def thank_you_hours(c):
    ev, iv = c.events, c.interviews
    first = ev[(ev["kind"] == "message_sent") & (ev["step_kind"] == "thank_you_email")].groupby("interview")["at"].min()
    judged = iv[iv["end"] <= c.as_of - pd.Timedelta(hours=48)]
    return pd.DataFrame({"participant": judged["participant"].to_numpy(), "interview": judged["interview"].to_numpy(),
                         "hours": ((lookup(judged["interview"], first) - judged["end"]).dt.total_seconds() / 3600).to_numpy()})

def status_checks(c):
    ev, iv = c.events, c.interviews.set_index("interview")
    st = ev[(ev["kind"] == "message_sent") & (ev["step_kind"] == "status_email")]
    told = ev[ev["kind"] == "replied"].drop_duplicates(["interview", "cycle"])[["interview", "cycle", "new_date"]]
    st = st.drop(columns="new_date").merge(told, on=["interview", "cycle"], how="left")
    st["wait_until"] = st["new_date"].fillna(lookup(st["interview"], iv["stated_date"]))
    day0 = _local_day(iv["at"], iv["tz"])
    week = pd.to_timedelta(st["application"].map(policy_table(c.applications, "no_date_earliest_days")), unit="D")
    st["on_time"] = (st["local_day"] > st["wait_until"]).where(st["wait_until"].notna(),
                                                               st["local_day"] >= lookup(st["interview"], day0) + week)
    if "verdict" in st: st["on_time"] = (st["verdict"] != "early").where(st["verdict"].fillna("") != "", st["on_time"])
    return st[["participant", "application", "interview", "at", "wait_until", "on_time"]]

def attempt_series(c):
    ev = c.events
    tries = ev[ev["kind"].isin(["message_sent", "call_made"]) & (ev["step_kind"].isin(ATTEMPT_KINDS) | ev["step_kind"].isna())]
    n = tries.groupby(["participant", "application", "interview", "cycle"], sort=False).size().rename("attempts").reset_index()
    n["cap"] = n["application"].map(policy_table(c.applications, "max_attempts"))
    n["within_cap"] = n["attempts"] <= n["cap"]
    return n

def adherence(c, by):
    ty, st, at = thank_you_hours(c), status_checks(c), attempt_series(c)
    key = (lambda f: f["participant"]) if by == "participant" else (lambda f: pd.Series("All participants", index=f.index))
    out = pd.DataFrame({"interviews": ty.groupby(key(ty)).size(), "thank_you_24h": (ty["hours"] <= 24).groupby(key(ty)).mean(),
                        "thank_you_48h": (ty["hours"] <= 48).groupby(key(ty)).mean(), "status_checks": st.groupby(key(st)).size(),
                        "status_on_time": st["on_time"].astype(float).groupby(key(st)).mean(),
                        "attempt_series": at.groupby(key(at)).size(),
                        "attempts_within_cap": at["within_cap"].astype(float).groupby(key(at)).mean()})
    counts = ["interviews", "status_checks", "attempt_series"]
    out[counts] = out[counts].fillna(0).astype(int)
    return out.rename_axis(by)

def application_stages(c):
    ev, apps = c.events, c.applications.set_index("application")
    spoke = ev.loc[ev["kind"].isin(_EMPLOYER), "application"].unique()
    last = c.interviews.groupby("application")["at"].max().reindex(apps.index)
    out = pd.DataFrame({"participant": apps["participant"], "replied": apps.index.isin(spoke),
                        "second_interview": (apps["rounds"] >= 2) | apps.index.isin(ev.loc[ev["kind"] == "invited", "application"])})
    quiet = ~out["replied"] & ((last < c.as_of - pd.Timedelta(days=SILENCE_DAYS))
                               | apps.index.isin(ev.loc[ev["kind"] == "unreachable", "application"]))
    out["outcome"] = np.select([apps["status"] == "offer", apps["status"] == "rejected", apps["status"] == "withdrawn", quiet],
                               ["offer", "rejected", "withdrawn", "silence"], "still waiting")
    return out.reset_index()

def response_times(c):
    ev, iv = c.events, c.interviews
    first = ev[ev["kind"].isin(_EMPLOYER)].groupby("interview")["at"].min()
    g = ((lookup(iv["interview"], first) - iv["end"]).dt.total_seconds() / 86400).groupby(iv["company_style"])
    out = pd.DataFrame({"interviews": g.size(), "answered": g.count(), "median_days": g.median(), "p75_days": g.quantile(0.75)})
    out.insert(2, "share_answered", out["answered"] / out["interviews"])
    return out.rename_axis("company_style")

def score_summary(c):
    s = c.scores
    g = s.groupby("dimension", sort=False)["score"]
    out = pd.DataFrame({"reflections": g.size(), "participants": s.groupby("dimension", sort=False)["participant"].nunique(),
                        "q25": g.quantile(0.25), "median": g.median(), "q75": g.quantile(0.75), "mean": g.mean()})
    return out.reindex(list(pd.unique(s["dimension"])))

def judged_at(c, steps, now):
    "Each step's judging moment: `now`, or its participant's bundle export when that came first."
    exported = c.participants.set_index("participant")["exported_at"] if "exported_at" in c.participants else pd.Series(dtype="datetime64[us, UTC]")
    return lookup(steps["participant"], exported).fillna(now).clip(upper=now)

def open_steps(c, now):
    latest = c.interviews.sort_values("at", kind="stable").groupby("application")["interview"].last()
    st = c.steps
    at = judged_at(c, st, now)
    st = st[(st["due"] >= at - pd.Timedelta(days=RECENT_DAYS)) & st["interview"].isin(latest)
            & (st["status"] == "pending") & (st["kind"] != "move_on")]
    return st.assign(overdue=st["due"] < judged_at(c, st, now))

def attention(c, now, days=7):
    st = open_steps(c, now)
    at = judged_at(c, st, now)
    late, soon = st[st["overdue"]], st[(st["due"] >= at) & (st["due"] < at + pd.Timedelta(days=days))]
    overall = c.scores[c.scores["dimension"] == "overall"].sort_values("at", kind="stable")
    change = overall.groupby("participant")["score"].diff().groupby(overall["participant"]).last()
    out = pd.DataFrame(index=c.participants["participant"])
    out["overdue"] = late.groupby("participant").size().reindex(out.index, fill_value=0)
    kinds = late.drop_duplicates(["participant", "kind"]).groupby("participant", sort=False)["kind"].agg(", ".join)
    out["overdue_steps"] = kinds.reindex(out.index).fillna("")
    out["due_soon"] = soon.groupby("participant").size().reindex(out.index, fill_value=0)
    out["score_change"] = change.reindex(out.index)
    out = out[(out["overdue"] > 0) | (out["score_change"] <= -FALLING_POINTS)]
    reasons = [("; ".join(([f"{n} overdue ({', '.join(map(plain, k.split(', ')))})"] if n else []) + ([f"overall score fell {round(-d)} points"] if d <= -FALLING_POINTS else [])))
               for n, k, d in zip(out["overdue"], out["overdue_steps"], out["score_change"])]
    return out.assign(reasons=reasons).sort_values(["overdue", "score_change"], ascending=[False, True]).reset_index()


# --- the cohorts ------------------------------------------------------------------------------------------------------

def early_event(bundles):
    "The bundles with a message logged before the first interview of one application (no interview to belong to)."
    bundles = json.loads(json.dumps(bundles, default=str))
    a = next(iter(bundles.values()))["applications"][0]
    a["log"].insert(0, {"kind": "message_sent", "at": "2026-01-05T10:00:00+00:00", "step": None, "channel": "email", "note": "hello"})
    return bundles

COHORTS = {"40 participants": lambda: Cohort.from_bundles(sample_cohort(40, seed=0), salt=b"ref"),
           "120, named": lambda: Cohort.from_bundles(sample_cohort(120, seed=3), salt=b"ref", anonymize=False),
           "one participant": lambda: Cohort.from_bundles(sample_cohort(1, seed=2), salt=b"ref"),
           "an event before any interview": lambda: Cohort.from_bundles(early_event(sample_cohort(8, seed=5)), salt=b"ref")}


@pytest.fixture(scope="module", params=list(COHORTS))
def cohort(request): return COHORTS[request.param]()


def same(fast, reference, **kw):
    pd.testing.assert_frame_equal(fast, reference, check_dtype=False, check_index_type=False, **kw)


def test_per_item_frames(cohort):
    same(cohort.thank_you_hours(), thank_you_hours(cohort))
    same(cohort.status_checks(), status_checks(cohort))
    same(cohort.attempt_series(), attempt_series(cohort))
    same(cohort.application_stages(), application_stages(cohort))


@pytest.mark.parametrize("by", ["participant", "cohort"])
def test_adherence(cohort, by):
    same(cohort.adherence(by=by), adherence(cohort, by))


def test_funnel_times_and_scores(cohort):
    same(cohort.response_times(), response_times(cohort))
    same(cohort.score_summary(), score_summary(cohort))


@pytest.mark.parametrize("days", [0, 7, 30])
def test_open_steps_and_attention(cohort, days):
    same(cohort.open_steps(NOW), open_steps(cohort, NOW))
    same(cohort.attention(NOW, days=days), attention(cohort, NOW, days=days))


def test_the_event_before_any_interview_is_counted_as_an_application_event():
    c = COHORTS["an event before any interview"]()
    assert c.events["interview"].isna().sum() == 1
    assert len(c.adherence()) > 0 and c.funnel().loc["interviewed", "applications"] == len(c.applications)


def test_a_cohort_with_nothing_logged():
    c = Cohort.from_bundles({k: b | {"applications": [a | {"log": []} for a in b["applications"]]}
                             for k, b in sample_cohort(3, seed=7).items()}, salt=b"ref")
    assert len(c.events) == 0
    same(c.thank_you_hours(), thank_you_hours(c))
    assert c.adherence()["thank_you_24h"].eq(0).all() and c.response_times()["answered"].sum() == 0
    same(c.attention(NOW), attention(c, NOW))


def test_a_new_frame_is_hashed_afresh():
    "The ids kept for one events frame are not used for another (a cohort built with `dataclasses.replace`)."
    c = COHORTS["40 participants"]()
    before = c.funnel()
    quiet = dataclasses.replace(c, events=c.events[~c.events["kind"].isin(_EMPLOYER)].reset_index(drop=True))
    assert quiet.funnel().loc["employer replied", "applications"] == 0
    same(c.funnel(), before)
    same(quiet.thank_you_hours(), thank_you_hours(quiet))


def test_attention_judges_each_bundle_at_its_export():
    "A bundle exported a week before `now` is judged at its export: steps due since then are not overdue."
    bundles = sample_cohort(12, seed=3)
    early = sorted(bundles)[:6]
    for name in early: bundles[name]["exported_at"] = (SAMPLE_AS_OF - pd.Timedelta(days=7)).isoformat()
    c = Cohort.from_bundles(bundles, salt=b"export")
    later = NOW + pd.Timedelta(days=30)
    same(c.attention(later), attention(c, later))
    same(c.open_steps(later), open_steps(c, later))
    assert c.attention(later)["overdue"].sum() < Cohort.from_bundles(sample_cohort(12, seed=3), salt=b"export").attention(later)["overdue"].sum()
