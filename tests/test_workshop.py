"""The workshop's promises to a coach: bad bundles never stop a cohort, anonymised outputs hold no names, participant
text is escaped and spreadsheet-safe, pseudonyms are stable per folder, and the analytics add up."""
import csv, json, shutil
from pathlib import Path

import openpyxl
import pytest

from followup_kit.journal import BUNDLE_FORMAT, FORMULA_STARTS
from followup_kit.workshop import FALLING_POINTS, SALT_FILE, SAMPLE_AS_OF, Cohort, sample_cohort

# Invented, distinctive strings: none of them can turn up in an output by chance.
PARTICIPANT = "Xanthippe Vorobyeva-Quist"  # given in the bundle's `participant` field
FILE_PARTICIPANT = "ottoline-brackenridge.json"  # a bundle without that field: the file name is the name
INTERVIEWER = "Barnaby Wolstenholme"
CONTACT = "Perpetua Fairweather-Lusk"
COMPANY = "Glimmerquay Holdings"
ROLE = "Chief Lanternwright"
PRIVATE_TEXT = "zebra-orchid confidential remark"
SECRETS = {"participant": ["Xanthippe", "Vorobyeva", "Quist"], "file participant": ["Ottoline", "Brackenridge"],
           "interviewer": ["Barnaby", "Wolstenholme"], "contact": ["Perpetua", "Fairweather", "Lusk"],
           "company": ["Glimmerquay"], "role": ["Lanternwright"], "free text": ["zebra-orchid"]}


def rename(bundle: dict, participant: str | None, company: str, role: str = ROLE) -> dict:
    "`bundle` with every name, company, role and free text replaced by the given (distinctive) strings."
    bundle = json.loads(json.dumps(bundle, default=str))
    bundle.pop("participant", None)
    if participant is not None: bundle["participant"] = participant
    slugs = {}  # a thank-you's step id names its interviewer: `thank_you_email:quinn-calloway`
    for n in bundle["notes"]:
        for i, person in enumerate(n["interviewers"]):
            name = INTERVIEWER if i == 0 else f"{INTERVIEWER.split()[0]} {i + 1} {INTERVIEWER.split()[1]}"
            slugs[slug(person["name"])] = slug(name)
            person.update(name=name, email=f"{slug(name)}@example.com")
        n["contact"] = {"name": CONTACT, "email": "perpetua.fairweather-lusk@example.com"}
        n.update(company=company, role=role, notes=PRIVATE_TEXT, concerns=[PRIVATE_TEXT])
        for q in n["questions"]: q["answer"] = PRIVATE_TEXT
    for a in bundle["applications"]:
        a.update(company=company, role=role)
        for e in a["log"]:
            if e["kind"] != "interview": e["note"] = PRIVATE_TEXT
            kind, _, who = (e.get("step") or "").partition(":")
            if who: e["step"] = f"{kind}:{slugs[who]}"
    return bundle


def slug(name: str) -> str: return "-".join(name.lower().split())


