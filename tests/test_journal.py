"The journal's file guarantees: refused files stay untouched, locks wait or fail clearly, bad bundles change nothing."
import csv, hashlib, json, os, sqlite3, tempfile, time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from followup_kit.journal import (APPLICATION_ID, SCHEMA_VERSION, MIGRATIONS, Journal, JournalError, contacts_vcard,
                                  spreadsheet_safe)
from followup_kit.notes import Application, Contact, InterviewNotes, LogEntry, Profile, Question
from followup_kit.timeline import InputError

DATA = Path(__file__).parent/"data"


def make_notes(i=0, **kw):
    return InterviewNotes(f"Company {i}", "Data Engineer", datetime(2025, 3, 11, 10), tz="Europe/Berlin",
                          interviewers=[Contact("Dana Whitfield", "Engineering Manager", email="dana@example.com")],
                          questions=[Question("Why us?", "The data platform.", 4)], response_days=10, **kw)


def fingerprint(path):
    "Hashes of the file and its WAL/rollback companions (missing or empty ones as None: SQLite opens an empty WAL to read)."
    def digest(p): return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() and p.stat().st_size else None
    return {s: digest(Path(str(path) + s)) for s in ("", "-wal", "-journal")}


def content(path):
    "Everything stored in the journal at `path`, read through a read-only connection."
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try: return [r for t in ("notes", "applications", "events", "reflections") for r in con.execute(f"SELECT * FROM {t} ORDER BY 1, 2")]
    finally: con.close()


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path/"j.db")
    yield j
    j.close()


def test_contract(tmp_path):
    j = Journal(tmp_path/"my-journal.db")
    notes = make_notes()
    nid = j.save(notes)
    assert j.get(nid) == notes and j.all() == [notes]
    j.export_json(tmp_path/"bundle.json")
    other = Journal.import_json(tmp_path/"bundle.json", into=tmp_path/"other.db")
    assert other.all() == [notes]
    j.close(); other.close()


def test_default_path_uses_home(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_KIT_HOME", str(tmp_path/"home"))
    with Journal() as j: j.save(make_notes())
    assert (tmp_path/"home"/"journal.db").exists()


def test_file_markers(journal):
    con = journal._con
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrates_an_old_journal(tmp_path):
    path = tmp_path/"old.db"
    con = sqlite3.connect(path, isolation_level=None)
    for sql in MIGRATIONS[0]: con.execute(sql)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}"); con.execute("PRAGMA user_version = 1")
    con.close()
    with Journal(path) as j:
        nid = j.save(make_notes())
        j.save_reflection(nid, {"went_well": "rapport"})
        assert j._con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_empty_file_becomes_a_journal(tmp_path):
    (tmp_path/"j.db").touch()
    with Journal(tmp_path/"j.db") as j: assert j.all() == []


def _corrupt_journal(tmp_path):
    path = tmp_path/"damaged.db"
    with Journal(path) as j:
        for i in range(40): j.save(make_notes(i, notes="x" * 3000))
    con = sqlite3.connect(path); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
    data = bytearray(path.read_bytes())
    for i in range(4096 + 16, len(data), 97): data[i] = (data[i] * 7 + 13) % 256
    path.write_bytes(bytes(data))
    return path


def _truncated_journal(tmp_path):
    path = tmp_path/"truncated.db"
    with Journal(path) as j:
        for i in range(40): j.save(make_notes(i, notes="x" * 3000))
    con = sqlite3.connect(path); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2 + 100])
    return path


def _text_file(tmp_path):
    path = tmp_path/"cv.db"; path.write_text("Priya Raman, Data Engineer\n" * 50); return path


def _foreign_sqlite(tmp_path):
    path = tmp_path/"photos.db"
    con = sqlite3.connect(path); con.execute("CREATE TABLE albums (name TEXT)"); con.commit(); con.close(); return path


def _our_id_without_marker(tmp_path):
    path = tmp_path/"impostor.db"
    con = sqlite3.connect(path); con.execute("CREATE TABLE notes (x)"); con.execute(f"PRAGMA application_id = {APPLICATION_ID}"); con.commit(); con.close()
    return path


def _newer_journal(tmp_path):
    path = tmp_path/"future.db"
    Journal(path).close()
    con = sqlite3.connect(path); con.execute("PRAGMA user_version = 99"); con.commit(); con.close(); return path


