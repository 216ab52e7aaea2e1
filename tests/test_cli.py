"""The `followup-kit` command line, run as a person runs it: a real process, real files."""
import json, os, subprocess, sys
from datetime import timedelta
from pathlib import Path
import pytest
from icalendar import Calendar

BIN = Path(sys.executable).parent / 'followup-kit'
BAD = json.loads((Path(__file__).parent / 'data' / 'bad_plan_args.json').read_text())
BASE = ['plan', '--at', '2026-11-19 14:00', '--tz', 'Europe/Paris', '--country', 'FR', '--company', 'Example Analytics',
        '--role', 'Data Analyst', '--interviewer', 'Dana Jones <dana.jones@example.com>', '--interviewer', 'Sam Lee']

def run(*args, cwd=None):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, timeout=120)

def test_help_and_version():
    r = run('--help')
    assert r.returncode == 0 and 'plan' in r.stdout and 'demo' in r.stdout
    assert run('--version').stdout.startswith('followup-kit ')

def test_plan_json_contract():
    r = run(*BASE, '--response-days', '10', '--format', 'json')
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) >= {'interview', 'steps'}
    keys = {'kind', 'title', 'earliest', 'due', 'channel', 'recipient', 'why', 'source'}
    for s in d['steps']: assert keys <= set(s), s
    dues = [s['due'] for s in d['steps']]
    from datetime import datetime
    assert [datetime.fromisoformat(x) for x in dues] == sorted(datetime.fromisoformat(x) for x in dues)
    assert all(x[-6] in '+-' for x in dues), 'every time carries its UTC offset'
    assert [s['kind'] for s in d['steps']].count('thank_you_email') == 2

def test_plan_table_is_readable():
    r = run(*BASE)
    assert r.returncode == 0 and 'Follow-up plan: Data Analyst at Example Analytics' in r.stdout
    assert 'thank_you_email' in r.stdout and '(four-parts)' in r.stdout

def test_plan_ics_file(tmp_path):
    out = tmp_path / 'plan.ics'
    r = run(*BASE, '--format', 'ics', '--out', str(out))
    assert r.returncode == 0 and r.stdout == ''
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk('VEVENT'))
    assert len(events) == 9 and all(e.get('DTSTAMP') and e.get('UID') for e in events)
    assert all(list(e.walk('VALARM')) for e in events)
    assert [tz['TZID'] for tz in cal.walk('VTIMEZONE')] == ['Europe/Paris']
    again = tmp_path / 'again.ics'
    run(*BASE, '--format', 'ics', '--out', str(again))
    uids = lambda p: [str(e['UID']) for e in Calendar.from_ical(p.read_bytes()).walk('VEVENT')]
    assert uids(out) == uids(again), 'UIDs are stable across runs'

def test_events_change_the_plan():
    r = run(*BASE, '--event', 'rejected@2026-11-27T10:00', '--format', 'json')
    steps = json.loads(r.stdout)['steps']
    assert [s['kind'] for s in steps if s['status'] == 'pending'] == ['write_notes', 'reply_to_rejection']

@pytest.mark.parametrize('case', BAD, ids=[' '.join(c['args'][4:6]) or ' '.join(c['args'][:2]) for c in BAD])
def test_bad_input_is_one_line_exit_2(case, tmp_path):
    r = run('plan', *case['args'], cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count('\n') == 1, r.stderr
    assert case['flag'] in r.stderr, r.stderr
    assert 'Traceback' not in r.stderr and r.stdout == ''

def test_out_file_is_not_clobbered_by_bad_input(tmp_path):
    out = tmp_path / 'plan.json'
    assert run(*BASE, '--format', 'json', '--out', str(out)).returncode == 0
    before = out.read_bytes()
    r = run(*BASE, '--format', 'json', '--out', str(out), '--response-days', 'ten')
    assert r.returncode == 2 and out.read_bytes() == before

def test_demo_writes_and_prints_paths(tmp_path):
    r = run('demo', '--out', str(tmp_path / 'demo'))
    assert r.returncode == 0, r.stderr
    for name in ('plan.txt', 'plan.json', 'plan.ics', 'plan.png'):
        assert (tmp_path / 'demo' / name).exists() and name in r.stdout

def test_plan_path_imports_nothing_heavy():
    code = ("import sys; from followup_kit.cli import main; "
            "main(['plan','--at','2026-11-19 14:00','--tz','Europe/Paris','--country','FR','--format','json']); ")
    probe = code.replace("main([", "sys.stdout = open('/dev/null','w'); main([") + \
        "sys.stderr.write(' '.join(m for m in ('pandas','matplotlib','ipywidgets','icalendar','holidays','jinja2') if m in sys.modules))"
    r = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == '', f'the plan path imported: {r.stderr}'

# --- check and draft ---------------------------------------------------------------------------------------
GOOD_THANKS = """Subject: Thank you for today's interview

Dear Dana,

Thank you for taking the time to meet with me today about the Data Analyst role. I enjoyed hearing about the
dashboard redesign for the sales team, and it made me even more excited about joining Example Analytics.

I look forward to hearing about the next steps.

Best regards,
Alex Doe
"""

def run_in(stdin, *args):
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, timeout=120)

