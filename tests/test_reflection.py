"""Properties of the reflection score, bad answers, follow-up discipline from a log, and the form without a browser."""
import math, subprocess, sys
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

from followup_kit.notes import Application, Contact, InterviewNotes, LogEntry, Question
from followup_kit.reflection import (NA, RUBRIC, ReflectionForm, check_answers, followup_discipline, plot_trend,
                                     score_reflection, trend)
from followup_kit.timeline import InputError

SELF_RATED = [qid for qid, (_, q) in RUBRIC.questions.items() if not q.measure]
MEASURED = [qid for qid, (_, q) in RUBRIC.questions.items() if q.measure]
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=timezone.utc)


def make_notes(ratings=(4, 2), at=datetime(2025, 3, 11, 14, 0), **kw):
    "Invented notes: two interviewers, one card, a ten-day window, an HR contact."
    return InterviewNotes(
        "Harbour Analytics", "Data Analyst", at, tz="Europe/London", country="GB",
        interviewers=[Contact("Lena Brandt", email="lena.brandt@example.com"), Contact("Tomas Reyes")],
        topics=["churn dashboard"], questions=[Question(f"Question {i}", rating=r) for i, r in enumerate(ratings)],
        response_days=10, contact=Contact("Ines Moreau", email="ines.moreau@example.com"), **kw)

NOTES = make_notes()
LOG = [LogEntry("interview", "2025-03-11T14:00+00:00", notes_id=NOTES.id),
       LogEntry("message_sent", "2025-03-11T19:30+00:00", step="thank_you_email:lena-brandt"),
       LogEntry("message_sent", "2025-03-13T03:10+00:00", step="thank_you_email:tomas-reyes"),
       LogEntry("message_sent", "2025-03-18T09:05+00:00", step="status_email")]

answer_values = st.one_of(st.none(), st.integers(1, 5))
answer_dicts = st.dictionaries(st.sampled_from(SELF_RATED), answer_values)
contexts = st.sampled_from(["none", "notes", "log"])


def score(answers, context="none"):
    if context == "none": return score_reflection(answers)
    if context == "notes": return score_reflection(answers, NOTES)
    return score_reflection(answers, NOTES, application=LOG, now=NOW)

def dims(s): return {d.id: d.score for d in s.dimensions}


# --- properties -----------------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(answer_dicts, contexts)
def test_scores_stay_within_0_and_100(answers, context):
    s = score(answers, context)
    for value in list(dims(s).values()) + [s.overall]:
        assert value is None or 0 <= value <= 100
    weakest, rules = s.work_on[:len(s.work_on) - len(s.broken)], s.work_on[len(s.work_on) - len(s.broken):]
    assert len(weakest) <= 2 and all(a.score < RUBRIC.strong for a in weakest)
    assert {a.question for a in s.work_on} >= {RUBRIC.questions[k][1].text for k in s.broken}
    assert not s.broken or s.overall is None or s.overall <= 70


@settings(max_examples=200, deadline=None)
@given(answer_dicts, st.sampled_from(SELF_RATED), contexts)
def test_na_is_the_same_as_leaving_the_question_out(answers, qid, context):
    without = {k: v for k, v in answers.items() if k != qid}
    a, b = score(without, context), score({**without, qid: None}, context)
    assert dims(a) == dims(b) and a.overall == b.overall


@settings(max_examples=200, deadline=None)
@given(answer_dicts, st.sampled_from(SELF_RATED), contexts)
def test_na_never_lowers_a_score_compared_with_the_lowest_answer(answers, qid, context):
    na, lowest = score({**answers, qid: None}, context), score({**answers, qid: 1}, context)
    for k, x in dims(lowest).items():  # N/A in place of the lowest answer can only help
        assert dims(na)[k] is None or dims(na)[k] >= x - 1e-9
    assert na.overall is None or na.overall >= lowest.overall - 1e-9