def _header_only(tmp_path):
    path = tmp_path/"header.db"; path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000)); return path


@pytest.mark.parametrize("make, says", [
    (_text_file, "not an SQLite database"), (_foreign_sqlite, "belongs to another program"),
    (_our_id_without_marker, "belongs to another program"), (_newer_journal, "has schema 99"),
    (_corrupt_journal, "damaged"), (_truncated_journal, "malformed"), (_header_only, "not a database"),
])
def test_refused_files_are_left_untouched(tmp_path, make, says):
    path = make(tmp_path)
    before = fingerprint(path)
    for readonly in (False, True):
        with pytest.raises(JournalError) as e: Journal(path, readonly=readonly).save(make_notes())
        message = str(e.value)
        assert message.startswith(f"journal: got '{path}'") and says in message and "left untouched" in message, message
        assert "\n" not in message
    assert fingerprint(path) == before


def test_locked_journal_fails_clearly_then_works(tmp_path):
    path = tmp_path/"j.db"
    j = Journal(path, timeout=0.3)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    t0 = time.monotonic()
    with pytest.raises(JournalError, match="another program holds it"): j.save(make_notes())
    assert time.monotonic() - t0 >= 0.25
    holder.execute("ROLLBACK"); holder.close()
    nid = j.save(make_notes())
    assert j.get(nid) == make_notes(id=nid)
    j.close()


def test_writer_waits_for_a_short_lock(tmp_path):
    path = tmp_path/"j.db"
    j = Journal(path, timeout=5)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    pid = os.fork()
    if pid == 0:
        time.sleep(0.5); holder.execute("ROLLBACK"); os._exit(0)
    holder.close()
    nid = j.save(make_notes())
    os.waitpid(pid, 0)
    assert [n.id for n in j.all()] == [nid]
    j.close()


