"""Dates in Korea time. Pure functions.

Korean feeds and pages mostly give naive local times (NDSoft ``2026-08-12 05:42:32``,
``입력 2023.10.01 10:00``, ``기사입력 2016/12/15 [16:54]``); they are KST, not UTC. feedparser's
``published_parsed`` treats them as UTC (a 9-hour error), so feeds are re-parsed from the raw
string here. Everything is returned as ISO 8601 with ``+09:00`` so rows sort as text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

from storage.normalize import KST as KST  # re-exported: dates are in Korea time

LABELLED = re.compile(
    r"(?:입력|등록|작성|기사입력|승인|게재|발행|발행일|등록일|입력일|송고)\s*(?:일시|시간)?\s*[:：]?\s*"
    r"(\d{4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\.?\s*(?:\([월화수목금토일]\))?\s*"
    r"(?:\[?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*\]?)?"
)
KOREAN_WORDS = re.compile(
    r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s*(?:\([월화수목금토일]\)\s*)?"
    r"(?:(오전|오후)\s*)?(?:(\d{1,2})시\s*(?:(\d{1,2})분)?|(\d{1,2}):(\d{2}))?"
)
MONTH_DAY = re.compile(r"^(\d{1,2})[-./](\d{1,2})\.?\s+(\d{1,2}):(\d{2})$")
NAMED_ZONE = re.compile(r"[+-]\d{2}:?\d{2}$|Z$|\b(?:GMT|UTC)\b", re.IGNORECASE)
PLAIN = re.compile(
    r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})\.?\s*\[?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?"
)


def to_kst_iso(moment: datetime) -> str:
    """Return an aware or naive (taken as KST) datetime as ISO 8601 in Korea time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=KST)
    return moment.astimezone(KST).isoformat(timespec="seconds")


def _build(y: str, mo: str, d: str, h: str | int | None = 0, mi: str | int | None = 0,
           s: str | None = None) -> str | None:
    try:
        return to_kst_iso(datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)))
    except ValueError:
        return None


def parse_labelled(text: str) -> str | None:
    """Find a labelled Korean timestamp (입력/승인/기사입력/작성 …) in text; return KST ISO."""
    match = LABELLED.search(text)
    return _build(*match.groups()) if match else None


def parse_korean_words(text: str) -> str | None:
    """Parse ``2023년 10월 1일 오후 3시 5분`` style dates; return KST ISO."""
    match = KOREAN_WORDS.search(text)
    if not match:
        return None
    y, mo, d, half, h, mi, clock_h, clock_mi = match.groups()
    if clock_h is not None:
        h, mi = clock_h, clock_mi
    hour = int(h or 0)
    if half == "오후" and hour < 12:
        hour += 12
    elif half == "오전" and hour == 12:
        hour = 0
    return _build(y, mo, d, hour, mi or 0)


def parse_date(text: str | None, fetched: datetime | None = None) -> str | None:
    """Parse any date string seen in Korean feeds and pages; naive values are KST.

    Handles ISO 8601 (with or without offset), RFC 822, NDSoft's naive ``YYYY-MM-DD HH:MM:SS``,
    labelled Korean lines, Korean words, and relative ``N분/시간/일 전`` against fetched.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    for parse in (parse_labelled, parse_korean_words, _parse_relative_at(fetched)):
        found = parse(text)
        if found:
            return found
    if re.match(r"^[A-Za-z]{3},?\s+\d", text):
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            if moment.tzinfo is None and re.search(r"(-0000|\bGMT|\bUTC?|\bZ)\s*$", text):
                # RFC 822 "-0000" / GMT is UTC with no local offset known; Python returns it
                # naive, as it does for a date with no zone at all, which is Korea time here.
                moment = moment.replace(tzinfo=UTC)
            return to_kst_iso(moment)
    match = MONTH_DAY.match(text)
    if match:
        mo, d, h, mi = (int(g) for g in match.groups())
        try:
            return resolve_month_day(mo, d, h, mi, fetched or datetime.now(KST))
        except ValueError:
            return None
    match = PLAIN.search(text)
    if match and not NAMED_ZONE.search(text):
        return _build(*match.groups())
    try:
        return to_kst_iso(dateutil_parser.parse(text))
    except (ValueError, OverflowError):
        return None


_RELATIVE = re.compile(r"(\d+)\s*(분|시간|일)\s*전")


def _parse_relative_at(fetched: datetime | None):  # type: ignore[no-untyped-def]
    def parse(text: str) -> str | None:
        match = _RELATIVE.search(text)
        if not match:
            return None
        unit = {"분": "minutes", "시간": "hours", "일": "days"}[match.group(2)]
        base = fetched or datetime.now(KST)
        return to_kst_iso(base - timedelta(**{unit: int(match.group(1))}))

    return parse


def resolve_month_day(month: int, day: int, hour: int, minute: int, now: datetime) -> str:
    """Place a year-less list date (NDSoft altlist ``11-20 09:30``) in the latest past year."""
    now = now.astimezone(KST) if now.tzinfo else now.replace(tzinfo=KST)
    # Walk back from this year to the latest year where the date exists and is not ahead of
    # now (29 February exists one year in four).
    for year in range(now.year, now.year - 8, -1):
        try:
            moment = datetime(year, month, day, hour, minute, tzinfo=KST)
        except ValueError:
            continue
        if moment <= now + timedelta(days=1):
            return to_kst_iso(moment)
    raise ValueError(f"no recent year has {month:02d}-{day:02d}")