def write_folder(folder: Path, bundles: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in bundles.items(): (folder/name).write_text(json.dumps(data, default=str), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def named_folder(tmp_path_factory) -> Path:
    "Four sample participants; two carry the distinctive names, one of them only in its file name."
    bundles = sample_cohort(4, seed=3)
    (a, first), (_, second), *rest = bundles.items()
    out = {a: rename(first, PARTICIPANT, COMPANY), FILE_PARTICIPANT: rename(second, None, COMPANY)}
    return write_folder(tmp_path_factory.mktemp("named"), out | dict(rest))


def every_text(cohort: Cohort, out: Path) -> dict:
    "The report (with a page per participant), each CSV file and each XLSX cell value, as text by source."
    texts = {"report": cohort.report(out/"report.html", per_participant=True, now=SAMPLE_AS_OF).read_text(encoding="utf-8")}
    texts |= {p.name: p.read_text(encoding="utf-8") for p in cohort.to_csv(out/"csv", now=SAMPLE_AS_OF)}
    wb = openpyxl.load_workbook(cohort.to_xlsx(out/"cohort.xlsx", now=SAMPLE_AS_OF))
    texts |= {f"xlsx:{ws.title}": "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
              for ws in wb.worksheets}
    return texts


def leaks(texts: dict) -> list:
    return [(source, what, word) for source, text in texts.items() for what, words in SECRETS.items()
            for word in words if word.casefold() in text.casefold()]


# --- bad bundles -----------------------------------------------------------------------------------------------------

def test_bad_bundles_are_named_with_a_reason_and_the_rest_load(tmp_path):
    good = sample_cohort(3, seed=4)
    base = next(iter(good.values()))
    missing = json.loads(json.dumps(base, default=str)); del missing["notes"][0]["at"]
    bad = {"malformed.json": '{"format": "%s", "notes": [' % BUNDLE_FORMAT,
           "wrong-format.json": json.dumps(base | {"format": "someone else's export"}, default=str),
           "missing-fields.json": json.dumps(missing),
           "empty.json": "",
           "not-json.json": "company,role\nAcme,Analyst\n"}
    folder = write_folder(tmp_path/"cohort", good)
    for name, text in bad.items(): (folder/name).write_text(text, encoding="utf-8")
    (folder/"picture.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    cohort = Cohort.from_bundles(folder)
    assert len(cohort.participants) == len(good)
    files = [f for f, _ in cohort.problems]
    assert sorted(files) == sorted([*bad, "picture.json"])
    for f, reason in cohort.problems:
        assert isinstance(reason, str) and reason.strip() and "\n" not in reason, (f, reason)
        assert "Traceback" not in reason
    reasons = dict(cohort.problems)
    assert reasons["wrong-format.json"].startswith("format: got")
    assert reasons["missing-fields.json"].startswith("notes[0].at: got None")
    for f in ("malformed.json", "empty.json", "not-json.json", "picture.json"): assert "JSON bundle" in reasons[f], reasons[f]


def test_a_folder_of_only_bad_bundles_still_reports(tmp_path):
    folder = tmp_path/"cohort"; folder.mkdir()
    (folder/"a.json").write_text("{", encoding="utf-8"); (folder/"b.json").write_text("", encoding="utf-8")
    cohort = Cohort.from_bundles(folder)
    assert len(cohort.participants) == 0 and len(cohort.problems) == 2
    html = cohort.report(tmp_path/"report.html", now=SAMPLE_AS_OF).read_text(encoding="utf-8")
    assert "No employer has answered yet" in html


def test_a_cohort_before_any_answer_reports(tmp_path):
    "First week of a workshop: interviews logged, no employer has said a word yet."
    bundles = sample_cohort(4, seed=6)
    for b in bundles.values():
        for a in b["applications"]: a["log"] = [e for e in a["log"] if e["kind"] == "interview"]
    cohort = Cohort.from_bundles(write_folder(tmp_path/"cohort", bundles))
    assert len(cohort.interviews) > 0 and len(cohort.events) == 0
    assert cohort.response_times()["answered"].sum() == 0
    assert "No employer has answered yet" in cohort.report(tmp_path/"r.html", now=SAMPLE_AS_OF).read_text(encoding="utf-8")


# --- anonymisation -----------------------------------------------------------------------------------------------------

def test_anonymised_outputs_hold_no_names(named_folder, tmp_path):
    cohort = Cohort.from_bundles(named_folder)
    assert cohort.anonymized and cohort.problems == []
    texts = every_text(cohort, tmp_path)
    assert len(texts) > 10 and "xlsx:participants" in texts
    assert leaks(texts) == []


def test_without_anonymisation_names_are_kept(named_folder, tmp_path):
    cohort = Cohort.from_bundles(named_folder, anonymize=False)
    assert not cohort.anonymized
    assert {PARTICIPANT, "Ottoline Brackenridge"} <= set(cohort.participants["name"])
    texts = every_text(cohort, tmp_path)
    for source in ("participants.csv", "xlsx:participants"): assert PARTICIPANT in texts[source]
    for source in ("applications.csv", "xlsx:applications", "report"): assert COMPANY in texts[source]
    for source in ("interviews.csv", "xlsx:interviews"): assert INTERVIEWER in texts[source]
    assert ROLE in texts["applications.csv"] and PRIVATE_TEXT in texts["events.csv"]


# --- escaping and spreadsheet safety -------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_report_escapes_participant_text(tmp_path):
    bundles = sample_cohort(3, seed=8)
    name = next(iter(bundles))
    bundles[name] = rename(bundles[name], SCRIPT, SCRIPT, role=SCRIPT)
    folder = write_folder(tmp_path/"cohort", bundles)
    (folder/"<img src=x onerror=alert(2)>.json").write_text("{", encoding="utf-8")  # a file name shown among problems
    for anonymize in (False, True):
        cohort = Cohort.from_bundles(folder, anonymize=anonymize)
        html = cohort.report(tmp_path/f"report-{anonymize}.html", per_participant=True, now=SAMPLE_AS_OF).read_text(encoding="utf-8")
        assert "<script" not in html.lower() and "<img src=x" not in html
        if not anonymize:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_formulas_are_neutralised_in_spreadsheets(tmp_path):
    formula = '=HYPERLINK("x")'
    bundles = sample_cohort(3, seed=9)
    name = next(iter(bundles))
    bundles[name] = rename(bundles[name], "+Plus Participant", formula, role="@SUM(A1)")
    cohort = Cohort.from_bundles(write_folder(tmp_path/"cohort", bundles), anonymize=False)
    folder = tmp_path/"csv"
    cohort.to_csv(folder, now=SAMPLE_AS_OF)
    with open(folder/"applications.csv", newline="", encoding="utf-8") as f: rows = list(csv.DictReader(f))
    assert "'" + formula in {r["company"] for r in rows} and "'@SUM(A1)" in {r["role"] for r in rows}
    for p in folder.glob("*.csv"):
        with open(p, newline="", encoding="utf-8") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "@", "+")], p.name
    wb = openpyxl.load_workbook(cohort.to_xlsx(tmp_path/"cohort.xlsx", now=SAMPLE_AS_OF))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert "'" + formula in {c.value for row in wb["applications"].iter_rows() for c in row}


# --- pseudonyms -----------------------------------------------------------------------------------------------------------

def test_pseudonyms_are_stable_per_folder_and_differ_between_folders(tmp_path):
    first = tmp_path/"autumn"
    sample_cohort(5, seed=10, folder=first)
    one, two = Cohort.from_bundles(first), Cohort.from_bundles(sorted(first.glob("*.json"), reverse=True))
    assert (first/SALT_FILE).exists()
    for col in ("participant", "code"): assert one.participants[col].tolist() == two.participants[col].tolist()
    assert sorted(one.applications["company"]) == sorted(two.applications["company"])
    assert sorted(one.interviews["interview"]) == sorted(two.interviews["interview"])
    other = tmp_path/"spring"
    other.mkdir()
    for p in first.glob("*.json"): shutil.copy(p, other/p.name)
    three = Cohort.from_bundles(other)
    assert (other/SALT_FILE).read_text() != (first/SALT_FILE).read_text()
    assert not set(three.participants["code"]) & set(one.participants["code"])
    assert not set(three.applications["company"]) & set(one.applications["company"])


# --- analytics on the sample cohort ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Cohort:
    return Cohort.from_bundles(sample_cohort(40, seed=11, folder=tmp_path_factory.mktemp("sample")))


@pytest.mark.parametrize("by", ["participant", "cohort"])
def test_adherence_shares_are_between_0_and_1(sample, by):
    a = sample.adherence(by=by)
    shares = a[["thank_you_24h", "thank_you_48h", "status_on_time", "attempts_within_cap"]]
    assert shares.notna().any().all()
    assert ((shares >= 0) & (shares <= 1) | shares.isna()).all().all()
    assert (a["thank_you_24h"] <= a["thank_you_48h"]).where(a["thank_you_24h"].notna(), True).all()
    assert len(a) == (len(sample.participants) if by == "participant" else 1)


def test_funnel_counts_add_up(sample):
    f = sample.funnel()
    n = len(sample.applications)
    assert f.loc["interviewed", "applications"] == n
    assert f.loc[["offer", "rejected", "withdrawn", "silence", "still waiting"], "applications"].sum() == n
    assert f["applications"].between(0, n).all() and f["share"].between(0, 1).all()
    assert f.loc["second interview", "applications"] <= f.loc["interviewed", "applications"]


def test_attention_is_sorted_most_urgent_first(sample):
    week = sample.attention(now=SAMPLE_AS_OF)
    assert len(week) > 1
    assert ((week["overdue"] > 0) | (week["score_change"] <= -FALLING_POINTS)).all()
    assert (week["reasons"].str.len() > 0).all()
    assert week["overdue"].tolist() == sorted(week["overdue"], reverse=True)
    for _, same in week.groupby("overdue"):
        changes = same["score_change"].dropna().tolist()
        assert changes == sorted(changes)
    assert set(week["participant"]) <= set(sample.participants["participant"])


def test_response_times_and_scores_are_sane(sample):
    t = sample.response_times()
    assert t["interviews"].sum() == len(sample.interviews)
    assert (t["answered"] <= t["interviews"]).all() and t["share_answered"].between(0, 1).all()
    assert (t["median_days"].dropna() >= 0).all() and (t["median_days"] <= t["p75_days"]).where(t["p75_days"].notna(), True).all()
    s = sample.score_summary()
    assert s[["q25", "median", "q75"]].stack().between(0, 100).all()
    assert (s["q25"] <= s["median"]).all() and (s["median"] <= s["q75"]).all()


def test_a_profile_in_the_bundles_never_reaches_anonymised_outputs(named_folder, tmp_path):
    "Bundles now carry the participant's profile (and archived ids); the cohort reads them and keeps the profile out."
    folder = tmp_path/"with-profile"
    shutil.copytree(named_folder, folder)
    for i, path in enumerate(sorted(folder.glob("*.json"))):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["profile"] = {"name": f"Wilhelmina Thistlewood {i}", "email": "wilhelmina.thistlewood@example.com",
                           "phone": "+44 20 7946 0999", "tz": "Europe/London", "country": "GB"}
        data["archived"] = [data["applications"][0]["id"]]
        path.write_text(json.dumps(data), encoding="utf-8")
    cohort = Cohort.from_bundles(folder)
    plain = Cohort.from_bundles(named_folder)
    assert cohort.problems == [] and len(cohort.applications) == len(plain.applications)  # archived ones still count
    assert list(cohort.participants["participant"]) == list(plain.participants["participant"])  # labels not from the profile
    texts = every_text(cohort, tmp_path)
    for word in ("Wilhelmina", "Thistlewood", "7946 0999", "7946-0999"):
        assert not [source for source, text in texts.items() if word.casefold() in text.casefold()], word
