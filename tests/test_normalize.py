"""storage.normalize: the stored form, the matching form, duplicate keys and fingerprints."""

from __future__ import annotations

import re
import unicodedata

import pytest

from storage.normalize import (
    bigram_tokens,
    body_key,
    clean_text,
    content_hash,
    fingerprint,
    squash,
)

# Invented articles: NEAR differs from ARTICLE in one sentence, OTHER is unrelated.
ARTICLE = (
    "오송 첨단의료복합단지의 새 연구동이 다음 달 문을 연다. 재단은 이곳에 시험 장비 40여 종을 "
    "들여 입주 기업의 인허가 준비를 돕기로 했다. 재단 관계자는 장비 예약을 온라인으로 받을 "
    "계획이라고 설명했다. 충북도는 연구동 운영비 일부를 내년 예산에 반영했다. 입주를 원하는 "
    "기업은 이달 말까지 신청서를 내면 된다. 재단은 심사를 거쳐 열 곳 안팎을 고를 예정이다."
)
NEAR = ARTICLE.replace(
    "충북도는 연구동 운영비 일부를 내년 예산에 반영했다.",
    "청주시도 연구동 주변 도로 정비 비용을 보태기로 했다.",
)
OTHER = (
    "대구 신서혁신도시의 한 병원이 인공지능 영상 판독 시스템을 도입했다. 병원 측은 판독 대기 "
    "시간이 절반으로 줄었다고 밝혔다. 의료진은 초기 오류를 줄이기 위해 석 달 동안 시험 운영을 "
    "거쳤다. 환자 단체는 개인정보 보호 대책을 요구했다. 병원은 외부 감사를 받겠다고 답했다. "
    "시스템 공급사는 다른 지역 병원과도 협의 중이다."
)


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex fingerprints."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")


# -- clean_text ------------------------------------------------------------------------------


def test_clean_text_composes_decomposed_hangul() -> None:
    stored = "의료기기 클러스터"
    decomposed = unicodedata.normalize("NFD", stored)
    assert decomposed != stored and len(decomposed) > len(stored), "input really is jamo"
    assert clean_text(decomposed) == stored


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("의료ㆍ바이오", "의료·바이오"),
        (unicodedata.normalize("NFD", "의료ㆍ바이오"), "의료·바이오"),
        ("의료・바이오", "의료·바이오"),
        ("의료•바이오", "의료·바이오"),
        ("의료‧바이오", "의료·바이오"),
        ("의료·바이오", "의료·바이오"),
    ],
    ids=["hangul_araea_dot", "araea_dot_in_nfd_text", "katakana_dot", "bullet",
         "hyphenation_point", "middle_dot_unchanged"],
)
def test_clean_text_unifies_middle_dots(text: str, expected: str) -> None:
    result = clean_text(text)
    assert result == expected
    assert "\u119e" not in result, "the middle dot must not become the jamo ᆞ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＭＦＤＳ 허가", "MFDS 허가"),
        ("Ｋ－ＭＥＤＩ", "K-MEDI"),
        ("１２３개", "123개"),
        ("（주）메디", "(주)메디"),
        ("\u200b의료기기\ufeff", "의료기기"),
        ("「의료기기」 〈오송〉", "「의료기기」 〈오송〉"),
    ],
    ids=["fullwidth_latin", "fullwidth_hyphen", "fullwidth_digits", "fullwidth_parens",
         "zero_width", "korean_brackets_untouched"],
)
def test_clean_text_fullwidth_and_invisible(text: str, expected: str) -> None:
    assert clean_text(text) == expected


