"""The rule query language and Korean-aware matching (alerts.rules, alerts.match)."""

from __future__ import annotations

import pytest

from alerts.errors import RuleSyntaxError
from alerts.match import match_rule, prepare
from alerts.rules import All, Any_, Not, Term, parse_rule, positive_terms

CLUSTERS = '(의료기기 OR 바이오헬스) AND (클러스터 OR 첨단의료복합단지 OR 혁신파크) -채용'


@pytest.mark.parametrize(
    ("query", "title", "body", "expected"),
    [
        ("의료기기 클러스터", "", "대구 의료기기클러스터에 입주", True),
        ('"의료기기 클러스터"', "", "대구 의료기기클러스터에 입주", True),
        ("의료기기클러스터", "", "대구 의료기기 클러스터에 입주", True),
        ("바이오 클러스터", "", "의료기기·바이오 클러스터 조성", True),
        ("케이메디허브", "", "케이메디허브가 장비를 지원한다", True),
        ("첨단의료복합단지", "", "첨단의료복합단지(尖端醫療複合團地)는 오송에 있다", True),
        ("식품의약품안전처", "", "식품의약품안전처(MFDS)는 밝혔다", True),
        ("k-medi", "", "K-MEDI hub 개소", True),
        ("원주", "", "원주 의료기기 테크노밸리가 문을 열었다", True),
        ("원주", "", "원주시와 협약", True),
        ("원주", "", "원주의료기기산업진흥원 발표", True),
        ("원주", "", "아마존 원주민 문화 축제가 열렸다", False),
        ("원주", "", "강원 주민 설명회", False),
        ("오송", "", "오송첨단의료산업진흥재단 이사장", True),
        ("오송", "", "청주 오송읍에서", True),
        ("AI", "", "AI 기반 판독 보조", True),
        ("AI", "", "MAIN 행사장", False),
        (CLUSTERS, "바이오헬스 혁신파크 착공", "", True),
        (CLUSTERS, "", "의료기기 클러스터 채용 공고", False),
        (CLUSTERS, "", "의료기기 수출 증가", False),
        ("의료기기 NOT 채용", "", "의료기기 업체 채용", False),
        ("의료기기 AND NOT 채용", "", "의료기기 업체 수출", True),
        ("오송 OR 원주", "", "송도 바이오 클러스터", False),
    ],
    ids=["spacing", "phrase-vs-unspaced", "unspaced-vs-spaced", "middle-dot",
         "particle", "hanja-gloss", "english-gloss", "latin-case", "wonju", "wonju-si",
         "wonju-compound", "wonjumin-trap", "across-words-trap", "osong-compound",
         "osong-eup", "short-latin", "short-latin-inside-word", "cluster-rule-title",
         "cluster-rule-minus", "cluster-rule-needs-both", "not", "and-not", "or-none"],
)
def test_rule_matching_table(query: str, title: str, body: str, expected: bool) -> None:
    matched = match_rule(parse_rule(query), prepare(title=title, body=body))
    assert (matched is not None) == expected, f"{query!r} on {title or body!r}: {matched}"


def test_fields_restrict_where_terms_may_match() -> None:
    doc = prepare(title="수출 동향", body="의료기기 업체")
    assert match_rule(parse_rule("의료기기"), doc, fields=("title",)) is None
    assert match_rule(parse_rule("의료기기"), doc, fields=("body",)) == ["의료기기"]


def test_matched_terms_are_reported_as_written() -> None:
    doc = prepare(title="", body="대구 의료기기클러스터와 케이메디허브")
    assert match_rule(parse_rule('"의료기기 클러스터" OR 케이메디허브'), doc) == [
        "의료기기 클러스터", "케이메디허브"]


def test_parse_tree_shape() -> None:
    tree = parse_rule("a OR b c -d")
    assert isinstance(tree, Any_)
    assert isinstance(tree.operands[1], All)
    assert isinstance(tree.operands[1].operands[2], Not)
    assert [t.text for t in positive_terms(tree)] == ["a", "b", "c"]
    assert tree.operands[0] == Term("a", "a")


@pytest.mark.parametrize(
    ("query", "position"),
    [("", 1), ("(의료기기 OR", 9), ('"unclosed', 1), ("a OR", 5), ("a )", 3), ("()", 2)],
    ids=["empty", "missing-paren", "unclosed-quote", "dangling-or", "stray-paren", "empty-parens"],
)
def test_syntax_errors_name_the_position(query: str, position: int) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(query)
    assert caught.value.position == position, str(caught.value)
    assert f"position {position}" in str(caught.value)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("의료기기", {"의료기기"}), ("의료기기 클러스터", {"의료기기"}),
     ("의료기기 OR 케이메디허브", {"의료기기", "케이메디허브"}), ("오송", {"오송"}),
     ("오송 OR 의료기기", {"오송", "의료기기"}), ("의료기기 -채용", {"의료기기"}),
     ("-채용", None), ("(오송 원주) 의료기기", {"오송"})],
    ids=["one-term", "and-picks-one", "or-unions", "short-term", "or-with-short",
         "and-not", "not-only", "short-and-long"],
)
def test_anchor_terms(query: str, expected: set[str] | None) -> None:
    from alerts.match import anchors

    found = anchors(parse_rule(query))
    if expected is None:
        assert found is None
    else:
        assert found is not None and len(found) == len(expected), found


def test_ruleset_agrees_with_rule_by_rule_matching() -> None:
    from alerts.match import CompiledRule, RuleSet

    queries = ["의료기기 클러스터", "원주", CLUSTERS, "-채용", "오송 OR 케이메디허브",
               '"바이오 클러스터"', "AI"]
    rules = [CompiledRule(f"r{i}", parse_rule(q), ("title", "body"))
             for i, q in enumerate(queries)]
    ruleset = RuleSet(rules)
    texts = ["대구 의료기기클러스터에 입주", "아마존 원주민 축제", "원주 의료기기 클러스터 채용",
             "케이메디허브가 장비 지원", "의료기기·바이오 클러스터 조성", "AI 판독", ""]
    for text in texts:
        doc = prepare(title="", body=text)
        expected = {r.rule_id: t for r in rules
                    if (t := match_rule(r.tree, doc, r.fields)) is not None}
        assert ruleset.match(doc) == expected, text