@settings(max_examples=200, deadline=None)
@given(answer_dicts, st.sampled_from(SELF_RATED), st.integers(1, 4), contexts)
def test_raising_one_answer_never_lowers_its_dimension(answers, qid, value, context):
    dim = RUBRIC.questions[qid][0].id
    low, high = score({**answers, qid: value}, context), score({**answers, qid: value + 1}, context)
    assert high[dim].score >= low[dim].score - 1e-9


@settings(max_examples=200, deadline=None)
@given(answer_dicts, contexts, st.dictionaries(st.sampled_from([d.id for d in RUBRIC.dimensions]), st.floats(0, 10)))
def test_overall_is_the_weighted_mean_of_scored_dimensions(answers, context, weights):
    rubric = RUBRIC.reweight(**weights)
    s = score_reflection(answers, NOTES if context != "none" else None, application=LOG if context == "log" else None,
                         rubric=rubric, now=NOW)
    scored = [d for d in s.dimensions if d.score is not None and d.weight > 0]
    total = sum(d.weight for d in scored)
    if not total or 2 * len(scored) < sum(d.weight > 0 for d in s.dimensions): assert s.overall is None
    else:
        mean = sum(d.weight * d.score for d in scored) / total
        assert math.isclose(s.overall, min(mean, 70) if s.broken else mean, rel_tol=1e-9, abs_tol=1e-9)


def test_a_dimension_with_nothing_answered_is_not_scored():
    s = score_reflection({"prep_research": 5})
    assert s["preparation"].score == 100 and s.overall is None and s.strengths == []  # one answer is not a 100
    assert all(d.score is None for d in s.dimensions if d.id != "preparation")
    assert "not scored" in s._repr_markdown_()
    empty = score_reflection({})
    assert empty.overall is None and empty.work_on == [] and empty.strengths == []


# --- bad answers: one-line errors naming the field ------------------------------------------------------------------

@pytest.mark.parametrize("answers, field, got", [
    ({"prep_reserch": 4}, "answers", "'prep_reserch'"),
    ({"fit_why_here": 0}, "fit_why_here", "0"),
    ({"fit_why_here": 6}, "fit_why_here", "6"),
    ({"fit_why_here": 3.5}, "fit_why_here", "3.5"),
    ({"fit_why_here": "4"}, "fit_why_here", "'4'"),
    ({"fit_why_here": True}, "fit_why_here", "True"),
    ({"fit_why_here": "n/a"}, "fit_why_here", "'n/a'"),
    ({"followup_thank_you": 5}, "followup_thank_you", "5"),
    ({3: 4}, "answers", "3"),
    ([("fit_why_here", 4)], "answers", "[('fit_why_here', 4)]"),
])
def test_bad_answers_raise_one_line_errors(answers, field, got):
    with pytest.raises(InputError) as e: score_reflection(answers)
    message = str(e.value)
    assert message.startswith(f"{field}: got {got}; wants ") and "\n" not in message
    assert e.value.field == field


def test_a_misspelt_id_suggests_the_right_one():
    with pytest.raises(InputError, match="such as 'closing_asked_timeline'"): check_answers({"closing_asked_timelin": 3})


def test_a_journal_without_notes_is_refused():
    with pytest.raises(InputError, match="^notes: got None"): score_reflection({}, journal=object())


# --- follow-up discipline from a log ----------------------------------------------------------------------------------

def test_late_thank_you_and_early_status_check_are_measured():
    d = followup_discipline(NOTES, LOG, now=NOW)
    assert [t.hours for t in d.thank_yous] == [4.5, 36.2]
    assert [e.step for e in d.early_checks] == ["status_email"] and d.attempts == 1 and d.notes_written
    s = score_reflection({}, NOTES, application=Application("Harbour Analytics", rounds=[NOTES.id], log=LOG), now=NOW)
    assert s["followup_discipline"].values == {"followup_thank_you": 4, "followup_notes": 5, "followup_waited": 1, "followup_attempts": 5}