# -- squash ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    ["의료기기 클러스터", "의료기기클러스터", "의료기기·클러스터", "의료기기ㆍ클러스터",
     "의료기기  클러스터", "의료기기-클러스터", "의료기기/클러스터", "의료기기_클러스터",
     "의료기기\n클러스터", unicodedata.normalize("NFD", "의료기기 클러스터"),
     "의료기기(醫療機器) 클러스터", "의료기기 (醫療機器) 클러스터"],
    ids=["spaced", "unspaced", "middle_dot", "araea_dot", "double_space", "hyphen", "slash",
         "underscore", "newline", "decomposed", "hanja_gloss", "spaced_hanja_gloss"],
)
def test_squash_spacing_variants_meet(variant: str) -> None:
    assert squash(variant) == "의료기기클러스터"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("의료기기(醫療機器)", "의료기기"),
        ("케이메디허브(K-MEDI hub)", "케이메디허브"),
        ("식품의약품안전처(MFDS)", "식품의약품안전처"),
        ("K-MEDI hub", "kmedihub"),
        ("MFDS", "mfds"),
        ("ＭＦＤＳ", "mfds"),
        ("Ｋ－ＭＥＤＩ", "kmedi"),
        ("의료기기(3종)", "의료기기(3종)"),
        ("첨단의료복합단지(첨복단지)", "첨단의료복합단지(첨복단지)"),
        ("의료기기, 클러스터", "의료기기,클러스터"),
        ("", ""),
    ],
    ids=["hanja_gloss", "english_gloss", "acronym_gloss", "latin_case_and_joiners",
         "latin_upper", "fullwidth_latin", "fullwidth_with_hyphen", "number_gloss_kept",
         "hangul_gloss_kept", "comma_kept", "empty"],
)
def test_squash(text: str, expected: str) -> None:
    assert squash(text) == expected


# -- bigram_tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("squashed", "expected"),
    [
        ("의료기기", "의료 료기 기기 기"),
        ("뇌", "뇌"),
        ("뇌,의료", "뇌 의료 료"),
        ("mfds", "mf fd ds s"),
        ("", ""),
    ],
    ids=["word", "one_syllable", "two_runs", "latin", "empty"],
)
def test_bigram_tokens(squashed: str, expected: str) -> None:
    assert bigram_tokens(squashed) == expected


@pytest.mark.parametrize(
    "term", ["의료", "오송", "클러", "터"], ids=["head", "mid", "tail", "last"]
)
def test_bigram_tokens_hold_every_short_term(term: str) -> None:
    tokens = bigram_tokens(squash("오송 의료기기 클러스터")).split()
    assert any(token.startswith(term) for token in tokens), tokens


# -- body_key and content_hash ---------------------------------------------------------------


def test_body_key_keeps_only_word_characters() -> None:
    assert body_key("의료기기 클러스터, 오송! (2026)") == "의료기기클러스터오송2026"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE.replace(" ", "  "),
        ARTICLE.replace(". ", ".\n"),
        ARTICLE.replace("다.", "다 ."),
        ARTICLE.replace(",", "").replace(".", "!"),
        unicodedata.normalize("NFD", ARTICLE),
        "  " + ARTICLE + "\n\n",
    ],
    ids=["double_spaces", "line_breaks", "space_before_period", "other_punctuation",
         "decomposed", "surrounding_whitespace"],
)
def test_content_hash_ignores_spacing_and_punctuation(variant: str) -> None:
    assert content_hash(variant) == content_hash(ARTICLE)


@pytest.mark.parametrize(
    "other",
    [NEAR, OTHER, ARTICLE.replace("40여", "50여"), ARTICLE[:-10]],
    ids=["one_sentence_changed", "unrelated", "one_number_changed", "truncated"],
)
def test_content_hash_differs_for_different_bodies(other: str) -> None:
    assert content_hash(other) != content_hash(ARTICLE)


def test_content_hash_is_sha256_hex() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(ARTICLE))


# -- fingerprint -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [ARTICLE, OTHER, "가", ""], ids=["article", "other", "one", "empty"]
)
def test_fingerprint_is_16_hex_digits(text: str) -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint(text))


def test_fingerprint_is_stable_and_spacing_insensitive() -> None:
    assert fingerprint(ARTICLE) == fingerprint(ARTICLE)
    assert fingerprint(ARTICLE.replace(" ", "  ")) == fingerprint(ARTICLE)


def test_fingerprint_near_duplicate_is_close() -> None:
    distance = hamming(fingerprint(ARTICLE), fingerprint(NEAR))
    assert distance <= 10, f"one changed sentence moved {distance} of 64 bits"


@pytest.mark.parametrize(
    ("a", "b"), [(ARTICLE, OTHER), (NEAR, OTHER)], ids=["article_other", "near_other"]
)
def test_fingerprint_unrelated_is_far(a: str, b: str) -> None:
    distance = hamming(fingerprint(a), fingerprint(b))
    assert distance >= 20, f"unrelated bodies differ in only {distance} of 64 bits"
