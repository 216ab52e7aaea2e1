"""Regenerate tests/data/bad_bundles/: each file is one malformed journal bundle, and
expected.json maps it to the text its one-line error must contain.
Run: .venv/bin/python tests/data/make_bad_bundles.py"""
import json, tempfile
from datetime import datetime
from pathlib import Path
from followup_kit.journal import Journal
from followup_kit.notes import Application, Contact, InterviewNotes, LogEntry, Question

here = Path(__file__).parent/"bad_bundles"

def good_bundle():
    "A small valid bundle with fixed ids."
    with tempfile.TemporaryDirectory() as d:
        j = Journal(Path(d)/"j.db")
        n = InterviewNotes("Northwind Labs", "Data Engineer", datetime(2025, 3, 11, 10), tz="Europe/Berlin", id="n-000000000001",
                           interviewers=[Contact("Dana Whitfield", "Engineering Manager", email="dana@example.com")],
                           questions=[Question("Why us?", "The data platform.", 4)], response_days=10)
        a = Application("Northwind Labs", "Data Engineer", id="a-000000000001")
        j.save(n, application=a)
        j.record(a.id, LogEntry("message_sent", "2025-03-11T18:00+01:00", step="thank_you_email:dana-whitfield"))
        j.save_reflection(n.id, {"went_well": "rapport"})
        b = j.bundle(); j.close()
    b["exported_at"] = "2025-03-12T00:00:00+00:00"
    return b

def with_note(b, **change): return {**b, "notes": [{**b["notes"][0], **change}]}
def with_app(b, **change): return {**b, "applications": [{**b["applications"][0], **change}]}

def cases(b):
    n0, a0 = b["notes"][0], b["applications"][0]
    log = a0["log"]
    yield "not_json.json", '{"format": "followup_kit journal bundle", "notes": [', "bad_bundle: file"
    yield "empty.json", "", "empty.json: file"
    yield "top_level_list.json", [], "top_level_list.json: format: got 'list'"
    yield "wrong_format.json", {**b, "format": "photo album"}, "wrong_format.json: format: got 'photo album'"
    yield "future_version.json", {**b, "schema_version": 99}, "future_version.json: schema_version: got 99"
    yield "version_as_text.json", {**b, "schema_version": "2"}, "version_as_text.json: schema_version: got '2'"
    yield "notes_not_a_list.json", {**b, "notes": {"a": 1}}, "notes_not_a_list.json: notes: got 'dict'; wants a list"
    yield "note_not_an_object.json", {**b, "notes": ["Northwind"]}, "note_not_an_object.json: notes[0]"
    yield "bad_time.json", with_note(b, at="next Tuesday"), "bad_time.json: notes[0].at: got 'next Tuesday'"
    yield "bad_zone.json", with_note(b, tz="Berlin"), "bad_zone.json: notes[0].tz: got 'Berlin'"
    yield "bad_email.json", with_note(b, interviewers=[{**n0["interviewers"][0], "email": "dana-at-example.com"}]), \
        "bad_email.json: notes[0].interviewers[0].email: got 'dana-at-example.com'"
    yield "unknown_field.json", with_note(b, colour="blue"), "unknown_field.json: notes[0].colour: got 'blue'"
    yield "bad_rating.json", with_note(b, questions=[{**n0["questions"][0], "rating": 9}]), "bad_rating.json: notes[0].questions[0].rating: got 9"
    yield "company_missing.json", {**b, "notes": [{k: v for k, v in n0.items() if k != "company"}]}, "company_missing.json: notes[0].company: got None"
    yield "company_number.json", with_note(b, company=42), "company_number.json: notes[0].company: got 42"
    yield "both_response.json", with_note(b, response_by="2025-03-21"), "both_response.json: notes[0].response_by"
    yield "notes_schema_newer.json", with_note(b, schema_version=7), "notes_schema_newer.json: notes[0].schema_version: got 7"
    yield "duplicate_notes_id.json", {**b, "notes": [n0, n0]}, "duplicate_notes_id.json: notes[1].id: got 'n-000000000001'"
    yield "dangling_round.json", with_app(b, rounds=["n-ffffffffffff"]), "dangling_round.json: applications[0].rounds[0]: got 'n-ffffffffffff'"
    yield "bad_log_kind.json", with_app(b, log=[log[0], {**log[1], "kind": "ghosted"}]), "bad_log_kind.json: applications[0].log[1].kind: got 'ghosted'"
    yield "naive_log_time.json", with_app(b, log=[{**log[0], "at": "2025-03-11T10:00:00"}]), "naive_log_time.json: applications[0].log[0].at"
    yield "unknown_step.json", with_app(b, log=[log[0], {**log[1], "step": "send_flowers"}]), "unknown_step.json: applications[0].event: got 'done send_flowers'"
    yield "bad_policy.json", with_app(b, policy="aggressive"), "bad_policy.json: applications[0].policy: got 'aggressive'"
    yield "duplicate_application.json", {**b, "applications": [a0, a0]}, "duplicate_application.json: applications[1].id"
    yield "orphan_reflection.json", {**b, "reflections": [{"notes_id": "n-ffffffffffff", "answers": {}}]}, "orphan_reflection.json: reflections[0].notes_id"
    yield "reflection_not_object.json", {**b, "reflections": [{"notes_id": "n-000000000001", "answers": "fine"}]}, "reflection_not_object.json: reflections[0].answers: got 'fine'"

if __name__ == "__main__":
    here.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, content, wants in cases(good_bundle()):
        (here/name).write_text(content if isinstance(content, str) else json.dumps(content, indent=1), encoding="utf-8")
        expected[name] = wants.replace("bad_bundle:", name + ":")
    (here/"expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    print(f"{len(expected)} bad bundles written to {here}")
