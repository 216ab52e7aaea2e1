"""Every file written for a person: whole or not at all, devices and pipes written through (never replaced), and a
path that can't be written is one line naming the field. Real files, real devices, real processes."""
import json, os, stat, subprocess, sys, threading
from pathlib import Path

import pytest

from followup_kit.files import write_file
from followup_kit.timeline import InputError

BIN = Path(sys.executable).parent / 'followup-kit'
PLAN = ['plan', '--at', '2026-11-20 14:00', '--tz', 'Europe/Paris', '--format', 'json']

def run(*args, **kw):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120, **kw)

def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    p = write_file(tmp_path / 'bundle.json', 'the old bundle')
    def full_disk(fd): raise OSError(28, 'No space left on device')
    monkeypatch.setattr(os, 'fsync', full_disk)
    with pytest.raises(InputError, match=r"^path: got .*No space left on device\)$"): write_file(p, 'a new bundle')
    assert p.read_text() == 'the old bundle' and [x.name for x in tmp_path.iterdir()] == ['bundle.json']

def test_a_link_to_a_file_writes_the_file_and_keeps_the_link(tmp_path):
    real, link = tmp_path / 'real.ics', tmp_path / 'link.ics'
    real.write_text('old'); link.symlink_to(real)
    write_file(link, 'new')
    assert link.is_symlink() and real.read_text() == 'new'

@pytest.mark.skipif(not Path('/dev/full').exists(), reason='no /dev/full here')
def test_a_full_device_is_an_error_and_stays_a_device():
    r = run(*PLAN, '--out', '/dev/full')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and 'No space left on device' in r.stderr, r.stderr
    assert stat.S_ISCHR(os.stat('/dev/full').st_mode), '/dev/full was replaced by a file'

def test_out_dev_stdout_prints():
    r = run(*PLAN, '--out', '/dev/stdout')
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)['interview']['tz'] == 'Europe/Paris'
    assert Path('/dev/stdout').is_symlink() or not Path('/dev/stdout').is_file()

def test_a_named_pipe_is_fed_not_replaced(tmp_path):
    fifo = tmp_path / 'plan.pipe'; os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    r = run(*PLAN, '--out', str(fifo))
    reader.join(30)
    assert r.returncode == 0 and json.loads(got[0])['steps'] and stat.S_ISFIFO(os.stat(fifo).st_mode)

@pytest.mark.parametrize('args, flag', [
    (['export', '--out', '/proc/bundle.json'], '--out'),
    (['export', '--format', 'csv', '--out', '/dev/full'], '--out'),
    (['workshop', 'report', 'COHORT', '--out', '/proc/report.html'], '--out'),
    (['workshop', 'report', 'COHORT', '--out', 'OUT/r.html', '--xlsx', '/dev/full'], '--xlsx'),
    (['workshop', 'report', 'COHORT', '--out', 'OUT/r.html', '--csv', '/proc'], '--csv'),
    (['draft', 'thank_you_email', '--interview', 'NID', '--templates', 'TEMPLATES'], '--templates'),
])
def test_paths_that_cannot_be_written_are_one_line(args, flag, tmp_path):
    from followup_kit.journal import sample_journal
    from followup_kit.workshop import sample_cohort
    db = tmp_path / 'j.db'
    with sample_journal(db) as j: nid = j.all()[0].id
    cohort = tmp_path / 'cohort'; cohort.mkdir(); sample_cohort(3, seed=1, folder=cohort)
    templates = tmp_path / 'templates'; templates.mkdir()
    (templates / 'thank_you_email.j2').write_text('Dear {{ recipient.first_name ,')
    args = [{'COHORT': str(cohort), 'NID': nid, 'TEMPLATES': str(templates)}.get(a, a).replace('OUT', str(tmp_path)) for a in args]
    if args[0] in ('export', 'draft'): args += ['--journal', str(db)]
    r = run(*args)
    last = r.stderr.strip().splitlines()[-1]
    assert r.returncode == 2 and last.startswith(f'followup-kit: {flag}: got ') and 'Traceback' not in r.stderr, r.stderr
