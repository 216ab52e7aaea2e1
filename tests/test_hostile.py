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
