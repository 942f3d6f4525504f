"""Fixture dates relative to the test's clock.

The fixture outlets were written as of ``FIXTURE_DAY``: their articles carry dates from
2026-11-10 to that day. A test whose outcome depends on how old an article is (a rule's
``max_age``, "new in 24 h", the daemon's first alerts) serves the outlet with its dates moved
by whole days, so that the newest fixture day is a day the test chooses (``today()`` or a week
ago), whatever the calendar says. Tests that only compare extracted fields with gold keep the
dates as written: extraction does not read the clock.

Only dates inside the fixture window are moved; other years in the pages (a founding year, a
law of 2019, the copyright line's year) stay as they are.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9))
FIXTURE_DAY = date(2026, 11, 22)
WINDOW = (date(2026, 11, 1), date(2026, 11, 30))
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

# YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD (ISO and naive stamps included) and YYYY년 M월 D일.
_NUMERIC = re.compile(r"(?<!\d)(20\d\d)([-./])(\d\d)\2(\d\d)(?!\d)")
_KOREAN = re.compile(r"(?<!\d)(20\d\d)(년\s?)(\d{1,2})(월\s?)(\d{1,2})(?!\d)")
_RFC822 = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ?(\d{1,2}) ([A-Z][a-z]{2}) (20\d\d)\b")


def today() -> date:
    """Today in Korea by the test's clock."""
    return datetime.now(KST).date()


def _moved(day: date, days: int) -> date | None:
    """day + days when day lies in the fixture window, else None (left as written)."""
    return day + timedelta(days=days) if WINDOW[0] <= day <= WINDOW[1] else None


def shift_text(text: str, days: int) -> str:
    """Move every fixture-window date in text by whole days (weekdays follow)."""
    if not days:
        return text

    def numeric(m: re.Match[str]) -> str:
        try:
            new = _moved(date(int(m[1]), int(m[3]), int(m[4])), days)
        except ValueError:
            return m[0]
        sep = m[2]
        return f"{new.year}{sep}{new.month:02d}{sep}{new.day:02d}" if new else m[0]

    def korean(m: re.Match[str]) -> str:
        try:
            new = _moved(date(int(m[1]), int(m[3]), int(m[5])), days)
        except ValueError:
            return m[0]
        return f"{new.year}{m[2]}{new.month}{m[4]}{new.day}" if new else m[0]

    def rfc822(m: re.Match[str]) -> str:
        if m[2] not in _MONTHS:
            return m[0]
        try:
            new = _moved(date(int(m[3]), _MONTHS.index(m[2]) + 1, int(m[1])), days)
        except ValueError:
            return m[0]
        if not new:
            return m[0]
        comma = m[0][3:m[0].index(m[1])]
        return f"{_DAYS[new.weekday()]}{comma}{new.day:02d} {_MONTHS[new.month - 1]} {new.year}"

    return _RFC822.sub(rfc822, _KOREAN.sub(korean, _NUMERIC.sub(numeric, text)))


def shift_bytes(data: bytes, days: int, charset: str = "utf-8") -> bytes:
    """shift_text on a file's bytes in its own charset (EUC-KR files are read as CP949)."""
    if not days:
        return data
    codec = "cp949" if charset.lower().replace("_", "-") in ("euc-kr", "cp949") else charset
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return data  # a deliberately broken fixture stays byte for byte as written
    return shift_text(text, days).encode(codec)


def days_until(newest: date) -> int:
    """Whole days that move FIXTURE_DAY to newest."""
    return (newest - FIXTURE_DAY).days
