"""Korean e-mail subjects arrive as written, through a real SMTP server (aiosmtpd).

Regression (issue 13): a long subject was folded into several RFC 2047 encoded words with a
space of the title left *between* two of them, where decoders drop it:
``…부상 8개국 혁신 프로젝트…`` arrived as ``…부상 8개국혁신 프로젝트…``.
"""

from __future__ import annotations

import email
from collections.abc import Iterator
from email import policy
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from alerts.channels import send_email
from alerts.render import Alert
from monitor.config import ChannelConfig, parse_config
from tests.test_alert_delivery import Sink, free_port

TITLES = [
    "케이메디허브, 글로벌 의료기기 허브로 부상 8개국 혁신 프로젝트 참여 기업 12곳 모집",
    "오송 첨단의료복합단지 입주기업 3곳 \"해외 인증 지원 확대\"… 식약처·KBIOHealth 협약 체결",
    "원주 의료기기 테크노밸리, 2026년 규제자유특구 2단계 사업 착수 · 디지털 헬스케어 실증 "
    "15개 과제 선정",
    "판교·성남 헬스케어혁신파크 '바이오헬스 스타트업 데모데이' 개최… 투자 유치 총 47억 원",
    "송도 바이오 클러스터 K-바이오 랩허브 착공 1년, \"글로벌 CDMO 3사 입주 확정\" 인천시 발표 "
    "… 의료기기 기업 유치도 속도",
    "식약처, 의료기기 허가 심사 기간 90일 → 60일 단축 추진 · AI 의료기기 우선 심사 대상 "
    "5종 지정 \"현장 의견 반영\"",
]
RULE_NAMES = ["규", "규칙", "클러스터", "의료기기 클러스터", "첨단의료복합단지 오송 대구"]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Sink, ChannelConfig]]:
    """A real SMTP server on 127.0.0.1 and an e-mail channel pointing at it."""
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    config = parse_config(
        f'[[channels]]\nid = "mail"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {port}\nsecurity = "none"\nsender = "radar@example.kr"\n'
        'recipients = ["team@example.kr"]\n')
    channel = config.channel("mail")
    assert channel is not None
    yield sink, channel
    controller.stop()


def alert(rule_name: str, title: str) -> Alert:
    """An alert for a title, as the outbox hands it to the channel."""
    return Alert("cluster", rule_name, 1, title, "https://news.example.kr/1", "s", "매체",
                 None, None, title, ("의료기기",))


def received_subjects(raw: bytes) -> tuple[str, str, list[bytes]]:
    """The subject as the modern and the strict stdlib decoders read it, and the header lines."""
    modern = str(email.message_from_bytes(raw, policy=policy.default)["Subject"])
    folded = email.message_from_bytes(raw, policy=policy.compat32)["Subject"]
    strict = str(make_header(decode_header(folded)))
    head = raw.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    return modern, strict, lines[start:end]


@pytest.mark.parametrize("title", TITLES, ids=[f"title{i}" for i in range(len(TITLES))])
def test_long_korean_subject_decodes_to_the_title(
        smtp: tuple[Sink, ChannelConfig], title: str) -> None:
    sink, channel = smtp
    assert 40 <= len(title) <= 120, len(title)
    for rule_name in RULE_NAMES:  # shifts every space of the title across the fold points
        sink.messages.clear()
        send_email(channel, [alert(rule_name, title)], None, timeout=10)
        assert len(sink.messages) == 1
        modern, strict, lines = received_subjects(sink.messages[0])
        expected = f"[medradar] {rule_name}: {title}"
        assert modern == expected
        assert strict == expected
        assert len(lines) > 1, "a long subject is folded"
        assert all(line.isascii() and len(line) <= 78 for line in lines), lines


def test_subject_keeps_every_space_at_every_fold_position(
        smtp: tuple[Sink, ChannelConfig]) -> None:
    sink, channel = smtp
    words = "가 나다 라마바 사아자차 카 타파 하 1 23 … · \"인용\" 끝"
    title = " ".join([words] * 3)
    for cut in range(40, len(title), 3):
        sink.messages.clear()
        piece = title[:cut].strip()
        send_email(channel, [alert("규칙", piece)], None, timeout=10)
        modern, strict, _ = received_subjects(sink.messages[0])
        assert modern == strict == f"[medradar] 규칙: {piece}", cut


def test_digest_subject_with_a_korean_title_decodes_exactly(
        smtp: tuple[Sink, ChannelConfig]) -> None:
    sink, channel = smtp
    sink.messages.clear()
    digest = "오늘의 의료기기 클러스터 뉴스 · 오송 대구 원주 판교 송도 8개 지역 요약 2026"
    send_email(channel, [alert("규칙", TITLES[0]), alert("규칙", TITLES[1])], digest, timeout=10)
    modern, strict, _ = received_subjects(sink.messages[0])
    assert modern == strict == f"[medradar] {digest} (2건)"


def test_korean_display_names_in_addresses_still_parse(smtp: tuple[Sink, ChannelConfig]) -> None:
    sink, channel = smtp
    sink.messages.clear()
    named = channel.model_copy(update={"sender": "의료기기 레이더 <radar@example.kr>",
                                       "recipients": ["홍길동 팀장 <team@example.kr>"]})
    send_email(named, [alert("규칙", TITLES[2])], None, timeout=10)
    message = email.message_from_bytes(sink.messages[0], policy=policy.default)
    assert message["From"].addresses[0].display_name == "의료기기 레이더"
    assert message["From"].addresses[0].addr_spec == "radar@example.kr"
    assert message["To"].addresses[0].display_name == "홍길동 팀장"
    assert str(message["Subject"]) == f"[medradar] 규칙: {TITLES[2]}"
