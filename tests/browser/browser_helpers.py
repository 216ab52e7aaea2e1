"""Small helpers shared by the browser tests (fixtures live in conftest.py)."""
from __future__ import annotations
import sqlite3, time

def poll(check, timeout: float = 30.0, what: str = "condition"):
    "Call `check()` until it returns something truthy; fail after `timeout` seconds."
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (sqlite3.Error, KeyError, IndexError, ValueError) as e:
            last = e
        time.sleep(0.25)
    raise AssertionError(f"{what} never held; last: {last!r}")
