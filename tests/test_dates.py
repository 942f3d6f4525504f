"""crawler.dates: every date form seen in Korean feeds and pages becomes ISO 8601 in KST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.dates import KST, parse_date, resolve_month_day, to_kst_iso

FETCHED = datetime(2026, 8, 12, 15, 0, tzinfo=KST)

PARSED = [
    # NDSoft RSS pubDate: naive, and KST (feedparser would read it as UTC).
    ("2026-08-12 05:42:32", "2026-08-12T05:42:32+09:00"),
    # RFC 822
    ("Fri, 28 Mar 2025 08:42:00 +0900", "2025-03-28T08:42:00+09:00"),
    ("Thu, 18 Sep 2026 12:00:00 GMT", "2026-09-18T21:00:00+09:00"),
    ("Thu, 18 Sep 2026 12:00:00 +0000", "2026-09-18T21:00:00+09:00"),
    ("Thu, 18 Sep 2026 20:00:00 +0000", "2026-09-19T05:00:00+09:00"),
    # ISO 8601
    ("2026-04-22T17:52:25+09:00", "2026-04-22T17:52:25+09:00"),
    ("2026-04-22T08:52:25Z", "2026-04-22T17:52:25+09:00"),
    ("2026-04-22T08:52:25.000Z", "2026-04-22T17:52:25+09:00"),
    ("2026-04-22T08:52:25+00:00", "2026-04-22T17:52:25+09:00"),
    ("2026-04-22T17:52:25", "2026-04-22T17:52:25+09:00"),
    # labelled header lines
    ("입력 2023.10.01 10:00", "2023-10-01T10:00:00+09:00"),
    ("입력 : 2023.10.01 10:00", "2023-10-01T10:00:00+09:00"),
    ("승인 2021.12.21 21:48", "2021-12-21T21:48:00+09:00"),
    ("기사입력 2016/12/15 [16:54]", "2016-12-15T16:54:00+09:00"),
    ("작성 2025.06.17 14:58", "2025-06-17T14:58:00+09:00"),
    ("등록 2026-11-20 09:30", "2026-11-20T09:30:00+09:00"),
    ("업데이트 2026.04.22 17:52", "2026-04-22T17:52:00+09:00"),
    ("입력 2024.01.22(월) 10:00", "2024-01-22T10:00:00+09:00"),
    ("수정 2023.10.02 11:00 입력 2023.10.01 10:00", "2023-10-01T10:00:00+09:00"),
    # list pages
    ("2026.10.01 06:19", "2026-10-01T06:19:00+09:00"),
    ("2026-10-01 06:19", "2026-10-01T06:19:00+09:00"),
    ("2024-01-22", "2024-01-22T00:00:00+09:00"),
    # Korean words
    ("2023년 10월 1일 오후 3시 5분", "2023-10-01T15:05:00+09:00"),
    ("2023년 10월 1일 오전 9시", "2023-10-01T09:00:00+09:00"),
    ("2023년 10월 1일 오전 12시 30분", "2023-10-01T00:30:00+09:00"),
    ("2023년 10월 1일 오후 12시 30분", "2023-10-01T12:30:00+09:00"),
    ("2023년 10월 1일", "2023-10-01T00:00:00+09:00"),
    # relative, against FETCHED
    ("3시간 전", "2026-08-12T12:00:00+09:00"),
    ("10분 전", "2026-08-12T14:50:00+09:00"),
    ("30분전", "2026-08-12T14:30:00+09:00"),
    ("2일 전", "2026-08-10T15:00:00+09:00"),
]
PARSED_IDS = [
    "ndsoft_naive", "rfc822_kst", "rfc822_gmt", "rfc822_utc", "rfc822_utc_next_day",
    "iso_offset", "iso_z", "iso_z_millis", "iso_utc_offset", "iso_naive",
    "label_ipryeok", "label_with_colon", "label_seungin", "label_gisa_bracket", "label_jakseong",
    "label_deungrok", "label_update", "label_weekday", "label_ipryeok_after_sujeong",
    "list_dots", "list_dashes", "date_only",
    "words_pm", "words_am", "words_am_12_is_midnight", "words_pm_12_is_noon", "words_date_only",
    "hours_ago", "minutes_ago", "minutes_ago_no_space", "days_ago",
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=PARSED_IDS)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text, fetched=FETCHED) == expected


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-04-22T17:52:25-05:00", datetime(2026, 4, 22, 22, 52, 25, tzinfo=UTC)),
        ("2026-04-22T17:52:25+05:30", datetime(2026, 4, 22, 12, 22, 25, tzinfo=UTC)),
        ("Wed, 22 Apr 2026 17:52:25 -0700", datetime(2026, 4, 23, 0, 52, 25, tzinfo=UTC)),
        ("Wed, 22 Apr 2026 17:52:25 +0100", datetime(2026, 4, 22, 16, 52, 25, tzinfo=UTC)),
        ("2026-04-22T23:52:25+00:00", datetime(2026, 4, 22, 23, 52, 25, tzinfo=UTC)),
    ],
    ids=["iso_minus_5", "iso_plus_5_30", "rfc822_minus_7", "rfc822_plus_1", "utc_crosses_day"],
)
def test_parse_date_converts_other_offsets_to_kst(text: str, instant: datetime) -> None:
    # One offset everywhere, so published_at values sort correctly as text.
    result = parse_date(text, fetched=FETCHED)
    assert result is not None and result.endswith("+09:00"), result
    assert datetime.fromisoformat(result) == instant


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "garbage", "방금 전", "2026-02-30 10:00", "입력 2026.02.30 10:00",
     "2026년 13월 1일", "2024-13-45"],
    ids=["none", "empty", "blank", "garbage", "just_now_words", "feb_30", "labelled_feb_30",
         "month_13_words", "month_13"],
)
def test_parse_date_unparseable_is_none(text: str | None) -> None:
    assert parse_date(text, fetched=FETCHED) is None


# Regression: a zone named GMT/UTC after a plain timestamp, or RFC 822 '-0000', is read as KST
# (PLAIN only checks numeric offsets; parsedate_to_datetime returns naive for -0000)
@pytest.mark.parametrize(
    "text",
    ["2026-08-12 05:42:32 GMT", "2026-08-12 05:42:32 UTC", "Wed, 12 Aug 2026 05:42:32 -0000"],
    ids=["plain_gmt", "plain_utc", "rfc822_minus_zero"],
)
def test_parse_date_utc_markers(text: str) -> None:
    assert parse_date(text, fetched=FETCHED) == "2026-08-12T14:42:32+09:00"


# Regression: a labelled date with no time (바이오스펙테이터 '기사입력 : 2024-01-22', research §6)
# was None: LABELLED needed HH:MM and dateutil chokes on the Hangul label
def test_parse_date_labelled_date_only() -> None:
    assert parse_date("기사입력 : 2024-01-22", fetched=FETCHED) == "2024-01-22T00:00:00+09:00"


# Regression: Korean-word dates with a clock time lose it: KOREAN_WORDS only knows 'N시 M분', so
# '15:05' gives midnight and '오후 3:05' gives 12:00
@pytest.mark.parametrize(
    "text",
    ["2023년 10월 1일 15:05", "2023년 10월 1일 오후 3:05"],
    ids=["words_24h_clock", "words_pm_clock"],
)
def test_parse_date_korean_words_with_clock(text: str) -> None:
    assert parse_date(text, fetched=FETCHED) == "2023-10-01T15:05:00+09:00"


# Regression: a year-less date falls through to dateutil, which takes the year from the wall clock
# and ignores fetched, so the result can lie after the fetch time
def test_parse_date_yearless_never_after_fetch() -> None:
    fetched = datetime(2020, 1, 5, 12, 0, tzinfo=KST)
    result = parse_date("11-20 09:30", fetched=fetched)
    assert result is None or result <= to_kst_iso(fetched), result


# -- resolve_month_day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "day", "now", "expected"),
    [
        (8, 12, FETCHED, "2026-08-12T09:30:00+09:00"),
        (1, 5, FETCHED, "2026-01-05T09:30:00+09:00"),
        (11, 20, FETCHED, "2025-11-20T09:30:00+09:00"),
        (8, 20, FETCHED, "2025-08-20T09:30:00+09:00"),
        (12, 31, datetime(2027, 1, 1, 0, 10, tzinfo=KST), "2026-12-31T09:30:00+09:00"),
        (12, 31, datetime(2026, 12, 31, 15, 0, tzinfo=UTC), "2026-12-31T09:30:00+09:00"),
        (1, 1, datetime(2026, 12, 31, 15, 0, tzinfo=UTC), "2027-01-01T09:30:00+09:00"),
    ],
    ids=["today", "earlier_this_year", "future_rolls_back", "next_week_rolls_back",
         "new_year_kst", "now_in_utc_is_kst_new_year_eve", "now_in_utc_is_kst_new_year"],
)
def test_resolve_month_day(month: int, day: int, now: datetime, expected: str) -> None:
    assert resolve_month_day(month, day, 9, 30, now) == expected


# Regression: 02-29 seen in a non-leap year raises ValueError: datetime(now.year, 2, 29) is built
# before looking for the latest past year that has the date
def test_resolve_month_day_leap_day() -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=KST)
    assert resolve_month_day(2, 29, 9, 30, now) == "2024-02-29T09:30:00+09:00"


# -- to_kst_iso ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 1, 9, 0), "2026-01-01T09:00:00+09:00"),
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "2026-01-01T09:00:00+09:00"),
        (datetime(2025, 12, 31, 20, 0, tzinfo=UTC), "2026-01-01T05:00:00+09:00"),
        (datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5))),
         "2026-01-01T23:00:00+09:00"),
        (datetime(2026, 1, 1, 9, 0, 0, 500000, tzinfo=KST), "2026-01-01T09:00:00+09:00"),
    ],
    ids=["naive_is_kst", "utc", "utc_previous_day", "us_eastern", "microseconds_dropped"],
)
def test_to_kst_iso(moment: datetime, expected: str) -> None:
    assert to_kst_iso(moment) == expected
