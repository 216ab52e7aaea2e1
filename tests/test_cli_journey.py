"""One person's weeks in a terminal, as a real process on a journal of their own: the same journal the guide pages use.
The commands agree with the API (`Journal.today`, `messages.drafts`), refuse bad input in one line, and delete for good."""
import builtins, io, json, os, sqlite3, subprocess, sys
from datetime import datetime
from pathlib import Path

import pytest

from followup_kit.cli import agenda_to_dict, main, notes_template, read_notes_file
from followup_kit.journal import Journal
from followup_kit.messages import drafts
from followup_kit.notes import Application, Contact, InterviewNotes, Profile
from followup_kit.timeline import InputError

BIN = Path(sys.executable).parent/'followup-kit'
BAD = json.loads((Path(__file__).parent/'data'/'bad_journey_args.json').read_text())


def cli(home, *args, stdin='', cwd=None):
    "Run `followup-kit` as a person does, with FOLLOWUP_KIT_HOME pointing at `home`."
    env = {**os.environ, 'FOLLOWUP_KIT_HOME': str(home)}
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, env=env, cwd=cwd or home, timeout=120)


def ok(r):
    assert r.returncode == 0 and 'Traceback' not in r.stderr, (r.stdout, r.stderr)
    return r.stdout


def fill(template, **values):
    "The template with `key = \"\"` (the first of each) filled in, as a person would in an editor."
    for key, value in values.items():
        line = f'{key} = ""'
        assert line in template, key
        template = template.replace(line, f'{key} = {json.dumps(value)}', 1)
    return template


HARBOR = dict(company='Harbor & Finch', role='Analytics Engineer', at='2025-03-13 14:30', response_by='2025-03-21',
              name='Grace Abernathy', title='Head of Data', email='grace.abernathy@example.com')
BLUEFIN = dict(company='Bluefin Studio', role='Data Analyst', at='2025-03-17 11:00', name='Marta Quill',
               email='marta.quill@example.com')


def bytes_on_disk(path):
    return b''.join(Path(f'{path}{s}').read_bytes() for s in ('', '-wal') if Path(f'{path}{s}').exists())