def test_two_processes_writing_at_once(tmp_path):
    path = tmp_path/"j.db"
    Journal(path).close()
    pids = []
    for w in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                with Journal(path, timeout=30) as j:
                    app = Application(f"Company {w}", id=f"a-{w:012d}")
                    for i in range(25):
                        n = make_notes(w, id=f"n-{w:04d}{i:08d}")
                        j.save(n, application=app)
                        j.save_reflection(n.id, {"i": i})
                os._exit(0)
            except BaseException:
                os._exit(1)
        pids.append(pid)
    assert all(os.waitpid(p, 0)[1] == 0 for p in pids)
    with Journal(path) as j:
        assert len(j.all()) == 75 and len(j.reflections()) == 75
        assert sorted(len(a.log) for a in j.applications()) == [25, 25, 25]
        assert j._con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_readonly_journal(tmp_path):
    path = tmp_path/"j.db"
    with Journal(path) as j: j.save(make_notes())
    before = content(path)
    with Journal(path, readonly=True) as ro:
        assert len(ro.all()) == 1
        for write in (lambda: ro.save(make_notes(1)), lambda: ro.save_reflection(ro.all()[0].id, {}),
                      lambda: ro.save_application(Application("Company 9"))):
            with pytest.raises(JournalError, match="opened read-only"): write()
    assert content(path) == before
    with pytest.raises(JournalError, match="an existing journal"): Journal(tmp_path/"missing.db", readonly=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused_untouched(tmp_path):
    path = tmp_path/"j.db"
    with Journal(path) as j: j.save(make_notes())
    os.chmod(path, 0o444)
    before = fingerprint(path)
    try:
        with pytest.raises(JournalError): Journal(path).save(make_notes(1))
        with Journal(path, readonly=True) as ro: assert len(ro.all()) == 1
    finally: os.chmod(path, 0o644)
    assert fingerprint(path) == before


def test_log_is_append_only(journal):
    n = make_notes()
    app = Application("Company 0")
    journal.save(n, application=app)
    journal.record(app.id, LogEntry("message_sent", "2025-03-11T18:00+01:00", step="thank_you_email:dana-whitfield"))
    with pytest.raises(InputError, match="append-only"): journal.save_application(Application("Company 0", rounds=[n.id], id=app.id))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"): journal._con.execute("DELETE FROM events")
    with pytest.raises(InputError, match="done send_flowers"):
        journal.record(app.id, LogEntry("message_sent", "2025-03-12T18:00+01:00", step="send_flowers"))
    assert len(journal.application(app.id).log) == 2


def test_today_across_applications(journal):
    for i in range(3): journal.save(make_notes(i), application=Application(f"Company {i}"))
    agenda = journal.today(datetime(2025, 3, 11, 12, tzinfo=timezone.utc))
    assert {i.application.company for i in agenda.today} == {"Company 0", "Company 1", "Company 2"}
    assert all(i.step.kind != "write_notes" for i in agenda.items)  # the saved notes are the notes
    with pytest.raises(InputError, match="now"): journal.today(datetime(2025, 3, 11, 12))


def test_a_broken_plan_does_not_hide_the_others(journal):
    n = make_notes(0)
    app = Application("Company 0")
    journal.save(n, application=app)
    journal.save(make_notes(1), application=Application("Company 1"))
    journal.record(app.id, LogEntry("message_sent", "2025-03-11T18:00+01:00", step="thank_you_email:dana-whitfield"))
    from dataclasses import replace
    journal.save(replace(n, interviewers=[Contact("Omar Lindqvist", email="omar@example.com")]))  # Dana's step is gone
    agenda = journal.today(datetime(2025, 3, 11, 12, tzinfo=timezone.utc))
    assert {i.application.company for i in agenda.items} == {"Company 1"}
    assert len(agenda.problems) == 1 and "Company 0" in agenda.problems[0]


def test_spreadsheet_safe():
    for bad in ("=1+1", "+44 20", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert spreadsheet_safe(bad) == "'" + bad
    assert spreadsheet_safe("Dana") == "Dana" and spreadsheet_safe(None) == "" and spreadsheet_safe(-3) == -3


def test_csv_export_is_spreadsheet_safe(journal, tmp_path):
    app = Application("=HYPERLINK(\"http://example.com\")")
    journal.save(make_notes(), application=app)
    journal.record(app.id, LogEntry("replied", "2025-03-12T09:00+01:00", "@Dana: -see you Friday", channel="email"))
    rows = list(csv.reader(journal.export_csv(tmp_path/"e.csv").read_text(encoding="utf-8-sig").splitlines()))
    cells = [c for r in rows[1:] for c in r]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'@Dana: -see you Friday" in cells


def test_vcard_escaping():
    c = Contact("Anna-Lena Berg", "Head; Data, BI", "Fjord\\Tech", "anna@example.com", notes="likes chess\nasked about Kafka")
    text = contacts_vcard([c])
    assert "TITLE:Head\\; Data\\, BI\r\n" in text and "ORG:Fjord\\\\Tech\r\n" in text
    assert "NOTE:likes chess\\nasked about Kafka\r\n" in text and "N:Berg;Anna-Lena;;;\r\n" in text
    long = contacts_vcard([Contact("Zoë Ångström", notes="é" * 100)])
    assert all(len(line.encode()) <= 75 for line in long.split("\r\n"))
    assert long.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and long.endswith("END:VCARD\r\n")


def test_bundle_round_trip_carries_everything(journal, tmp_path):
    n = make_notes()
    app = Application("Company 0")
    journal.save(n, application=app)
    journal.record(app.id, LogEntry("message_sent", "2025-03-11T18:00+01:00", step="thank_you_email:dana-whitfield"))
    journal.save_reflection(n.id, {"went_well": ["rapport"], "score": 3})
    bundle = json.loads(journal.export_json(tmp_path/"b.json").read_text())
    assert {"notes", "applications", "reflections", "plans", "schema_version"} <= set(bundle)
    assert bundle["plans"][0]["plan"]["steps"]
    with Journal.import_json(tmp_path/"b.json", into=tmp_path/"c.db") as c:
        assert c.all() == journal.all() and c.applications() == journal.applications() and c.reflections() == journal.reflections()
        Journal.import_json(tmp_path/"b.json", into=tmp_path/"c.db").close()  # importing twice changes nothing
        assert c.all() == journal.all() and c.applications() == journal.applications()


EXPECTED = json.loads((DATA/"bad_bundles"/"expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_bundle_names_the_problem_and_changes_nothing(tmp_path, name):
    target = tmp_path/"coach.db"
    with Journal(target) as j:
        n = make_notes(5); j.save(n, application=Application("Company 5")); j.save_reflection(n.id, {"a": 1})
    before = content(target)
    with pytest.raises(InputError) as e: Journal.import_json(DATA/"bad_bundles"/name, into=target)
    message = str(e.value)
    assert "\n" not in message and message.startswith(name + ": ") and EXPECTED[name] in message, message
    assert content(target) == before
    with pytest.raises(InputError): Journal.import_json(DATA/"bad_bundles"/name, into=tmp_path/"fresh.db")
    assert not (tmp_path/"fresh.db").exists() or content(tmp_path/"fresh.db") == []


def test_bad_bundle_corpus_is_current():
    "The corpus was generated by tests/data/make_bad_bundles.py; every file is listed."
    files = {p.name for p in (DATA/"bad_bundles").iterdir()} - {"expected.json"}
    assert files == set(EXPECTED)


# --- version 3: profile, archive, duplicates, deletion ---------------------------------------------------------------

def make_v2_journal(path):
    "A version-2 journal as the old code wrote it: the SQL of MIGRATIONS[:2] and rows inserted the way it inserted them."
    n = make_notes(7)
    app = Application("Company 7", "Data Engineer").add_round(n)
    app.record(LogEntry("message_sent", "2025-03-11T18:00+01:00", step="thank_you_email:dana-whitfield"))
    con = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:2]:
        for sql in statements: con.execute(sql)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}"); con.execute("PRAGMA user_version = 2")
    saved = "2025-03-11T19:00:00+00:00"
    con.execute("INSERT INTO notes VALUES (?,?,?,?,?,?)", (n.id, n.company, n.role, n.at.astimezone(timezone.utc).isoformat(), n.to_json(), saved))
    con.execute("INSERT INTO applications VALUES (?,?,?,?,?)", (app.id, app.company, app.role, app.policy, json.dumps(app.rounds)))
    con.executemany("INSERT INTO events VALUES (?,?,?,?,?)", [(app.id, i, e.kind, e.at.isoformat(), e.to_json()) for i, e in enumerate(app.log)])
    con.execute("INSERT INTO reflections VALUES (?,?,?)", (n.id, json.dumps({"went_well": "rapport"}), saved))
    con.close()
    return n, app


def test_migrates_a_version_2_journal_keeping_everything(tmp_path):
    path = tmp_path/"v2.db"
    n, app = make_v2_journal(path)
    with Journal(path) as j:
        assert j._con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert j.all() == [n] and j.applications() == [app] and j.reflections() == {n.id: {"went_well": "rapport"}}
        assert j.profile() == Profile() and j.archived() == set()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"): j._con.execute("DELETE FROM events WHERE seq=0")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"): j._con.execute("UPDATE events SET kind='offer'")
        j.save_profile(Profile("Priya Raman", tz="Europe/London"))
        assert j.delete_application(app.id) == {"notes": 1, "events": 2, "reflections": 1}
    with Journal(path) as j: assert j.profile().name == "Priya Raman" and j.all() == [] and j.applications() == []


def test_profile_is_saved_checked_and_read_only_safe(tmp_path):
    path = tmp_path/"j.db"
    with Journal(path) as j:
        assert j.profile().is_empty and j.profile().sender is None
        me = j.save_profile(Profile("Priya Raman", "priya@example.com", "+44 20 7946 0321", "Europe/London", "gb"))
        assert j.profile() == me and me.country == "GB" and me.sender.email == "priya@example.com"
        with pytest.raises(InputError, match="^tz: got 'Mars/Base'; wants an IANA time zone like Europe/Paris$"):
            j.save_profile(Profile("Priya", tz="Mars/Base"))
        assert j.profile() == me
    with Journal(path, readonly=True) as ro:
        assert ro.profile() == me
        for write in (lambda: ro.save_profile(Profile("X")), lambda: ro.archive("a-1"), lambda: ro.delete_notes("n-1")):
            with pytest.raises(JournalError, match="opened read-only"): write()


@pytest.mark.parametrize("field, value, says", [("name", "x" * 201, "name: got"), ("email", "a b@example.com", "email: got 'a b@example.com'"),
                                               ("phone", "call me", "phone: got 'call me'"), ("country", "Britain", "country: got 'Britain'"),
                                               ("tz", "Mars/Base", "tz: got 'Mars/Base'")])
def test_profile_names_the_bad_field(field, value, says):
    with pytest.raises(InputError) as e: Profile(**{field: value})
    assert str(e.value).startswith(says) and "\n" not in str(e.value)
    with pytest.raises(InputError, match="^nickname: got"): Profile.from_dict({"nickname": "Pri"})


def test_archive_hides_from_today_and_keeps_the_record(journal):
    apps = []
    for i in range(2):
        n = make_notes(i); app = Application(n.company, n.role); journal.save(n, application=app); apps.append(app)
    now = datetime(2025, 3, 11, 20, tzinfo=timezone.utc)
    assert {i.application.id for i in journal.today(now).items} == {a.id for a in apps}
    journal.archive(apps[0].id); journal.archive(apps[0].id)  # twice is once
    assert journal.archived() == {apps[0].id}
    assert {i.application.id for i in journal.today(now).items} == {apps[1].id}
    assert [a.id for a in journal.applications()] == [a.id for a in apps]
    assert [a.id for a in journal.applications(include_archived=False)] == [apps[1].id]
    journal.unarchive(apps[0].id)
    assert journal.archived() == set()
    for act in (journal.archive, journal.unarchive, journal.delete_application):
        with pytest.raises(InputError, match="^application id: got 'a-nope'"): act("a-nope")


def test_find_notes_ignores_case_spaces_and_zone(journal):
    n = make_notes(1)
    journal.save(n)
    assert journal.find_notes("  company   1 ", "DATA engineer", n.at.astimezone(timezone.utc)) == n
    assert journal.find_notes("Company 1", "Data Engineer", n.at.replace(minute=1)) is None
    assert journal.find_notes("Company 2", "Data Engineer", n.at) is None
    with pytest.raises(InputError, match="^at: got"): journal.find_notes("Company 1", "Data Engineer", datetime(2025, 3, 11, 10))


def on_disk(path):
    "The bytes of the journal and its write-ahead log."
    return b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal") if Path(f"{path}{s}").exists())


def test_deleting_an_application_leaves_no_trace_in_the_file(tmp_path):
    path = tmp_path/"j.db"
    with Journal(path) as j:
        keep = make_notes(1); j.save(keep, application=Application("Company 1"))
        gone = InterviewNotes("Glimmerquay Holdings", "Lanternwright", datetime(2025, 3, 12, 9), tz="Europe/Berlin",
                              interviewers=[Contact("Barnaby Wolstenholme", email="barnaby@example.com")], notes="zebra-orchid remark")
        app = Application("Glimmerquay Holdings", "Lanternwright")
        j.save(gone, application=app)
        j.record(app.id, LogEntry("replied", "2025-03-13T09:00+01:00", "Barnaby wrote back"))
        j.save_reflection(gone.id, {"went_well": "zebra-orchid"})
        j.archive(app.id)
        assert b"Wolstenholme" in on_disk(path)
        assert j.delete_application(app.id) == {"notes": 1, "events": 2, "reflections": 1}
        assert [a.company for a in j.applications()] == ["Company 1"] and j.all() == [keep] and j.archived() == set()
        for word in (b"Glimmerquay", b"Wolstenholme", b"zebra-orchid", b"Lanternwright"): assert word not in on_disk(path), word
        assert j._con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert j._con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_deleting_keeps_notes_another_application_uses(journal):
    n = make_notes(1); journal.save(n)
    a, b = Application("Company 1").add_round(n), Application("Company 1 again").add_round(n)
    journal.save_application(a); journal.save_application(b)
    assert journal.delete_application(a.id) == {"notes": 0, "events": 1, "reflections": 0}
    assert journal.all() == [n] and [x.id for x in journal.applications()] == [b.id]


def test_deleting_notes_drops_their_round_and_an_emptied_application(journal):
    first, second = make_notes(1), make_notes(1, round=2, id="n-00000000000b")
    second = InterviewNotes.from_dict({**second.to_dict(), "at": "2025-03-18T10:00"})
    app = Application("Company 1")
    journal.save(first, application=app); journal.save(second, application=app)
    journal.save_reflection(second.id, {"went_well": "better"})
    dup = Application("Company 1 (copy)"); journal.save(make_notes(1, id="n-00000000000c"), application=dup)
    assert journal.delete_notes(second.id) == {"notes": 1, "events": 0, "reflections": 1, "applications": 0}
    assert journal.application(app.id).rounds == [first.id] and journal.reflections() == {}
    assert journal.delete_notes("n-00000000000c") == {"notes": 1, "events": 1, "reflections": 0, "applications": 1}
    assert [a.id for a in journal.applications()] == [app.id]
    with pytest.raises(InputError, match="^notes id: got 'n-nope'"): journal.delete_notes("n-nope")


def test_bundle_carries_profile_and_archived(journal, tmp_path):
    n = make_notes(); app = Application("Company 0"); journal.save(n, application=app)
    journal.archive(app.id)
    journal.save_profile(Profile("Priya Raman", "priya@example.com", tz="Europe/London"))
    bundle = json.loads(journal.export_json(tmp_path/"b.json").read_text())
    assert bundle["archived"] == [app.id] and bundle["profile"]["name"] == "Priya Raman"
    with Journal.import_json(tmp_path/"b.json", into=tmp_path/"fresh.db") as c:
        assert c.profile() == journal.profile() and c.archived() == {app.id}
    with Journal(tmp_path/"coach.db") as coach: coach.save_profile(Profile("Casey Coach"))
    with Journal.import_json(tmp_path/"b.json", into=tmp_path/"coach.db") as coach:
        assert coach.profile().name == "Casey Coach" and coach.archived() == {app.id}  # a coach keeps signing as the coach
    old = {k: v for k, v in bundle.items() if k not in ("profile", "archived")} | {"schema_version": 2}
    (tmp_path/"old.json").write_text(json.dumps(old))
    with Journal.import_json(tmp_path/"old.json", into=tmp_path/"old.db") as o:
        assert o.profile() == Profile() and o.archived() == set() and o.all() == journal.all()


@pytest.mark.parametrize("change, says", [({"profile": "Priya"}, "b.json: profile: got 'str'"),
                                          ({"profile": {"tz": "Mars/Base"}}, "b.json: profile.tz: got 'Mars/Base'"),
                                          ({"archived": "a-1"}, "b.json: archived: got 'str'"),
                                          ({"archived": ["a-unknown"]}, "b.json: archived[0]: got 'a-unknown'"),
                                          ({"archived": [["a-1"]]}, "b.json: archived[0]: got")])
def test_bad_profile_or_archived_in_a_bundle_changes_nothing(journal, tmp_path, change, says):
    n = make_notes(); journal.save(n, application=Application("Company 0"))
    bundle = journal.bundle() | change
    (tmp_path/"b.json").write_text(json.dumps(bundle, default=str))
    with Journal(tmp_path/"t.db") as t: t.save_profile(Profile("Casey Coach"))
    before = content(tmp_path/"t.db")
    with pytest.raises(InputError) as e: Journal.import_json(tmp_path/"b.json", into=tmp_path/"t.db")
    assert str(e.value).startswith(says) and "\n" not in str(e.value)
    assert content(tmp_path/"t.db") == before


NAMES = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=12, max_size=24)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(company=NAMES, interviewer=NAMES, note=NAMES)
def test_property_a_deleted_application_leaves_no_byte_of_its_names(company, interviewer, note):
    with tempfile.TemporaryDirectory() as d, Journal(Path(d)/"j.db") as j:
        keep = make_notes(1); j.save(keep, application=Application(keep.company))
        before = on_disk(j.path)  # the schema and the kept application: words already there say nothing
        assume(not any(w.encode() in before for w in (company, interviewer, note)))
        gone = InterviewNotes(company, "Analyst", datetime(2025, 3, 12, 9), tz="Europe/Berlin", notes=note,
                              interviewers=[Contact(interviewer, email="someone@example.com")])
        app = Application(company)
        j.save(gone, application=app)
        j.save_reflection(gone.id, {"went_well": note})
        j.delete_application(app.id)
        disk = on_disk(j.path)
        for word in {company, interviewer, note}:
            for form in {word.encode(), json.dumps(word).strip('"').encode()}: assert form not in disk, word


@settings(max_examples=30, deadline=None)
@given(company=st.text(alphabet="abcdefgh &", min_size=1, max_size=20).filter(str.strip),
       spaces=st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=3, max_size=3))
def test_property_find_notes_ignores_case_and_spacing(company, spaces):
    with tempfile.TemporaryDirectory() as d, Journal(Path(d)/"j.db") as j:
        n = InterviewNotes(company, "Data Engineer", datetime(2025, 3, 11, 10), tz="Europe/Berlin")
        j.save(n)
        typed = spaces[0] + spaces[1].join(company.upper().split()) + spaces[2]
        assert j.find_notes(typed, " data  ENGINEER", n.at) == n
