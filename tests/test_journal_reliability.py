"""A writer killed (SIGKILL) mid-save, hundreds of times, never costs a committed note nor the file's integrity.

Each round forks a child that opens the journal and saves in a loop (new notes, edited notes, log entries),
reporting each save on a pipe only after `save` returned, i.e. after the commit. The parent kills it at a
random moment. Afterwards every reported note must be there at its reported version or a later one, every
stored note must be a whole, valid version, and `PRAGMA integrity_check` must pass."""
import os, random, signal, sqlite3, time
from datetime import datetime

import pytest

from followup_kit.journal import Journal
from followup_kit.notes import Application, Contact, InterviewNotes, LogEntry, Question

ROUNDS = int(os.environ.get("FOLLOWUP_KIT_KILL_ROUNDS", "300"))


def version_of(nid, v):
    "Version `v` of note `nid`: big enough to span several pages, with content that shows a torn write."
    return InterviewNotes(f"Company {nid}", "Data Engineer", datetime(2025, 3, 11, 10), tz="Europe/Berlin", id=nid,
                          interviewers=[Contact(f"Person {k}", email=f"p{k}@example.com") for k in range(v % 4 + 1)],
                          questions=[Question(f"Question {v}.{k}", "answer " * 20, k % 5 + 1) for k in range(3)],
                          notes=f"version {v} " + "lorem ipsum " * (200 + v % 300))


def writer(path, state, out, seed):
    "The child: save forever, reporting each committed save as a line on `out`."
    rnd = random.Random(seed)
    j = Journal(path, timeout=30)
    app = j.application("a-000000000001")
    while True:
        if state and rnd.random() < 0.6:
            nid = rnd.choice(sorted(state))
        else:
            nid = f"n-{seed:06d}{rnd.randrange(10**6):06d}"
        v = state.get(nid, 0) + 1
        j.save(version_of(nid, v))
        state[nid] = v
        os.write(out, f"N {nid} {v}\n".encode())
        if rnd.random() < 0.3:
            n = len(j.record(app.id, LogEntry("replied", "2025-03-12T09:00+01:00", f"entry from {seed}")).log)
            os.write(out, f"E {n}\n".encode())


def run_round(path, state, seed, kill_after):
    "Fork a writer, kill it after `kill_after` seconds; fold its committed saves into `state`; return the log length seen."
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try: writer(path, dict(state), w, seed)
        finally: os._exit(1)
    os.close(w)
    time.sleep(kill_after)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    chunks = []
    while chunk := os.read(r, 65536): chunks.append(chunk)
    os.close(r)
    events = 0
    for line in b"".join(chunks).decode().split("\n")[:-1]:  # the last piece may be a torn line
        kind, *rest = line.split()
        if kind == "N": state[rest[0]] = max(state.get(rest[0], 0), int(rest[1]))
        else: events = max(events, int(rest[0]))
    return events


@pytest.mark.slow
def test_killed_writers_lose_nothing_committed(tmp_path):
    path = tmp_path/"journal.db"
    with Journal(path) as j:
        n = version_of("n-000000000000", 1)
        j.save(n, application=Application("Northwind Labs", id="a-000000000001"))
    state, rnd, events, started = {"n-000000000000": 1}, random.Random(20250311), 1, time.monotonic()
    busy_kills = 0  # rounds where the writer had committed and was saving again when killed
    for i in range(ROUNDS):
        before = sum(state.values())
        events = max(events, run_round(path, state, i + 1, rnd.uniform(0.002, 0.06)))
        busy_kills += sum(state.values()) > before
        if i % 50 == 49: check(path, state, events)
    check(path, state, events)
    assert busy_kills >= ROUNDS // 3, f"only {busy_kills} of {ROUNDS} kills hit a writer that was saving"
    assert time.monotonic() - started < 120


def check(path, state, events):
    "Every committed save is there, whole; the file passes integrity_check."
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Journal(path) as j:
        stored = {n.id: n for n in j.all()}
        assert len(j.application("a-000000000001").log) >= events
    for nid, v in state.items():
        assert nid in stored, f"committed note {nid} is missing"
        got = int(stored[nid].notes.split()[1])
        assert got >= v, f"note {nid} went back from version {v} to {got}"
    for nid, n in stored.items():
        assert n == version_of(nid, int(n.notes.split()[1])), f"note {nid} is not a whole version"