def test_the_journey_round_trip(tmp_path):
    home = tmp_path/'home'
    db = home/'journal.db'
    assert 'No applications yet' in ok(cli(tmp_path, 'list', cwd=tmp_path)) and not db.exists()  # reading never creates
    home.mkdir()
    ok(cli(home, 'profile', '--name', 'Priya Raman', '--email', 'priya.raman@example.com', '--tz', 'Europe/London', '--country', 'gb'))
    assert json.loads(ok(cli(home, 'profile', '--json'))) == Profile('Priya Raman', 'priya.raman@example.com', None, 'Europe/London', 'GB').to_dict()

    # notes from the template file; the same notes again are refused, nothing saved twice
    ok(cli(home, 'notes', 'template', '--out', 'harbor.toml'))
    template = (home/'harbor.toml').read_text()
    assert 'tz = "Europe/London"' in template and 'country = "GB"' in template
    (home/'harbor.toml').write_text(fill(template, **HARBOR))
    out = ok(cli(home, 'notes', 'add', 'harbor.toml'))
    assert out.startswith('saved notes n-') and 'Email a thank-you to Grace Abernathy' in out
    again = cli(home, 'notes', 'add', 'harbor.toml')
    assert again.returncode == 2 and again.stderr.count('\n') == 1 and '--update' in again.stderr and '--keep-both' in again.stderr
    with Journal(db) as j: assert (len(j.all()), len(j.applications())) == (1, 1)
    (home/'bluefin.toml').write_text(fill(template, **BLUEFIN))
    ok(cli(home, 'notes', 'add', 'bluefin.toml'))

    # what happened: sent (the plan says which step), replied, invited, a second round, an offer; elsewhere a rejection
    out = ok(cli(home, 'log', 'Harbor & Finch', 'sent', '--at', '2025-03-13 18:10'))
    assert 'step thank_you_email:grace-abernathy' in out and 'done       Email a thank-you to Grace Abernathy' in out
    out = ok(cli(home, 'log', 'harbor & finch', 'replied', '--at', '2025-03-20 10:00', '--new-date', '2025-03-28', '--note', 'Grace: a week more'))
    assert 'moved' in out
    ok(cli(home, 'log', 'Harbor', 'invited', '--at', '2025-03-24 09:00', '--new-date', '2025-03-31'))
    ok(cli(home, 'log', 'Bluefin', 'sent', '--at', '2025-03-17 17:00'))
    ok(cli(home, 'log', 'Bluefin', 'rejected', '--at', '2025-03-19 16:00'))
    round2 = fill(template, **{**HARBOR, 'at': '2025-03-31 10:00', 'response_by': '2025-04-04'})
    (home/'harbor-2.toml').write_text(round2)
    assert 'round 2 of 2' in ok(cli(home, 'notes', 'add', 'harbor-2.toml', '--application', 'Harbor & Finch'))
    ok(cli(home, 'log', 'Harbor', 'sent', '--at', '2025-03-31 17:00'))
    ok(cli(home, 'log', 'Harbor', 'offer', '--at', '2025-04-03 12:00'))
    with Journal(db) as j:
        bluefin, harbor = sorted(j.applications(), key=lambda a: a.company)
        assert [e.kind for e in harbor.log] == ['interview', 'message_sent', 'replied', 'invited', 'interview', 'message_sent', 'offer']
        assert (harbor.status, bluefin.status, len(harbor.rounds)) == ('offer', 'rejected', 2)

    # today and draft agree with the API on the same journal; the draft is signed with the profile
    now = '2025-04-03T18:00:00+01:00'
    shown = json.loads(ok(cli(home, 'today', '--at', now, '--json')))
    with Journal(db) as j: assert shown == json.loads(json.dumps(agenda_to_dict(j.today(datetime.fromisoformat(now)))))
    assert {i['company'] for i in shown['items']} == {'Harbor & Finch', 'Bluefin Studio'}
    drafted = json.loads(ok(cli(home, 'draft', 'thank_you_email', '--interview', 'Harbor & Finch', '--json')))
    with Journal(db) as j:
        latest = j.latest_round(harbor)
        expected = drafts('thank_you_email', latest, plan=harbor.plan(latest), sender=j.profile().sender)
    assert [(d['to'], d['subject'], d['body']) for d in drafted] == [(d.to, d.subject, d.body) for d in expected]
    assert drafted[0]['body'].rstrip().endswith('Priya Raman') and 'Chris Doe' not in drafted[0]['body']

    # archive hides from today and list, list --all keeps it; delete wipes it from the file
    ok(cli(home, 'archive', 'Bluefin'))
    assert [r['company'] for r in json.loads(ok(cli(home, 'list', '--json')))] == ['Harbor & Finch']
    rows = json.loads(ok(cli(home, 'list', '--all', '--json')))
    assert [(r['company'], r['archived'], r['status']) for r in rows] == [('Harbor & Finch', False, 'offer'), ('Bluefin Studio', True, 'rejected')]
    assert 'Bluefin' not in ok(cli(home, 'list')) and 'archived' in ok(cli(home, 'list', '--all'))
    assert all(i['company'] != 'Bluefin Studio' for i in json.loads(ok(cli(home, 'today', '--at', '2025-03-18T09:00:00+00:00', '--json')))['items'])
    assert b'Marta Quill' in bytes_on_disk(db)
    refused = cli(home, 'delete', 'Bluefin')  # standard input is a pipe: no questions, --yes needed
    assert refused.returncode == 2 and '--yes' in refused.stderr
    out = ok(cli(home, 'delete', 'Bluefin', '--yes'))
    assert out.startswith('deleted Bluefin Studio') and '3 log entries' in out
    for word in (b'Bluefin', b'Marta Quill', b'marta.quill'): assert word not in bytes_on_disk(db), word
    assert [r['company'] for r in json.loads(ok(cli(home, 'list', '--all', '--json')))] == ['Harbor & Finch']
    assert [n['company'] for n in json.loads(ok(cli(home, 'notes', 'list', '--json')))] == ['Harbor & Finch', 'Harbor & Finch']


def test_update_and_keep_both(tmp_path):
    ok(cli(tmp_path, 'profile', '--tz', 'Europe/London'))
    (tmp_path/'n.toml').write_text(fill(notes_template(Profile(tz='Europe/London')), **HARBOR))
    ok(cli(tmp_path, 'notes', 'add', 'n.toml'))
    (tmp_path/'n.toml').write_text(fill(notes_template(Profile(tz='Europe/London')), **{**HARBOR, 'title': 'Director of Data'}))
    assert ok(cli(tmp_path, 'notes', 'add', 'n.toml', '--update')).startswith('updated notes')
    with Journal(tmp_path/'journal.db') as j:
        assert [n.interviewers[0].title for n in j.all()] == ['Director of Data'] and len(j.applications()) == 1
    ok(cli(tmp_path, 'notes', 'add', 'n.toml', '--keep-both'))
    with Journal(tmp_path/'journal.db') as j: assert (len(j.all()), len(j.applications())) == (2, 2)
    ambiguous = cli(tmp_path, 'log', 'Harbor & Finch', 'sent')
    assert ambiguous.returncode == 2 and ambiguous.stderr.count('a-') == 2 and ambiguous.stderr.count('\n') == 1


def test_a_word_of_the_company_names_it_and_list_says_what_is_archived(tmp_path):
    ok(cli(tmp_path, 'profile', '--tz', 'Europe/London'))
    (tmp_path/'n.toml').write_text(fill(notes_template(Profile(tz='Europe/London')), **HARBOR))
    ok(cli(tmp_path, 'notes', 'add', 'n.toml'))
    assert 'Email a thank-you to Grace Abernathy' in ok(cli(tmp_path, 'log', 'finch', 'sent', '--at', '2025-03-13 18:00'))
    ok(cli(tmp_path, 'archive', 'finch'))
    assert ok(cli(tmp_path, 'list')).startswith('No open applications; 1 archived')


