"""crawler.clean: Korean news boilerplate is removed, body sentences that look like it stay."""

from __future__ import annotations

import pytest

from crawler.clean import (
    byline_author,
    clean_body,
    is_share_line,
    reporter_name,
    signature_author,
    unescape,
)

# Invented body paragraphs.
P1 = "오송 첨단의료복합단지에 새 연구동이 문을 열었다."
P2 = "재단은 내년까지 입주 기업을 두 배로 늘릴 계획이라고 밝혔다."
BODY = f"{P1}\n{P2}"
KORMEDI = "저작권ⓒ '건강을 위한 정직한 지식' 코메디닷컴(https://kormedi.com) / 무단전재-재배포 금지"


# -- what is removed -------------------------------------------------------------------------

LEADING = [
    f"[메디파나뉴스 = 홍길동 기자] {P1}\n{P2}",
    f"[의학신문·일간보사=홍길동 기자] {P1}\n{P2}",
    f"[메디칼업저버 홍길동 기자] {P1}\n{P2}",
    f"(서울=연합뉴스) 홍길동 기자 = {P1}\n{P2}",
    f"(오송=뉴스1) 홍길동 기자 = {P1}\n{P2}",
    f"[서울=뉴시스] 홍길동 기자 = {P1}\n{P2}",
    f"[청주=뉴시스]홍길동 기자 = {P1}\n{P2}",
    f"[메디인뉴스 = 홍길동 기자]\n{P1}\n{P2}",
    f"광주=홍길동 기자\n{P1}\n{P2}",
    f"대구 = 홍길동 기자\n{P1}\n{P2}",
    f"[메디인뉴스=홍길동 기자] (사진=재단 제공) {P1}\n{P2}",
]
LEADING_IDS = [
    "bracket_spaced_equals", "bracket_middle_dot", "bracket_no_equals", "yonhap_wire",
    "news1_wire", "newsis_wire", "newsis_no_space", "byline_alone_on_line", "dateline_line",
    "dateline_spaced", "byline_then_inline_credit",
]

TRAILING = [
    f"{BODY}\n홍길동 기자 hong@example.com",
    f"{BODY}\n홍길동 기자(hong@example.com)",
    f"{BODY}\nhong@example.com",
    f"{BODY}\ne-mail: hong@example.com",
    f"{BODY}\n[ 홍길동 기자 / reporter@example.co.kr ]",
    f"{BODY}\n홍길동 기자",
    f"{BODY}\n/홍길동 기자",
    f"{BODY}\n제주 홍길동 기자",
    f"{BODY}\n도쿄/홍길동 특파원",
    f"{BODY}\n홍길동 인턴기자·김철수 기자",
    f"{P1}\n{P2} 홍길동 기자 hong@example.com",
    f"{BODY}\n홍길동\u200b 기자 hong@example.com",
]
TRAILING_IDS = [
    "name_email", "name_email_parens", "only_email", "email_label", "bracketed_name_email",
    "name_only", "slash_name", "region_name", "city_slash_correspondent", "two_reporters",
    "glued_to_last_paragraph", "zero_width_space",
]

COPYRIGHT = [
    f"{BODY}\n저작권자 © 메디인뉴스 무단전재 및 재배포 금지",
    f"{BODY}\n<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>",
    f"{BODY}\nCopyright © 뉴스1. All rights reserved. 무단 전재 및 재배포 금지.",
    f"{BODY}\n{KORMEDI}",
    f"{BODY}\n“{KORMEDI}“",
    f"{BODY}\n[ⓒ 매일경제 & mk.co.kr, 무단전재 및 재배포 금지]",
    f"{BODY}\n<저작권자ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>",
    f"{BODY}\nCopyright © 어린이동아 All rights reserved. 무단 전재, 재배포 및 AI학습 이용 금지",
    f"{BODY}\n© 2026 메디인뉴스. All rights reserved.",
    f"{BODY}\n무단전재 및 재배포 금지",
    f"{P1}\n{P2} 저작권자 © 메디인뉴스 무단전재 및 재배포 금지",
    f"{BODY}\n홍길동 기자 hong@example.com\n저작권자 © 메디인뉴스 무단전재 및 재배포 금지",
    f"{BODY}\n저작권자 © 메디인뉴스 무단전재 및 재배포 금지\n홍길동 기자 hong@example.com",
]
COPYRIGHT_IDS = [
    "ndsoft_article_copy", "yonhap", "news1", "kormedi", "kormedi_quoted", "bracketed_c",
    "newsis", "ai_training_clause", "copyright_year", "clause_without_mark",
    "tail_of_last_paragraph", "signature_then_copyright", "copyright_then_signature",
]