def test_nothing_is_missing_before_it_is_due():
    d = followup_discipline(NOTES, LOG[:1], now=datetime(2025, 3, 11, 16, 0, tzinfo=timezone.utc))
    s = score_reflection({}, NOTES, application=LOG[:1], now=d.as_of)
    assert s["followup_discipline"].values == {"followup_thank_you": None, "followup_notes": 5, "followup_waited": None, "followup_attempts": None}
    late = score_reflection({}, NOTES, application=LOG[:1], now=datetime(2025, 3, 13, 16, 0, tzinfo=timezone.utc))
    assert late["followup_discipline"].values["followup_thank_you"] == 1


def test_only_this_rounds_log_counts():
    second = make_notes(at=datetime(2025, 4, 1, 10, 0), round=2, id="n-second000001")
    log = LOG + [LogEntry("interview", "2025-04-01T09:00+00:00", notes_id=second.id),
                 LogEntry("call_made", "2025-04-20T09:00+00:00", step="phone_call")]
    assert followup_discipline(NOTES, log, now=datetime(2025, 5, 1, tzinfo=timezone.utc)).attempts == 1


def test_untagged_calls_beyond_the_plan_count_against_the_cap():
    calls = [LogEntry("message_sent", "2025-03-25T09:00+00:00", step="status_email"),
             LogEntry("call_made", "2025-04-01T08:45+00:00", step="phone_call"),
             LogEntry("call_made", "2025-04-15T16:45+00:00", step="final_call"),
             LogEntry("call_made", "2025-04-22T09:00+00:00"), LogEntry("call_made", "2025-04-23T09:00+00:00")]
    d = followup_discipline(NOTES, LOG[:3] + calls, now=datetime(2025, 5, 1, tzinfo=timezone.utc))
    assert (d.attempts, d.max_attempts, d.early_checks) == (5, 3, [])


def test_bad_discipline_inputs():
    with pytest.raises(InputError, match="^now: got"): followup_discipline(NOTES, LOG, now=datetime(2025, 3, 20))
    with pytest.raises(InputError, match="^application_or_log: got"): followup_discipline(NOTES, "log")
    with pytest.raises(InputError, match="^notes: got"): followup_discipline(None, LOG)


# --- trend, chart, form ---------------------------------------------------------------------------------------------

def test_trend_orders_by_interview_and_the_title_states_the_answer():
    early = score_reflection({"answers_clear": 2}, make_notes(ratings=(2,)))
    late = score_reflection({"answers_clear": 5}, make_notes(ratings=(4,), at=datetime(2025, 5, 2, 10, 0)))
    frame = trend([late, early])
    assert list(frame["answer_quality"]) == [25.0, 87.5] and "overall" in frame.columns
    fig = plot_trend([late, early])
    assert fig.axes[0].get_title(loc="left") == "Answer quality is improving: 25 → 88"


def test_the_form_scores_live_and_saves_to_the_journal(tmp_path):
    from followup_kit.journal import Journal
    with Journal(tmp_path / "journal.db") as j:
        j.save(NOTES, application=Application("Harbour Analytics"))
        form = ReflectionForm(NOTES, j, now=NOW)
        form.controls["answers_clear"].value = 5
        form.controls["closing_cards"].value = NA
        assert form.answers == {"answers_clear": 5, "closing_cards": None}
        assert form.score_html.value == score_reflection(form.answers, NOTES, journal=j, now=NOW).to_html()
        form.save_button.click()
        assert j.reflections() == {NOTES.id: {"answers_clear": 5, "closing_cards": None}}
        assert "Saved 2 answers" in form.status.value
        assert "#fff" not in form.score_html.value.lower() and "background" not in form.score_html.value


def test_importing_the_module_stays_light():
    code = ("import sys, followup_kit.reflection; heavy = {'pandas', 'matplotlib', 'ipywidgets'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)