def test_delete_asks_twice_in_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('FOLLOWUP_KIT_HOME', str(tmp_path))
    with Journal() as j:
        n = InterviewNotes('Bluefin Studio', 'Data Analyst', datetime(2025, 3, 17, 11), tz='Europe/London',
                           interviewers=[Contact('Marta Quill', email='marta.quill@example.com')])
        j.save(n, application=Application(n.company, n.role))
    tty = io.StringIO(); tty.isatty = lambda: True
    monkeypatch.setattr(sys, 'stdin', tty)
    for answers, code in ((['n'], 1), (['y', 'Bluefin'], 1), (['yes', ' bluefin  studio '], 0)):
        asked = []
        monkeypatch.setattr(builtins, 'input', lambda prompt: asked.append(prompt) or answers[len(asked) - 1])
        assert main(['delete', 'Bluefin']) == code
        assert len(asked) == len(answers) and 'for good? [y/N]' in asked[0]
    assert 'deleted Bluefin Studio' in capsys.readouterr().out
    with Journal() as j: assert j.applications() == []


def test_template_reads_back_as_the_example_says():
    "Each field's example, written where the template says, reads back; blank blocks are left out."
    text = fill(notes_template(Profile(tz='Europe/Paris', country='FR')), **HARBOR).replace('topics = []', 'topics = ["dbt"]')
    notes = read_notes_file(text, 'n.toml')
    assert (notes.company, notes.tz, notes.country, notes.round, notes.topics) == ('Harbor & Finch', 'Europe/Paris', 'FR', 1, ['dbt'])
    assert [c.name for c in notes.interviewers] == ['Grace Abernathy'] and notes.interviewers[0].company == 'Harbor & Finch'
    assert notes.questions == [] and notes.contact is None and notes.response_by.isoformat() == '2025-03-21'
    with pytest.raises(InputError, match=r"^n.toml line \d+: tz: got"):
        read_notes_file(fill(notes_template(), company='X', at='2025-03-13 14:30'), 'n.toml')


@pytest.fixture(scope='module')
def journey_home(tmp_path_factory):
    "A person's journal: a profile, Harbor & Finch (notes, a thank-you due) and Harbor Lights (so 'harbor' is ambiguous)."
    home = tmp_path_factory.mktemp('home')
    with Journal(home/'journal.db') as j:
        j.save_profile(Profile('Priya Raman', 'priya.raman@example.com', tz='Europe/London', country='GB'))
        for company, at in (('Harbor & Finch', datetime(2025, 3, 13, 14, 30)), ('Harbor Lights', datetime(2025, 3, 14, 10))):
            n = InterviewNotes(company, 'Analytics Engineer', at, tz='Europe/London', response_by='2025-03-21',
                               interviewers=[Contact('Grace Abernathy', email='grace.abernathy@example.com')])
            j.save(n, application=Application(company, n.role))
    return home


def held(home):
    "Everything the journal holds, apart from the moment it was read."
    with Journal(home/'journal.db') as j: return {k: v for k, v in j.bundle().items() if k != 'exported_at'}


@pytest.mark.parametrize('case', BAD, ids=[' '.join(c['args'])[:60] for c in BAD])
def test_bad_input_is_one_line_and_changes_nothing(case, journey_home, tmp_path):
    before = held(journey_home)
    (tmp_path/'empty.db').touch()
    if 'file' in case: (tmp_path/'notes.toml').write_text(case['file'])
    args = [a.replace('@LONG@', 'P' * 201).replace('@HOME@', str(journey_home)) for a in case['args']]
    r = cli(journey_home, *args, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count('\n') == 1 and r.stderr.startswith('followup-kit'), r.stderr
    assert case['flag'] in r.stderr, r.stderr
    assert 'Traceback' not in r.stderr and r.stdout == ''
    assert held(journey_home) == before
    assert not (tmp_path/'nowhere.db').exists() and (tmp_path/'empty.db').stat().st_size == 0
    if case.get('file') == 'my own notes': assert (tmp_path/'notes.toml').read_text() == 'my own notes'


def test_journey_commands_keep_the_plan_start_fast():
    "Building the parser for `plan` adds none of the new commands and imports nothing heavy."
    probe = ("import sys; from followup_kit.cli import build_parser; p = build_parser('plan'); "
             "sys.stdout.write(' '.join(sorted(p._subparsers._group_actions[0].choices)) + '|' + "
             "' '.join(m for m in ('tomllib', 'tomli', 'followup_kit.journal', 'sqlite3', 'pandas') if m in sys.modules))")
    r = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == 'plan|', (r.stdout, r.stderr)