CAPTIONS_AND_CREDITS = [
    f"▲ 새 연구동 전경 (사진=재단 제공)\n{BODY}",
    f"{BODY}\n△ 개소식에 참석한 관계자들",
    f"| ▲ 연구동 전경 |\n{BODY}",
    f"[사진=재단 제공]\n{BODY}",
    f"(사진=게티이미지뱅크)\n{BODY}",
    f"{P1}\n<사진=재단 제공>\n{P2}",
    f"{P1}\n(사진제공=재단)\n{P2}",
    f"{P1}\n사진=연합뉴스\n{P2}",
    f"{P1}\n재단 제공\n{P2}",
    f"{P1}\n이미지 확대\n{P2}",
    f"{P1}\n게티이미지뱅크\n{P2}",
    f"{P1} [사진=재단 제공]\n{P2}",
    f"{P1}(사진=재단 제공)\n{P2}",
]
CAPTIONS_IDS = [
    "triangle_caption", "white_triangle_caption_at_end", "table_cell_caption", "bracket_photo_line",
    "paren_photo_line", "angle_photo_line", "photo_provided_line", "bare_photo_line",
    "provided_by_line", "image_zoom", "stock_agency", "inline_bracket_credit",
    "inline_paren_credit",
]

BLOCKS = [
    f"{BODY}\n관련기사\n오송 재단 새 이사장 선임\n홍길동 기자\n충북 바이오 기업 투자 늘어",
    f"{BODY}\n관련 기사\n오송 재단 새 이사장 선임\n충북 바이오 기업 투자 늘어",
    f"{BODY}\n많이 본 뉴스\n첫째 기사 제목\n둘째 기사 제목",
    f"{BODY}\n인기기사\n첫째 기사 제목\n둘째 기사 제목",
    f"{BODY}\n오늘의 TOP\n첫째 기사 제목",
    f"{BODY}\nSNS 기사보내기\n페이스북(으)로 기사보내기",
    f"{BODY}\n키워드Tags #의료기기 #오송",
    f"{BODY}\n이 기자의 다른 기사 보기\n다른 기사 제목",
    f"{BODY}\n기사제보 및 보도자료 press@example.com",
    f"{BODY}\n제보는 카카오톡 okjebo",
    f"페이스북 트위터 카카오톡 URL복사\n{BODY}",
    f"{BODY}\n페이스북 | 트위터 | 카카오톡 | URL복사",
    f"가 가+ 가-\n{BODY}",
    f"공유하기\n{BODY}",
    f"{P1}\nADVERTISEMENT\n{P2}",
    f"{BODY}\n광고",
    f"{BODY}\n※ 우울감 등 말하기 어려운 고민이 있으면 상담전화 1393에서 도움을 받을 수 있습니다.",
    f"{BODY}\n▶ 다른 소식 보기",
    f"{BODY}\n☞ 재단 소식 더 보기\n홍길동 기자",
    f"{BODY}\n2026/08/12 05:42 송고",
    f"{P1}\n이 기사는 재단 보도자료를 바탕으로 자동 작성됐습니다.\n{P2}",
]
BLOCKS_IDS = [
    "related_block_with_signature", "related_block_at_end", "most_read_block", "popular_block",
    "today_top", "sns_send", "keyword_tags", "reporter_other_articles", "news_tip",
    "kakao_tip", "share_buttons", "share_buttons_piped", "font_size_widget", "share_word",
    "advertisement", "ad_word", "reference_notice", "promo_arrow", "promo_finger",
    "wire_sent_stamp", "robot_article_notice",
]


@pytest.mark.parametrize("text", LEADING, ids=LEADING_IDS)
def test_clean_body_strips_leading_byline(text: str) -> None:
    assert clean_body(text) == BODY


@pytest.mark.parametrize("text", TRAILING, ids=TRAILING_IDS)
def test_clean_body_strips_trailing_signature(text: str) -> None:
    assert clean_body(text) == BODY


