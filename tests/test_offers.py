"""Offers are answered like invitations: the same day (the next if late), by the channel they came by, with a draft."""
import json, subprocess, sys
from pathlib import Path

from followup_kit.cli import parse_event
from followup_kit.journal import sample_journal
from followup_kit.messages import check_message, draft
from followup_kit.timeline import Interview, plan_followups

BIN = Path(sys.executable).parent / "followup-kit"


def test_offer_event_keeps_its_channel():
    ev = parse_event("offer@2026-11-27T10:00/phone")
    assert (ev.kind, ev.channel) == ("offer", "phone")
    iv = Interview("2026-11-20 14:00", tz="Europe/Paris", country="FR")
    step = plan_followups(iv, events=[ev]).step("reply_to_offer")
    assert step.channel == "phone" and step.due.date() == ev.at.date()  # a Friday morning offer: answered that day


def test_friday_evening_offer_is_answered_on_saturday_not_monday():
    iv = Interview("2026-11-20 14:00", tz="Europe/Paris", country="FR")
    step = plan_followups(iv, events=[parse_event("offer@2026-11-27T18:30")]).step("reply_to_offer")
    assert f"{step.due:%a %H:%M}" == "Sat 12:00" and step.channel == "email"


def test_draft_reply_to_offer(tmp_path):
    db = tmp_path / "j.db"
    with sample_journal(db) as j: notes = j.all()[0]
    d = draft("reply_to_offer", notes, sender="Alex Doe")
    assert d.subject.startswith("Re: Your offer") and check_message(d.text, "reply_to_offer", notes).findings == []
    r = subprocess.run([str(BIN), "draft", "reply_to_offer", "--journal", str(db), "--interview", notes.id, "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["subject"].startswith("Re: Your offer")
