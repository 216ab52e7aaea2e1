"""The hostile-input corpus: inputs an attacker or a bad day would bring, at every entry point.

Each case must end in one line and exit status 2 (CLI), an `InputError` (API), or a named problem in a report
(cohort), never a traceback or a hang. Commands run in a subprocess with a generous timeout, which only catches
hangs (nothing here is timed). The dashboard server's cases (token, Host, websocket, signals, culling) are in
`test_dashboard_server.py`. To add a case: add a row to the table of the entry point it attacks (or a test
beside them) and say in its name what it tries. See DEVELOPERS.md, "The hostile-input corpus"."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from followup_kit.journal import Journal
from followup_kit.timeline import InputError
from followup_kit.workshop import Cohort, sample_cohort

BIN = Path(sys.executable).parent / "followup-kit"
HANG = 120  # seconds: a case that takes longer is a hang


def run(*args, cwd=None, input=None):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=HANG, input=input)


def one_line(r, flag=None):
    "The command failed with exit status 2 and one line on stderr (naming `flag`), no traceback."
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    if flag: assert flag in r.stderr, r.stderr


@pytest.fixture(scope="module")
def bundles() -> dict:
    "Four invented participants' bundles, in memory."
    return sample_cohort(4, seed=3)


def write(folder: Path, items: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in items.items(): (folder / name).write_text(data if isinstance(data, str) else json.dumps(data))
    return folder


# --------------------------------------------------------------------------- anonymised outputs never leak


def test_anonymised_problems_name_fields_never_values_nor_files(bundles, tmp_path):
    name, good = next(iter(bundles.items()))
    bad = copy.deepcopy(good); bad["notes"][0]["tz"] = "Kira Calloway"
    twin = copy.deepcopy(good)
    folder = write(tmp_path / "c", {**bundles, "zz-bad.json": bad, "zz-twin.json": twin})
    cohort = Cohort.from_bundles(folder)
    reasons = " ".join(r for _, r in cohort.problems)
    assert "Kira Calloway" not in reasons and "notes[0].tz" in reasons
    assert not any(n.removesuffix(".json") in reasons for n in [*bundles, "zz-bad.json", "zz-twin.json"]), reasons
    assert "the same participant as another bundle" in reasons
    from followup_kit.dashboard import problems_html
    shown = problems_html(cohort.problems, show_files=False)
    assert "Kira Calloway" not in shown and not any(n in shown for n in bundles)
    named = Cohort.from_bundles(folder, anonymize=False)  # the coach alone may see the value
    assert "Kira Calloway" in " ".join(r for _, r in named.problems)


def test_anonymised_step_kind_carries_only_known_kinds(bundles, tmp_path):
    from followup_kit.timeline import STEP_KINDS
    data = copy.deepcopy(next(iter(bundles.values())))
    app = data["applications"][0]
    entry = dict(next(e for e in app["log"] if e["kind"] != "interview"))
    entry.update(kind="message_sent", step="Wrote to Kira Calloway about the offer", note="")
    app["log"].append(entry)
    folder = write(tmp_path / "c", {"one.json": data})
    cohort = Cohort.from_bundles(folder)
    kinds = set(cohort.events["step_kind"].dropna()) - {"nan", "<NA>", "None"}
    assert kinds <= set(STEP_KINDS) | {"other"}, kinds
    assert "other" in kinds
    cohort.to_csv(tmp_path / "csv")
    cohort.to_xlsx(tmp_path / "t.xlsx")
    text = " ".join(p.read_text() for p in (tmp_path / "csv").glob("*.csv"))
    assert "Kira" not in text
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    cells = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert "Kira" not in cells


# --------------------------------------------------------------------------- restoring a backup never loses newer data


def _journal_with_one(tmp_path):
    data = copy.deepcopy(next(iter(sample_cohort(1, seed=5).values())))
    bundle = tmp_path / "backup.json"; bundle.write_text(json.dumps(data))
    j = Journal.import_json(bundle, into=tmp_path / "journal.db")
    return j, data, bundle


def test_import_of_the_same_bundle_twice_is_fine(tmp_path):
    j, data, bundle = _journal_with_one(tmp_path)
    before = j.bundle()
    Journal.import_json(bundle, into=tmp_path / "journal.db")
    after = Journal(tmp_path / "journal.db").bundle()
    assert before["notes"] == after["notes"] and before["applications"] == after["applications"]


@pytest.mark.parametrize("change", ["note_company", "reflection_answer", "application_company"])
def test_import_never_replaces_what_the_journal_holds(tmp_path, change):
    j, data, bundle = _journal_with_one(tmp_path)
    before = json.dumps(j.bundle()["notes"]), json.dumps(j.bundle()["applications"]), json.dumps(j.bundle()["reflections"])
    hostile = copy.deepcopy(data)
    if change == "note_company": hostile["notes"][0]["company"] = "Replaced Example Ltd"
    elif change == "application_company": hostile["applications"][0]["company"] = "Replaced Example Ltd"
    else:
        if not hostile["reflections"]: pytest.skip("no reflection in this sample")
        answers = hostile["reflections"][0]["answers"]
        key = next(iter(answers)); answers[key] = 4 if answers[key] != 4 else 1
    path = tmp_path / "hostile.json"; path.write_text(json.dumps(hostile))
    with pytest.raises(InputError) as e: Journal.import_json(path, into=tmp_path / "journal.db")
    assert "nothing was imported" in str(e.value) and "\n" not in str(e.value)
    after = Journal(tmp_path / "journal.db").bundle()
    assert (json.dumps(after["notes"]), json.dumps(after["applications"]), json.dumps(after["reflections"])) == before


def test_restoring_an_older_backup_is_refused(tmp_path):
    from followup_kit.notes import LogEntry
    from datetime import datetime, timezone
    j, data, bundle = _journal_with_one(tmp_path)
    app = j.applications()[0]
    j.record(app.id, LogEntry("call_made", datetime(2027, 1, 5, 10, tzinfo=timezone.utc), note="newer"))
    with pytest.raises(InputError): Journal.import_json(bundle, into=tmp_path / "journal.db")
    assert any(e.note == "newer" for e in Journal(tmp_path / "journal.db").application(app.id).log)


# --------------------------------------------------------------------------- hostile bundles never stop nor hang a cohort report


def hostile_folder(tmp_path, bundles) -> tuple[Path, dict]:
    "A cohort folder with every kind of hostile file beside good bundles; returns it and {file: what its reason says}."
    folder = write(tmp_path / "cohort", bundles)
    good = next(iter(bundles.values()))
    (folder / "deep.json").write_text("[" * 1200 + "]" * 1200)
    (folder / "deep-object.json").write_text('{"format": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}")
    (folder / "folder.json").mkdir()
    os.mkfifo(folder / "pipe.json")
    late = copy.deepcopy(good); late["participant"] = "Late Example"
    entry = next(e for e in late["applications"][0]["log"] if e["kind"] != "interview")
    entry["at"] = "2263-01-01T10:00:00+00:00"
    (folder / "late.json").write_text(json.dumps(late))
    nan = json.dumps(good | {"participant": "Nan Example"}).replace('"duration": 60', '"duration": NaN', 1)
    if "NaN" not in nan: nan = nan[:-1] + ', "x": NaN}'
    (folder / "nan.json").write_text(nan)
    outside = tmp_path / "outside"; outside.mkdir()
    (outside / "secret.json").write_text(json.dumps(good | {"participant": "Outside Example"}))
    (folder / "link.json").symlink_to(outside / "secret.json")
    expect = {"deep.json": "levels", "deep-object.json": "levels", "folder.json": "regular file", "pipe.json": "regular file",
              "late.json": "date outside", "nan.json": "JSON bundle", "link.json": "leads out of the folder"}
    return folder, expect


def test_hostile_files_are_named_and_the_rest_load(bundles, tmp_path):
    folder, expect = hostile_folder(tmp_path, bundles)
    for anonymize in (True, False):
        cohort = Cohort.from_bundles(folder, anonymize=anonymize)
        assert len(cohort.participants) == len(bundles)
        reasons = dict(cohort.problems)
        for name, words in expect.items(): assert words in reasons.get(name, ""), (name, reasons.get(name))


def test_hostile_files_in_the_cli_report(bundles, tmp_path):
    folder, expect = hostile_folder(tmp_path, bundles)
    r = run("workshop", "report", folder, "--out", tmp_path / "r.html")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-3000:]
    for name in expect: assert f"skipped {name}:" in r.stderr, (name, r.stderr)
    assert (tmp_path / "r.html").exists()


def test_size_limit_is_stated_and_kept(bundles, tmp_path, monkeypatch):
    from followup_kit import journal
    monkeypatch.setitem(journal.BUNDLE_LIMITS, "bytes", 1000)
    folder = write(tmp_path / "cohort", bundles)
    (folder / "big.json").write_text(" " * 5000 + "{}")
    reasons = dict(Cohort.from_bundles(folder).problems)
    assert "at most 1000 bytes" in reasons["big.json"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_bundle_is_named(bundles, tmp_path):
    folder = write(tmp_path / "cohort", bundles)
    (folder / "locked.json").write_text("{}"); (folder / "locked.json").chmod(0)
    assert "may read" in dict(Cohort.from_bundles(folder).problems)["locked.json"]


def test_import_refuses_nan_fifo_and_deep_bundles(tmp_path, bundles):
    good = next(iter(bundles.values()))
    cases = {"nan.json": json.dumps(good)[:-1] + ', "x": Infinity}', "deep.json": "[" * 5000 + "]" * 5000}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(InputError): Journal.import_json(tmp_path / name, into=tmp_path / "j.db")
    os.mkfifo(tmp_path / "pipe.json")
    r = run("export", "--help")  # the CLI is alive; the FIFO below must not hang the API
    assert r.returncode == 0
    with pytest.raises(InputError): Journal.import_json(tmp_path / "pipe.json", into=tmp_path / "j.db")


# --------------------------------------------------------------------------- regular expressions in linear time


PERSON_ATTACKS = ["a," + " " * 600 + "x<", "a," + " " * 20000 + "x<", "a <" + "a@a." * 60 + "<", "<" * 5000, "," * 5000,
                  "Dana <" + "a." * 3000 + "@example.com>", "x" * 100000]


@pytest.mark.parametrize("text", PERSON_ATTACKS, ids=lambda t: f"{t[:8]!r}x{len(t)}")
def test_person_parse_is_quick_and_one_line(text):
    from followup_kit.notes import Contact
    from followup_kit.timeline import Person
    for parse in (Person.parse, Contact.parse):
        try: parse(text)
        except InputError as e: assert "\n" not in str(e) and len(str(e)) < 1000
    r = run("plan", "--at", "2026-11-20 14:00", "--tz", "Europe/Paris", "--interviewer", text[:20000])
    one_line(r, "--interviewer")


def test_checker_masks_addresses_in_linear_time(tmp_path):
    from followup_kit.messages import _masked, check_message
    for text in ("a@" * 2000, "a@a." * 2000, "http://" * 2000, ("x" * 50 + "@") * 200 + ".com"):
        assert len(_masked(text)) == len(text)
        check_message(text, "thank_you_email")
    draft = tmp_path / "draft.txt"; draft.write_text("Dear Dana,\n" + "a@" * 2000 + "\nBest regards,\nSam")
    r = run("check", "--kind", "thank_you_email", draft)
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr[-2000:]


def test_masked_keeps_what_the_old_pattern_masked():
    import re
    from followup_kit.messages import _masked
    old = lambda t: re.sub(r"\S+@\S+\.\w+|https?://\S+|www\.\S+", lambda m: " " * len(m.group()), t)
    for text in ["Write to dana@example.com.", "see https://example.com/x?y=1 (and www.example.com)", "a@b c@d.e f",
                 "(dana@example.com)", "@home a@b.c.d, end", "mail:dana@example.com,then http:// x"]:
        assert _masked(text) == old(text), text


# --------------------------------------------------------------------------- tracebacks and half-written sets


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "d"
    r = run("demo", "--out", out)
    assert r.returncode == 0, r.stderr[-2000:]
    return out


DAMAGE = {"rounds_not_json": "UPDATE applications SET rounds='not json' WHERE rowid=1",
          "bad_policy": "UPDATE applications SET policy='bogus' WHERE rowid=1",
          "answers_not_json": "UPDATE reflections SET answers='x'",
          "no_reflections_table": "DROP TABLE reflections",
          "notes_not_json": "UPDATE notes SET body='{' WHERE rowid=1"}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_row_never_blocks_the_backup(demo, tmp_path, damage):
    import shutil, sqlite3
    db = tmp_path / "j.db"; shutil.copy(demo / "sample-journal.db", db)
    with sqlite3.connect(db) as con: con.execute(DAMAGE[damage])
    r = run("export", "--journal", db, "--out", tmp_path / "b.json")
    assert r.returncode == 0 and "Traceback" not in r.stderr and "left out" in r.stderr, r.stderr[-2000:]
    Journal.import_json(tmp_path / "b.json", into=tmp_path / "restored.db")  # what was written is a whole bundle
    for args in (["today", "--journal", db], ["export", "--journal", db, "--format", "csv", "--out", tmp_path / "e.csv"]):
        r = run(*args)
        assert r.returncode in (0, 2) and "Traceback" not in r.stderr, r.stderr[-2000:]
        if r.returncode == 2: one_line(r)
        assert "--policy" not in r.stderr  # a flag nobody gave is never blamed


@pytest.mark.parametrize("path", ["/dev/null", "/tmp", "/etc/hostname/j.db"])
def test_journal_paths_that_are_not_journals(path):
    from followup_kit.journal import JournalError
    with pytest.raises(JournalError): Journal(path)
    assert not Path("/dev/null-journal").exists()


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1, "10", True])
def test_journal_timeout_must_be_seconds(tmp_path, timeout):
    from followup_kit.journal import JournalError
    with pytest.raises(JournalError): Journal(tmp_path / "j.db", timeout=timeout)


LONG = "x" * 300


@pytest.mark.parametrize("args", [
    ["plan", "--at", "2026-11-20 14:00", "--tz", "UTC", "--format", "ics", "--out", LONG + ".ics"],
    ["demo", "--out", LONG],
    ["export", "--journal", LONG + ".db", "--out", "b.json"],
    ["today", "--journal", LONG + ".db"],
    ["check", "--kind", "thank_you_email", LONG],
    ["dashboard", LONG],
    ["workshop", "report", LONG],
], ids=lambda a: a[0])
def test_a_name_too_long_is_one_line(args, tmp_path):
    one_line(run(*args, cwd=tmp_path))


def test_name_too_long_for_outputs_of_a_journal_and_a_report(demo, tmp_path):
    one_line(run("export", "--journal", demo / "sample-journal.db", "--out", tmp_path / (LONG + ".json")), "--out")
    r = run("workshop", "report", demo / "sample-cohort", "--out", tmp_path / (LONG + ".html"))
    one_line(r, "--out")
    assert "loaded" not in r.stderr  # refused before the cohort was read


def _limited(limit):
    "A preexec_fn: files may not grow past `limit` bytes (a stand-in for a full disk: writes fail with EFBIG)."
    def apply():
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_workshop_report_writes_every_output_or_none(demo, tmp_path):
    out, csv = tmp_path / "r.html", tmp_path / "csv"; csv.mkdir()
    r = subprocess.run([str(BIN), "workshop", "report", str(demo / "sample-cohort"), "--out", str(out), "--csv", str(csv),
                        "--xlsx", str(tmp_path / "t.xlsx")], capture_output=True, text=True, timeout=HANG, preexec_fn=_limited(20_000))
    assert r.returncode == 2 and "none was written" in r.stderr.splitlines()[-1], r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    assert not out.exists() and not list(csv.iterdir()) and not (tmp_path / "t.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]


def test_demo_writes_every_file_or_none(tmp_path):
    out = tmp_path / "d"
    r = subprocess.run([str(BIN), "demo", "--out", str(out)], capture_output=True, text=True, timeout=HANG, preexec_fn=_limited(30_000))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "none was written" in r.stderr, r.stderr[-2000:]
    assert r.stderr.count("\n") == 1
    assert not out.exists() or not list(out.iterdir())


def test_journal_save_on_a_full_disk_is_a_journal_error(tmp_path):
    code = ("import sys\nfrom datetime import datetime\nfrom followup_kit.journal import Journal, JournalError\n"
            "from followup_kit.notes import InterviewNotes\nj = Journal(sys.argv[1])\n"
            "try:\n    for k in range(500): j.save(InterviewNotes(f'Company {k}', 'Role', datetime(2026, 1, 5, 10), notes='x' * 5000))\n"
            "except JournalError as e: print('JournalError', len(j.all()))\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "j.db")], capture_output=True, text=True, timeout=HANG,
                       preexec_fn=_limited(200_000))
    assert r.stdout.startswith("JournalError") and "Traceback" not in r.stderr, (r.stdout, r.stderr[-2000:])


def test_calendar_text_has_no_control_characters():
    r = run("plan", "--at", "2026-11-20 14:00", "--tz", "UTC", "--company", "A\nB\rX-INJECT:1", "--role", "R\x1b[31m",
            "--interviewer", "Dana\rX-EVIL:1 <dana@example.com>", "--format", "ics")
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.split("\n")
    assert not any(l.startswith(("X-INJECT", "X-EVIL")) for l in lines)
    raw = subprocess.run([str(BIN), "plan", "--at", "2026-11-20 14:00", "--tz", "UTC", "--company", "A\rB", "--format", "ics"],
                         capture_output=True, timeout=HANG).stdout
    assert raw.count(b"\r") == raw.count(b"\r\n") and b"\x1b" not in raw


@pytest.mark.parametrize("company", ["Evil\x1b]0;pwned\x07 Ltd", "Link \x1b]8;;http://example.com\x1b\\here\x1b]8;;\x1b\\", "C1\x9b31m"])
def test_terminal_escapes_never_reach_the_terminal(company):
    r = run("plan", "--at", "2026-11-20 14:00", "--tz", "UTC", "--company", company)
    assert r.returncode == 0 and "\x1b" not in r.stdout and "\x9b" not in r.stdout and "\x07" not in r.stdout


# --------------------------------------------------------------------------- coach templates


TEMPLATES = {
    "mutates_data": "{{ recipient.pop('name') }}",
    "includes_itself": "{% include 'thank_you_email.j2' %}",
    "huge_range": "{% for i in range(10**9) %}x{% endfor %}",
    "huge_repeat": "{{ 'a' * 2**62 }}",
    "long_repeat": "{{ 'a' * 10**9 }}",
    "huge_power": "{{ 2 ** 100000000 }}",
    "long_output": "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}",
    "nested_loops": "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
    "syntax_error": "Dear {{ recipient.first_name ,",
    "python_escape": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
}


@pytest.fixture(scope="module")
def draft_args(demo):
    j = Journal(demo / "sample-journal.db", readonly=True)
    nid = j.all()[0].id; j.close()
    return ["draft", "thank_you_email", "--journal", demo / "sample-journal.db", "--interview", nid]


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_hostile_template_is_one_line(draft_args, tmp_path, name):
    (tmp_path / "thank_you_email.j2").write_text(TEMPLATES[name])
    one_line(run(*draft_args, "--templates", tmp_path), "--templates")


@pytest.mark.parametrize("kind", ["link_out", "fifo", "big_file"])
def test_templates_are_read_only_from_inside_their_folder(draft_args, tmp_path, kind):
    folder = tmp_path / "t"; folder.mkdir()
    secret = tmp_path / "secret.txt"; secret.write_text("the coach's secret")
    if kind == "link_out": (folder / "thank_you_email.j2").symlink_to(secret)
    elif kind == "fifo": os.mkfifo(folder / "thank_you_email.j2")
    else: (folder / "thank_you_email.j2").write_text("x" * 200_000)
    r = run(*draft_args, "--templates", folder)
    one_line(r, "--templates")
    assert "secret" not in r.stdout


def test_a_journal_this_user_cannot_write_is_read(demo, tmp_path, monkeypatch):
    "A read-only file or folder (simulated: root may write anything) opens read-only; reading works, saving says why not."
    import shutil
    from followup_kit import journal
    from followup_kit.journal import JournalError
    db = tmp_path / "j.db"; shutil.copy(demo / "sample-journal.db", db)
    real = os.access
    monkeypatch.setattr(journal.os, "access", lambda p, mode, *a, **k: False if mode == os.W_OK else real(p, mode, *a, **k))
    j = Journal(db)
    assert j.readonly and j.all() and j.applications()
    with pytest.raises(JournalError): j.save_reflection(j.all()[0].id, {"prep_research": 3})
    j.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.db"]  # no side file was made