@pytest.mark.parametrize("text", COPYRIGHT, ids=COPYRIGHT_IDS)
def test_clean_body_strips_copyright_tail(text: str) -> None:
    assert clean_body(text) == BODY


@pytest.mark.parametrize("text", CAPTIONS_AND_CREDITS, ids=CAPTIONS_IDS)
def test_clean_body_strips_captions_and_photo_credits(text: str) -> None:
    assert clean_body(text) == BODY


@pytest.mark.parametrize("text", BLOCKS, ids=BLOCKS_IDS)
def test_clean_body_strips_blocks_and_widgets(text: str) -> None:
    assert clean_body(text) == BODY


def test_clean_body_normalises_spacing_and_blank_lines() -> None:
    text = f"  {P1.replace(' ', '  ')}  \n\n\t\n{P2.replace(' ', chr(0xA0))}\n"
    assert clean_body(text) == BODY


def test_clean_body_empty() -> None:
    assert clean_body("") == ""


# -- what stays ------------------------------------------------------------------------------

KEPT = [
    "법원은 피고가 기사를 무단 전재해 저작권을 침해했다고 판단했다.",
    "약관은 기사의 무단 전재를 금지하고 있으며 위반 시 책임을 묻는다고 규정했다.",
    "해커가 서버에 무단 접속한 사실이 드러났다.",
    "업계는 특허와 저작권 침해 소송이 늘어날 것으로 내다봤다.",
    "홍길동 기자가 현장에서 확인한 결과 장비는 이미 가동 중이었다.",
    "재단은 관련 기사에서 언급된 장비 도입 계획을 공식 확인했다.",
    "재단은 [서울=뉴시스] 보도 내용을 부인했다.",
    "페이스북과 카카오톡으로 예약 안내를 보낸다고 밝혔다.",
    "행사에는 사진 기자 열 명이 몰렸다.",
    "재단은 2.5배 늘었다고 밝혔다.",
]
KEPT_IDS = [
    "court_case_mentions_unauthorised_reprint", "terms_forbid_reprint", "unauthorised_access",
    "copyright_infringement", "reporter_name_starts_sentence", "related_article_mid_sentence",
    "wire_tag_mid_sentence", "share_words_in_sentence", "photo_reporter_in_sentence",
    "decimal_number",
]


@pytest.mark.parametrize("sentence", KEPT, ids=KEPT_IDS)
def test_clean_body_keeps_body_sentence_in_the_middle(sentence: str) -> None:
    text = f"{P1}\n{sentence}\n{P2}"
    assert clean_body(text) == text


@pytest.mark.parametrize("sentence", KEPT, ids=KEPT_IDS)
def test_clean_body_keeps_body_sentence_at_the_end(sentence: str) -> None:
    text = f"{BODY}\n{sentence}"
    assert clean_body(text) == text


@pytest.mark.parametrize("sentence", KEPT, ids=KEPT_IDS)
def test_clean_body_keeps_body_sentence_at_the_start(sentence: str) -> None:
    text = f"{sentence}\n{BODY}"
    assert clean_body(text) == text


# Text alone never removes a line in the middle of a body: interview transcripts start answers
# with ▶ and questions with ▷, ※ opens real notes, ▲ opens list items. Only the DOM can show
# such a line is a link, a box of links or a caption (prune_boilerplate, test_extract_chain.py).
MID_BODY_MARKS = [
    "▶김현욱 : 현장에서는 인증 기간이 절반으로 줄었다고 평가합니다.",
    "▷진행자 : 그렇다면 지원 대상은 어떻게 정하나요?",
    "※ 이 조사는 전국 의료기기 제조사 300곳을 대상으로 했다.",
    "☞ 재단 소식 더 보기",
    "△ 개소식에 참석한 관계자들",
    "▲첫째, 인증 비용 지원 ▲둘째, 해외 임상 연계",
    "관련기사",
    "많이 본 뉴스",
]
MID_BODY_MARK_IDS = ["interview_answer", "interview_question", "note", "promo_finger_text",
                     "white_triangle", "triangle_list", "related_word", "most_read_word"]