def test_check_json_contract_from_stdin():
    r = run_in("To whom it may concern,\n\nI want an update now!!!\n", 'check', '-', '--kind', 'status_email', '--json')
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert list(d) == ['score', 'findings', 'unchecked'] and 0 <= d['score'] <= 100
    assert 'timing-early' in d['unchecked']  # no journal: the timing rules could not run, and the review says so
    assert all(list(f) == ['rule', 'severity', 'message', 'start', 'end'] for f in d['findings'])
    assert 'greeting-generic' in {f['rule'] for f in d['findings']}

def test_check_good_draft_from_file_is_clean(tmp_path):
    f = tmp_path / 'thanks.txt'; f.write_text(GOOD_THANKS)
    r = run('check', str(f), '--kind', 'thank_you_email', '--json')
    assert r.returncode == 0 and json.loads(r.stdout)['findings'] == [], r.stdout

@pytest.mark.parametrize('args,flag', [
    (['check', 'missing.txt', '--kind', 'thank_you_email'], 'FILE'),
    (['check', '.', '--kind', 'thank_you_email'], 'FILE'),
    (['check', '-', '--kind', 'love_letter'], '--kind'),
    (['check', '-', '--kind', 'status_email', '--journal', 'nowhere.db', '--interview', 'n-1'], '--journal'),
    (['check', '-', '--kind', 'status_email', '--journal', 'nowhere.db'], '--interview'),
    (['draft', 'thank_you_email', '--journal', 'nowhere.db', '--interview', 'n-1'], '--journal'),
    (['draft', 'sonnet', '--journal', 'nowhere.db', '--interview', 'n-1'], 'KIND'),
    (['export', '--journal', 'nowhere.db', '--out', 'b.json'], '--journal'),
    (['export', '--journal', 'nowhere.db', '--out', 'no-such-folder/b.json'], '--out'),
    (['today', '--journal', 'nowhere.db'], '--journal'),
    (['today', '--journal', 'empty.db'], '--journal'),
    (['today', '--journal', 'nowhere.db', '--at', '2026-02-30 09:00'], '--at'),
    (['today', '--journal', 'nowhere.db', '--format', 'ics'], '--format'),
])
def test_check_and_draft_bad_input(args, flag, tmp_path):
    (tmp_path / 'empty.db').touch()
    r = subprocess.run([str(BIN), *args], input='', capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and flag in r.stderr, r.stderr
    assert not (tmp_path / 'nowhere.db').exists(), 'a mistyped journal path must not create a journal'
    assert (tmp_path / 'empty.db').stat().st_size == 0, 'an empty file must not become a journal'

def test_check_binary_file_is_refused(tmp_path):
    f = tmp_path / 'photo.jpg'; f.write_bytes(b'\xff\xd8\xff\xe0' + bytes(range(256)))
    r = run('check', str(f), '--kind', 'thank_you_email')
    assert r.returncode == 2 and 'FILE' in r.stderr and 'Traceback' not in r.stderr

def test_draft_from_sample_journal_checks_clean(tmp_path):
    from followup_kit.journal import sample_journal
    db = tmp_path / 'j.db'
    with sample_journal(db) as j:
        nid, at = [(n.id, n.at) for n in j.all() if n.company == 'Example Analytics'][0]
    soon = (at + timedelta(hours=3)).isoformat()  # --sent-at defaults to now, long after this sample interview
    r = run('draft', 'thank_you_email', '--journal', str(db), '--interview', nid, '--sender', 'Alex Doe <alex.doe@example.com>', '--json')
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [d['to'] for d in out] == ['dana.jones@example.com', 'sam.lee@example.com'] or len(out) == 2
    for d in out:
        assert d['mailto'].startswith('mailto:')
        c = run_in(f"Subject: {d['subject']}\n\n{d['body']}", 'check', '-', '--kind', 'thank_you_email', '--json',
                   '--journal', str(db), '--interview', nid, '--sent-at', soon)
        assert json.loads(c.stdout)['findings'] == [], c.stdout
    bad = run('draft', 'thank_you_email', '--journal', str(db), '--interview', 'n-nope')
    assert bad.returncode == 2 and bad.stderr.count('\n') == 1

def test_today_from_the_journal_changes_nothing(tmp_path):
    from followup_kit.journal import Journal, sample_journal
    home = tmp_path / 'home'; home.mkdir()
    sample_journal(home / 'journal.db').close()
    def held():  # everything the journal holds, apart from the moment it was read
        with Journal(home / 'journal.db') as j: return {k: v for k, v in j.bundle().items() if k != 'exported_at'}
    before = held()
    env = {**os.environ, 'FOLLOWUP_KIT_HOME': str(home)}  # the default journal, as a person's own
    r = subprocess.run([str(BIN), 'today', '--at', '2026-11-23T09:00:00+01:00', '--format', 'json'],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data['now'] == '2026-11-23T09:00:00+01:00' and data['problems'] == []
    first = data['items'][0]
    assert first['overdue'] and first['kind'] == 'thank_you_email' and first['company'] == 'Example Analytics'
    assert {'application', 'role', 'id', 'title', 'earliest', 'due', 'channel', 'recipient', 'why', 'source'} <= set(first)
    assert [i['overdue'] for i in data['items']] == sorted((i['overdue'] for i in data['items']), reverse=True)
    table = run('today', '--journal', str(home / 'journal.db'), '--at', '2026-11-23 09:00')
    assert table.returncode == 0 and table.stdout.startswith('Due on Mon 23 Nov 2026 09:00:') and 'OVERDUE' in table.stdout
    assert held() == before

# --- workshop report ---------------------------------------------------------------------------------------
@pytest.fixture(scope='module')
def cohort_folder(tmp_path_factory):
    from followup_kit.workshop import sample_cohort
    folder = tmp_path_factory.mktemp('cohort')
    sample_cohort(6, seed=3, folder=folder)
    (folder / 'broken.json').write_text('{"format": "followup_kit journal bundle", "notes": [')
    return folder

def test_workshop_report_skips_a_bad_bundle_and_writes_the_rest(cohort_folder, tmp_path):
    out = tmp_path / 'report.html'
    r = run('workshop', 'report', str(cohort_folder), '--out', str(out), '--csv', str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert 'skipped broken.json' in r.stderr and 'loaded 7 bundles' in r.stderr
    html = out.read_text()
    assert html.lstrip().lower().startswith('<!doctype html') and 'Participant 01' in html
    assert str(out) in r.stdout and list(tmp_path.glob('*.csv'))

@pytest.mark.parametrize('args,flag', [
    (['workshop', 'report', 'no-such-folder'], 'FOLDER'),
    (['workshop', 'report', '.'], 'FOLDER'),
    (['dashboard', 'no-such-folder'], 'FOLDER'),
])
def test_workshop_bad_folders(args, flag, tmp_path):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and flag in r.stderr, r.stderr

def test_workshop_report_bad_out(cohort_folder, tmp_path):
    r = run('workshop', 'report', str(cohort_folder), '--out', str(tmp_path / 'missing' / 'r.html'))
    assert r.returncode == 2 and '--out' in r.stderr.splitlines()[-1]

@pytest.mark.parametrize('port', ['abc', '80', '70000', '8866.5'])
def test_dashboard_bad_port_is_one_line(cohort_folder, port):
    r = run('dashboard', str(cohort_folder), '--port', port)
    assert r.returncode == 2 and r.stderr == f"followup-kit: --port: got '{port}'; wants a port number from 1024 to 65535\n", r.stderr

def test_dashboard_accepts_an_empty_folder(tmp_path):
    "A workshop starts with an empty hand-in folder: the dashboard gets past the folder check (here, to a bad port)."
    (tmp_path / 'room').mkdir()
    r = run('dashboard', str(tmp_path / 'room'), '--port', '80')
    assert r.returncode == 2 and r.stderr.startswith('followup-kit: --port:'), r.stderr
