"""Alert messages per channel: structure, escaping, signatures, e-mail encoding."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
from dataclasses import replace
from email import policy

import pytest

from alerts.render import (
    Alert,
    Notice,
    also_reported,
    collapse_stories,
    encode_json,
    render_discord,
    render_email,
    render_notice,
    render_notice_email,
    render_slack,
    render_teams,
    render_webhook,
    safe_subject,
    sign,
)

NASTY = Alert(
    rule_id="clusters", rule_name="클러스터 <동향> & 투자", article_id=7,
    title="오송 <첨복> & 원주\n클러스터 *확대*", url="https://news.example/a?b=1&c=<2>|x",
    source_id="bosa", source_name="의학신문", published_at="2026-11-20T09:30:00+09:00",
    author="홍길동", snippet="오송 첨단의료복합단지와 원주 의료기기 클러스터가 손잡았다",
    terms=("의료기기 클러스터", "오송"),
)


def test_slack_payload_escapes_mrkdwn_and_bolds_terms() -> None:
    payload = render_slack([NASTY])
    section = payload["blocks"][0]["text"]["text"]
    assert "&lt;첨복&gt; &amp; 원주 클러스터 ∗확대∗" in section, section
    assert "\n클러스터" not in section.split("\n")[0], "a newline in the title broke the link line"
    assert "c=%3C2%3E%7Cx" in section, "URL characters that end a Slack link must be encoded"
    assert "*의료기기 클러스터*" in section and "*오송*" in section
    assert "2026-11-20 09:30 KST" in section
    assert "클러스터 &lt;동향&gt; &amp; 투자" in payload["blocks"][1]["elements"][0]["text"]
    assert "\n" not in payload["text"]


def test_webhook_payload_is_versioned_and_signed() -> None:
    payload = render_webhook([NASTY], sent_at="2026-11-23T10:00:00+09:00")
    assert payload["version"] == 1 and payload["event"] == "match"
    item = payload["alerts"][0]
    assert item["rule"] == {"id": "clusters", "name": "클러스터 <동향> & 투자"}
    assert item["matched_terms"] == ["의료기기 클러스터", "오송"]
    assert item["article"]["title"] == NASTY.title and item["article"]["url"] == NASTY.url
    body = encode_json(payload)
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign(body, "s3cret") == f"sha256={expected}"
    assert json.loads(body) == payload


def test_teams_payload_is_an_adaptive_card_with_escaped_markdown() -> None:
    card = render_teams([NASTY])["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    texts = [block["text"] for block in card["content"]["body"]]
    assert texts[0].startswith("[오송 <첨복\\> & 원주 클러스터 \\*확대\\*](")
    assert texts[0].endswith("c=%3C2%3E|x)"), "a URL must not end the markdown link early"
    assert "**오송**" in texts[2] and "**의료기기 클러스터**" in texts[2]


def test_discord_payload_disables_mentions_and_keeps_limits() -> None:
    payload = render_discord([NASTY] * 12, digest_title="@everyone 오늘의 *클러스터*")
    assert payload["allowed_mentions"] == {"parse": []}
    assert len(payload["embeds"]) == 10
    assert payload["embeds"][0]["title"] == "오송 <첨복> & 원주 클러스터 *확대*"
    assert "\\*클러스터\\*" in payload["content"]


@pytest.mark.parametrize(
    "title", ["정상 제목", "줄바꿈\r\nBcc: victim@example.com", "탭\t과\x00널"],
    ids=["plain", "crlf-injection", "control-chars"])
def test_email_subject_cannot_inject_headers(title: str) -> None:
    subject = safe_subject(f"[medradar] {title}")
    assert "\n" not in subject and "\r" not in subject and "\x00" not in subject


def test_email_is_multipart_utf8_and_digest_groups_by_rule() -> None:
    other = Alert(**{**NASTY.__dict__, "rule_id": "wonju", "rule_name": "원주",
                     "title": "원주 소식", "article_id": 8})
    message = render_email([NASTY, other, NASTY], "medradar@example.org",
                           ["team@example.org"], digest_title="오늘의 의료기기 뉴스")
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "[medradar] 오늘의 의료기기 뉴스 (3건)"
    assert "Bcc" not in parsed
    text = parsed.get_body(("plain",)).get_content()
    html_part = parsed.get_body(("html",)).get_content()
    assert text.index("■ 클러스터 <동향> & 투자 (2건)") < text.index("■ 원주 (1건)")
    assert "&lt;첨복&gt; &amp; 원주" in html_part and "<b>오송</b>" in html_part


def test_single_alert_email_subject_names_rule_and_title() -> None:
    message = render_email([NASTY], "a@example.org", ["b@example.org"])
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == (
        "[medradar] 클러스터 <동향> & 투자: 오송 <첨복> & 원주 클러스터 *확대*")


FAILING = Notice(notice_id=3, source_id="medinews", source_name="메디인뉴스 <전문지>",
                 state="failing", previous="degraded",
                 message="medradar: 메디인뉴스 <전문지> is failing: list: HTTP 500 @everyone",
                 at="2026-11-23T09:00:00+09:00")


@pytest.mark.parametrize("kind", ["slack", "webhook", "teams", "discord"])
def test_ops_notice_payload_per_channel_kind(kind: str) -> None:
    payload = render_notice(kind, FAILING)
    text = json.dumps(payload, ensure_ascii=False)
    assert "메디인뉴스" in text and "failing" in text, f"{kind}: {text}"
    if kind == "slack":
        assert "&lt;전문지&gt;" in payload["text"], "Slack control characters are escaped"
    if kind == "webhook":
        assert (payload["version"], payload["type"], payload["state"]) == (
            1, "source_health", "failing")
    if kind == "discord":
        assert payload["allowed_mentions"] == {"parse": []}, "no @everyone ping"


def test_ops_notice_email_has_a_safe_subject() -> None:
    message = render_notice_email(FAILING, "radar@example.kr", ["ops@example.kr"])
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"].startswith("[medradar] medradar: 메디인뉴스"), parsed["Subject"]
    assert "degraded → failing" in parsed.get_content()


STORY = replace(NASTY, story_id=12, outlets=("메디파나뉴스", "의학신문", "청년의사", "메디칼업저버",
                                             "바이오헬스타임즈", "뉴스엠피"))


@pytest.mark.parametrize(("outlets", "expected"), [
    ((), ""),
    (("의학신문",), ""),
    (("의학신문", "메디파나뉴스"), "also reported by 메디파나뉴스"),
    (("메디파나뉴스", "의학신문", "청년의사", "메디칼업저버", "바이오헬스타임즈", "뉴스엠피"),
     "also reported by 메디파나뉴스, 청년의사 (+3)"),
], ids=["no-story", "only-this-outlet", "one-other", "five-others"])
def test_also_reported_by(outlets: tuple[str, ...], expected: str) -> None:
    assert also_reported(replace(NASTY, story_id=3, outlets=outlets)) == expected


@pytest.mark.parametrize("kind", ["slack", "teams", "discord", "email"])
def test_every_channel_shows_the_story(kind: str) -> None:
    if kind == "email":
        message = render_email([STORY], "m@example.org", ["t@example.org"])
        shown = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    else:
        render = {"slack": render_slack, "teams": render_teams, "discord": render_discord}[kind]
        # Markdown kinds escape ( ) [ ] …: compare the text as the card shows it.
        shown = json.dumps(render([STORY]), ensure_ascii=False).replace("\\\\", "")
    assert "스토리 #12 · 매체 6곳" in shown
    assert "also reported by 메디파나뉴스, 청년의사 (+3)" in shown


def test_webhook_payload_documents_the_story() -> None:
    alert = render_webhook([STORY], "2026-11-23T10:00:00+09:00")["alerts"][0]
    assert alert["story"] == {"id": 12, "outlets": 6, "also_reported_by": [
        "메디파나뉴스", "청년의사", "메디칼업저버", "바이오헬스타임즈", "뉴스엠피"]}
    assert "story_id" not in alert["article"] and "outlets" not in alert["article"]


def test_a_digest_lists_a_story_once() -> None:
    other_rule = replace(STORY, rule_id="devices", rule_name="의료기기", terms=("의료기기",))
    opted_out = replace(STORY, rule_id="all", rule_name="전부")
    merged = collapse_stories([STORY, other_rule, opted_out, NASTY], [True, True, False, True])
    assert [(a.rule_name, a.story_id) for a in merged] == [
        ("클러스터 <동향> & 투자, 의료기기", 12), ("전부", 12), (NASTY.rule_name, None)]
    assert merged[0].terms == ("의료기기 클러스터", "오송", "의료기기")