@pytest.mark.parametrize("line", MID_BODY_MARKS, ids=MID_BODY_MARK_IDS)
def test_clean_body_keeps_marked_lines_in_the_middle(line: str) -> None:
    text = f"{P1}\n{line}\n{P2}"
    assert clean_body(text) == text


def test_clean_body_keeps_an_interview_transcript_whole() -> None:
    text = "\n".join([P1, "▷진행자 : 지원 대상은 어떻게 정하나요?",
                      "▶김현욱 : 매출 규모와 수출 실적을 함께 봅니다.",
                      "▷진행자 : 내년 계획은요?", "▶김현욱 : 시험 장비를 두 배로 늘립니다."])
    assert clean_body(text) == text


def test_clean_body_keeps_short_last_lines_without_a_block_starter() -> None:
    text = f"{BODY}\n- 인증 비용 지원\n- 해외 임상 연계"
    assert clean_body(text) == text, "short lines end a body unless a 관련기사-like line heads them"


def test_clean_body_reports_what_it_removed() -> None:
    removed: list[tuple[str, str]] = []
    clean_body(f"[메디인뉴스=홍길동 기자] {P1}\n{P2}\n관련기사\n다른 기사 제목", removed)
    assert [rule for rule, _ in removed] == ["lead: byline", "tail: related/tip block",
                                             "tail: list item"], removed


# -- glued sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("재단은 새 장비를 들여왔다.대구시는 예산을 보탰다.",
         "재단은 새 장비를 들여왔다. 대구시는 예산을 보탰다."),
        ("재단은 장비를 들여왔습니다.대구시는 예산을 보탰습니다.",
         "재단은 장비를 들여왔습니다. 대구시는 예산을 보탰습니다."),
        ("검사는 모두 끝났음.대상자는 늘었다.", "검사는 모두 끝났음. 대상자는 늘었다."),
        ("재단이 문을 열었다.“내년에 확대한다”", "재단이 문을 열었다. “내년에 확대한다”"),
        ("재단 관계자는 “내년에 늘릴 예정이다.”라고 밝혔다.",
         "재단 관계자는 “내년에 늘릴 예정이다.”라고 밝혔다."),
        ("매출은 3.5% 늘었다.", "매출은 3.5% 늘었다."),
    ],
    ids=["da", "seumnida", "eum", "before_opening_curly_quote", "before_closing_curly_quote",
         "decimal"],
)
def test_clean_body_glued_sentences(text: str, expected: str) -> None:
    assert clean_body(text) == expected


# Regression: _GLUED treats a straight quote after '다.' as the start of the next sentence, so a
# closing quote gets a space before it: '계획이다. "라고'
@pytest.mark.parametrize(
    "text",
    ['재단 관계자는 "내년에 장비를 두 배로 늘릴 계획이다."라고 말했다.',
     "재단 관계자는 '내년에 장비를 늘릴 예정이다.'라고 밝혔다."],
    ids=["double_straight_quote", "single_straight_quote"],
)
def test_clean_body_no_space_before_closing_straight_quote(text: str) -> None:
    assert clean_body(text) == text


