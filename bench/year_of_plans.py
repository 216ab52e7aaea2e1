"""A year of interviews in five countries through the plan (not timed): the lower bounds of issue 12, measured.

Run: `.venv/bin/python bench/year_of_plans.py` (about a minute).
"""
from datetime import datetime, timedelta, timezone
from followup_kit.timeline import Interview, plan_followups, ATTEMPT_KINDS
places = [('FR', 'Europe/Paris'), ('US', 'America/Los_Angeles'), ('JP', 'Asia/Tokyo'), ('BR', 'America/Sao_Paulo'), ('AU', 'Australia/Sydney')]
ty, spacing, gap, n = [], [], [], 0
for country, tz in places:
    for day in range(0, 365, 1):
        for hour in (9, 13, 16, 22):
            start = datetime(2027, 1, 1, hour, 30) + timedelta(days=day)
            for window in (None, 1, 10):
                try: iv = Interview(start, tz=tz, country=country, interviewers=['Dana Jones'], response_days=window)
                except Exception: continue
                for pol in ('standard', 'email_only'):
                    p = plan_followups(iv, pol); n += 1
                    t = p.step('thank_you_email:dana-jones')
                    ty.append((t.due.astimezone(timezone.utc) - iv.end.astimezone(timezone.utc)).total_seconds() / 3600)
                    chain = [s for s in p.steps if s.kind in ATTEMPT_KINDS]
                    spacing += [(b.earliest.date() - a.due.date()).days for a, b in zip(chain, chain[1:])]
                    gap.append((p.step('status_email').earliest.date() - p.step('formal_note:dana-jones').due.date()).days)
print(f"{n} plans: thank-you window {min(ty):.1f}-{max(ty):.1f} h; days between an attempt's deadline and the next's opening >= {min(spacing)}; "
      f"days from the formal note's due day to the status email's opening >= {min(gap)}")
