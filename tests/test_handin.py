"Hand-in (followup_kit.handin): anonymised bundles keep what the cohort measures and nothing a person typed."
from __future__ import annotations
import json
import os
import stat

import pandas as pd
import pytest

from followup_kit.cli import main
from followup_kit.handin import HANDIN_ENV, HandInButton, anonymize_bundle, hand_in
from followup_kit.journal import read_bundle, sample_journal
from followup_kit.timeline import InputError
from followup_kit.workshop import Cohort, sample_cohort


def _typed(bundle) -> set:
    "Names, companies, roles and free text in a bundle (longer than 3 characters)."
    out = {bundle.get("participant")}
    for n in bundle["notes"]:
        out |= {n["company"], n["role"], n["notes"], *n["topics"], *n["skills"], *n["concerns"]}
        for c in n["interviewers"] + ([n["contact"]] if n["contact"] else []):
            out |= {c["name"], c.get("email"), c.get("title"), c.get("company"), c.get("notes")}
        out |= {x for q in n["questions"] for x in (q["text"], q["answer"])}
    for a in bundle["applications"]:
        out |= {a["company"], a["role"]} | {e["note"] for e in a["log"]}
    return {x for x in out if isinstance(x, str) and len(x) > 3}


def test_a_cohort_of_anonymised_bundles_measures_the_same(tmp_path):
    bundles = sample_cohort(16, seed=3)
    (tmp_path / "raw").mkdir(), (tmp_path / "anon").mkdir()
    for name, b in bundles.items():
        (tmp_path / "raw" / name).write_text(json.dumps(b, default=str))
        anon = anonymize_bundle(b)
        text = json.dumps(anon, default=str)
        assert not [t for t in _typed(b) if t in text], name
        (tmp_path / "anon" / name).write_text(text)
        read_bundle(tmp_path / "anon" / name)
    raw, anon = Cohort.from_bundles(tmp_path / "raw", salt=b"s"), Cohort.from_bundles(tmp_path / "anon", salt=b"s")
    assert anon.problems == raw.problems == []
    for frame in ("interviews", "steps", "events", "scores"):
        assert len(getattr(anon, frame)) == len(getattr(raw, frame)), frame
    pd.testing.assert_frame_equal(anon.adherence(by="cohort"), raw.adherence(by="cohort"))
    pd.testing.assert_frame_equal(anon.funnel(), raw.funnel())


def test_on_a_hub_the_button_files_the_bundle_under_the_hub_user(tmp_path, monkeypatch):
    folder = tmp_path / "handin"
    folder.mkdir(mode=0o1733)
    folder.chmod(0o1733)
    monkeypatch.setenv(HANDIN_ENV, str(folder))
    monkeypatch.setenv("JUPYTERHUB_USER", "dana")
    j = sample_journal(tmp_path / "j.db")
    button = HandInButton(j)
    assert button.dest.layout.display == "none" and button.button.icon == "paper-plane" and not button.names.value
    sent = button.send()
    assert sent == folder / "dana.json" and "Sent anonymised" in button.status.value
    assert stat.S_IMODE(sent.stat().st_mode) == 0o640
    assert "profile" not in json.loads(sent.read_text())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to plant a file owned by someone else")
def test_a_file_someone_else_planted_is_not_written_over(tmp_path):
    planted = tmp_path / "dana.json"
    planted.write_text("{}")
    os.chown(planted, 65534, 65534)
    with pytest.raises(InputError, match="dest: got .*someone else wrote this one"):
        hand_in(sample_journal(tmp_path / "j.db"), planted)
    assert planted.read_text() == "{}"


def test_the_command_keeps_names_only_when_asked(tmp_path, capsys):
    sample_journal(tmp_path / "j.db").close()
    assert main(["handin", "--journal", str(tmp_path / "j.db"), "--to", str(tmp_path / "a.json")]) == 0
    assert main(["handin", "--journal", str(tmp_path / "j.db"), "--to", str(tmp_path / "b.json"), "--no-anonymize"]) == 0
    company = read_bundle(tmp_path / "b.json")["notes"][0].company
    assert company not in (tmp_path / "a.json").read_text() and company in (tmp_path / "b.json").read_text()
    assert main(["handin", "--journal", str(tmp_path / "j.db"), "--to", str(tmp_path / "x.txt")]) == 2
    assert capsys.readouterr().err.startswith("followup-kit: --to: got")


def test_a_link_planted_in_the_shared_folder_is_refused(tmp_path):
    folder = tmp_path / "handin"
    folder.mkdir()
    folder.chmod(0o1733)
    precious = tmp_path / "precious.db"
    precious.write_text("my own journal")
    (folder / "dana.json").symlink_to(precious)
    with pytest.raises(InputError, match="dest: got .*a file, not a link"):
        hand_in(sample_journal(tmp_path / "j.db"), folder / "dana.json")
    assert precious.read_text() == "my own journal"