# -- reporter names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("홍길동 기자", "홍길동"),
        ("홍길동 기자 hong@x.kr", "홍길동"),
        ("홍길동 기자 (hong@x.kr)", "홍길동"),
        ("[메디인뉴스=홍길동 기자]", "홍길동"),
        ("[메디파나뉴스 = 홍길동 기자]", "홍길동"),
        ("메디인뉴스 홍길동 기자", "홍길동"),
        ("[ 홍길동 기자 / reporter@example.co.kr ]", "홍길동"),
        ("홍길동 특파원", "홍길동"),
        ("홍길동 인턴기자", "홍길동"),
        ("홍길동 선임기자", "홍길동"),
        ("홍길동&amp;nbsp;기자", "홍길동"),
        ("홍길동", "홍길동"),
        ("편집부", "편집부"),
        ("Hong Gildong", "Hong Gildong"),
        ("hong@x.kr", None),
        ("기자", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
    ids=["name_reporter", "with_email", "with_email_parens", "bracket_byline",
         "bracket_byline_spaced", "outlet_prefix", "bracketed_signature", "correspondent",
         "intern", "senior", "escaped_nbsp", "bare_name", "desk", "latin_name", "only_email",
         "only_title", "empty", "blank", "none"],
)
def test_reporter_name(text: str | None, expected: str | None) -> None:
    assert reporter_name(text) == expected


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        (f"[메디파나뉴스 = 홍길동 기자] {P1}", "홍길동"),
        (f"[의학신문·일간보사=홍길동 기자] {P1}", "홍길동"),
        (f"[메디칼업저버 홍길동 기자] {P1}", "홍길동"),
        (f"(서울=연합뉴스) 홍길동 기자 = {P1}", "홍길동"),
        (f"[서울=뉴시스] 홍길동 기자 = {P1}", "홍길동"),
        (f"(서울=연합뉴스) {P1}", None),
        (f"{P1} [메디파나뉴스 = 홍길동 기자]", None),
        ("홍길동 기자가 현장을 찾았다.", None),
        (P1, None),
    ],
    ids=["medipana", "bosa", "monews", "yonhap", "newsis", "wire_without_name",
         "byline_not_at_start", "name_starts_sentence", "no_byline"],
)
def test_byline_author(first_line: str, expected: str | None) -> None:
    assert byline_author(first_line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{BODY}\n홍길동 기자 hong@example.com", "홍길동"),
        (f"{BODY}\n홍길동 기자", "홍길동"),
        (f"{BODY}\n제주 홍길동 기자", "홍길동"),
        (f"{BODY}\n[ 홍길동 기자 / reporter@example.co.kr ]", "홍길동"),
        (f"{P1}\n{P2} 홍길동 기자 hong@example.com", "홍길동"),
        (f"{BODY}\n홍길동 기자 hong@example.com\n저작권자 © 메디인뉴스 무단전재 및 재배포 금지",
         "홍길동"),
        (f"{BODY}\nhong@example.com", None),
        (f"{BODY}\n홍길동 기자가 현장을 찾았다.", None),
        (f"홍길동 기자가 현장을 찾았다.\n{BODY}", None),
        (BODY, None),
        ("", None),
    ],
    ids=["name_email", "name_only", "region_name", "bracketed", "glued_to_paragraph",
         "before_copyright", "email_without_name", "sentence_at_end", "sentence_at_start",
         "no_signature", "empty"],
)
def test_signature_author(text: str, expected: str | None) -> None:
    assert signature_author(text) == expected


# -- unescape and share lines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("&amp;quot;의료기기&amp;quot;", '"의료기기"'),
        ("&quot;오송&quot;", '"오송"'),
        ("amp;#39;오송 재단", "'오송 재단"),
        ("amp;lt;b", "<b"),
        ("AT&amp;T", "AT&T"),
        ("R&D 센터", "R&D 센터"),
        ("&lt;b&gt;", "<b>"),
        ("camp;x;", "camp;x;"),
        ("의료기기", "의료기기"),
    ],
    ids=["double_encoded_quot", "single_encoded", "bare_amp_numeric", "bare_amp_named",
         "ampersand", "bare_ampersand_untouched", "tags", "word_ending_in_amp", "plain"],
)
def test_unescape(text: str, expected: str) -> None:
    assert unescape(text) == expected


# Regression: the bare 'amp;#39;' repair needs a word boundary before 'amp', and a Hangul syllable
# is a word character, so '오송amp;#39;' (a closing quote) is left broken
def test_unescape_bare_amp_after_hangul() -> None:
    assert unescape("amp;#39;오송amp;#39; 재단") == "'오송' 재단"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("페이스북 트위터 카카오톡 URL복사", True),
        ("페이스북 | 트위터 | 카카오톡 | URL복사", True),
        ("Facebook Twitter", True),
        ("기사저장 | 인쇄 | 이메일", True),
        ("본문 글씨 크게 작게", True),
        ("가 가+ 가-", True),
        ("네이버 밴드", True),
        ("공유하기", True),
        ("페이스북에 올렸다", False),
        ("카카오톡으로 공유하세요", False),
        (P1, False),
        ("", False),
    ],
    ids=["share_buttons", "piped", "english", "save_print_mail", "font_size_words",
         "font_size_glyphs", "naver_band", "share", "share_word_in_sentence",
         "kakao_in_sentence", "body_sentence", "empty"],
)
def test_is_share_line(line: str, expected: bool) -> None:
    assert is_share_line(line) is expected
