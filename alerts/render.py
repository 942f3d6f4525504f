"""Alert messages for each channel kind. Pure: no network, no database.

Every function takes ``Alert`` values and returns what a channel sends: a JSON payload for
Slack (Block Kit), the generic webhook (versioned, optionally signed), Teams (Adaptive Card)
and Discord (embed), or an ``EmailMessage`` (text + HTML, UTF-8, injection-safe subject). A
digest is the same thing for several alerts at once.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formataddr
from typing import Any

from alerts.match import term_spans

WEBHOOK_VERSION = 1
SIGNATURE_HEADER = "X-Medradar-Signature"


@dataclass(frozen=True)
class Alert:
    """One article matched by one rule, with what a message shows."""

    rule_id: str
    rule_name: str
    article_id: int
    title: str
    url: str
    source_id: str
    source_name: str
    published_at: str | None
    author: str | None
    snippet: str
    terms: tuple[str, ...]
    story_id: int | None = None
    outlets: tuple[str, ...] = ()  # every outlet of the story so far (names), first reporter first

    @property
    def outlet_count(self) -> int:
        """How many outlets have reported the story so far (at least this alert's own)."""
        return max(len(self.outlets), 1)

    @property
    def others(self) -> tuple[str, ...]:
        """The story's other outlets: everyone but this alert's own."""
        return tuple(name for name in self.outlets if name != self.source_name)


ALSO_SHOWN = 2  # outlets named in "also reported by"; the rest are counted


def also_reported(alert: Alert) -> str:
    """``also reported by 의학신문, 메디파나뉴스 (+3)``, or "" when no other outlet has it."""
    others = alert.others
    if not others:
        return ""
    more = f" (+{len(others) - ALSO_SHOWN})" if len(others) > ALSO_SHOWN else ""
    return f"also reported by {', '.join(others[:ALSO_SHOWN])}{more}"


def story_label(alert: Alert) -> str:
    """``스토리 #12 · 매체 3곳``: the story id and its outlets so far ("" without a story)."""
    if alert.story_id is None:
        return ""
    return f"스토리 #{alert.story_id} · 매체 {alert.outlet_count}곳"


def collapse_stories(alerts: Sequence[Alert],
                     per_story: Sequence[bool] | None = None) -> list[Alert]:
    """A digest lists a story once: alerts of one story merge (rules and terms joined).

    ``per_story`` says, alert by alert, whether it may merge (False: a rule that wants every
    copy); by default every alert with a story may.
    """
    merged: dict[object, Alert] = {}
    for index, alert in enumerate(alerts):
        mergeable = alert.story_id is not None and (per_story is None or per_story[index])
        key: object = alert.story_id if mergeable else ("article", index)
        first = merged.get(key)
        if first is None:
            merged[key] = alert
            continue
        names = [n for n in (first.rule_name or first.rule_id).split(", ") if n]
        name = alert.rule_name or alert.rule_id
        merged[key] = replace(
            first, rule_name=", ".join([*names, name] if name not in names else names),
            terms=tuple(dict.fromkeys([*first.terms, *alert.terms])))
    return list(merged.values())


def one_line(text: str) -> str:
    """Collapse newlines and runs of spaces (titles with line breaks, header values)."""
    return re.sub(r"\s+", " ", text).strip()


def kst_label(published_at: str | None) -> str:
    """``2026-11-20 09:30 KST`` from an ISO time in Korea time."""
    return f"{published_at[:16].replace('T', ' ')} KST" if published_at else "날짜 없음"


def _mark(text: str, terms: Sequence[str], open_: str, close: str,
          escape: Any = lambda s: s) -> str:
    """Escape text and wrap every matched term in open_/close."""
    out, last = [], 0
    for start, end in term_spans(text, list(terms)):
        if start < last:
            continue
        out += [escape(text[last:start]), open_, escape(text[start:end]), close]
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


# -- Slack ---------------------------------------------------------------------------------

def slack_escape(text: str) -> str:
    """Escape Slack mrkdwn control characters (&, <, >) and neutralise bold markers."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("*", "∗")


def _slack_url(url: str) -> str:
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def render_slack(alerts: Sequence[Alert], digest_title: str | None = None) -> dict[str, Any]:
    """Return a Slack incoming-webhook payload (Block Kit) for one alert or a digest."""
    blocks: list[dict[str, Any]] = []
    if digest_title:
        blocks.append({"type": "header",
                       "text": {"type": "plain_text", "text": one_line(digest_title)[:150]}})
    for alert in alerts:
        title = slack_escape(one_line(alert.title))
        snippet = _mark(one_line(alert.snippet), alert.terms, "*", "*", slack_escape)
        also = also_reported(alert)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            f"*<{_slack_url(alert.url)}|{title}>*\n"
            f"{slack_escape(alert.source_name)} · {kst_label(alert.published_at)}\n{snippet}"
            + (f"\n_{slack_escape(also)}_" if also else "")
        )[:3000]}})
        story = story_label(alert)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"규칙 {slack_escape(alert.rule_name or alert.rule_id)} · "
            f"{slack_escape(', '.join(alert.terms))}" + (f" · {story}" if story else ""))}]})
    fallback = digest_title or (alerts[0].title if alerts else "medradar")
    return {"text": one_line(fallback)[:300], "blocks": blocks[:50]}


# -- generic webhook -------------------------------------------------------------------------

def render_webhook(alerts: Sequence[Alert], sent_at: str,
                   digest: bool = False) -> dict[str, Any]:
    """Return the documented, versioned JSON payload (docs/alerts.md, "Webhook payload")."""
    return {
        "version": WEBHOOK_VERSION,
        "event": "digest" if digest else "match",
        "sent_at": sent_at,
        "alerts": [
            {"rule": {"id": a.rule_id, "name": a.rule_name}, "matched_terms": list(a.terms),
             "article": {k: v for k, v in asdict(a).items()
                         if k not in ("rule_id", "rule_name", "terms", "story_id", "outlets")},
             "story": {"id": a.story_id, "outlets": a.outlet_count,
                       "also_reported_by": list(a.others)}}
            for a in alerts
        ],
    }


def encode_json(payload: dict[str, Any]) -> bytes:
    """Serialise a payload the way it is sent (UTF-8, no ASCII escaping)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """Return the signature header value: ``sha256=<hex HMAC-SHA256 of the body>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


# -- Teams and Discord -------------------------------------------------------------------------

def render_teams(alerts: Sequence[Alert], digest_title: str | None = None) -> dict[str, Any]:
    """Return a Teams Workflows webhook payload carrying an Adaptive Card."""
    body: list[dict[str, Any]] = []
    if digest_title:
        body.append({"type": "TextBlock", "text": one_line(digest_title), "size": "Large",
                     "weight": "Bolder", "wrap": True})
    for alert in alerts:
        body += [
            {"type": "TextBlock",
             "text": f"[{_md_escape(one_line(alert.title))}]({_md_url(alert.url)})",
             "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "isSubtle": True, "wrap": True, "spacing": "None",
             "text": " · ".join(filter(None, [
                 alert.source_name, kst_label(alert.published_at),
                 f"규칙 {alert.rule_name or alert.rule_id}", story_label(alert)]))},
            {"type": "TextBlock", "wrap": True,
             "text": _mark(one_line(alert.snippet), alert.terms, "**", "**", _md_escape)},
        ]
        if alert.others:
            body.append({"type": "TextBlock", "isSubtle": True, "wrap": True,
                         "text": _md_escape(also_reported(alert))})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


def _md_url(url: str) -> str:
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), (" ", "%20")):
        url = url.replace(char, code)
    return url


def _md_escape(text: str) -> str:
    return re.sub(r"([\\*_~`|>\[\]()#])", r"\\\1", text)


def render_discord(alerts: Sequence[Alert], digest_title: str | None = None) -> dict[str, Any]:
    """Return a Discord webhook payload (embeds; mentions disabled)."""
    embeds = [{
        "title": one_line(alert.title)[:256],
        "url": alert.url,
        "description": (_mark(one_line(alert.snippet), alert.terms, "**", "**", _md_escape)
                        + (f"\n*{_md_escape(also_reported(alert))}*" if alert.others
                           else ""))[:4000],
        "footer": {"text": " · ".join(filter(None, [
            alert.source_name, f"규칙 {alert.rule_name or alert.rule_id}",
            story_label(alert)]))[:2048]},
        **({"timestamp": alert.published_at} if alert.published_at else {}),
    } for alert in alerts[:10]]
    content = _md_escape(one_line(digest_title))[:2000] if digest_title else None
    return {"content": content, "embeds": embeds, "allowed_mentions": {"parse": []}}


# -- e-mail ------------------------------------------------------------------------------------

class MailPolicy(EmailPolicy):
    """``email.policy.default``, but non-ASCII headers set by us are encoded by ``Header``.

    The default folder (seen with CPython 3.11) can fold a long non-ASCII header at a space so that
    the space becomes the white space *between* two encoded words, which RFC 2047 §6.2 tells
    decoders to drop (``8개국 혁신`` arrives as ``8개국혁신``). ``email.header.Header`` encodes
    the whole value and splits it at character boundaries, so every space stays inside an
    encoded word and a decoded header equals what was set. Only the Subject is encoded so:
    address headers need their addresses outside encoded words. Other headers, parsed headers
    (raw source values), ASCII values and SMTPUTF8 messages (``utf8=True``: no encoding at all)
    take the stock path.
    """

    def _encoded(self, name: str, value: Any) -> str | None:
        """The folded ``Name: value`` line(s) when we encode this header, else None."""
        text = str(value)
        if (name.lower() != "subject" or self.utf8 or not hasattr(value, "name")
                or text.isascii()):
            return None
        header = Header(text, "utf-8", maxlinelen=self.max_line_length or 78,
                        header_name=name)
        return f"{name}: {header.encode(linesep=self.linesep)}{self.linesep}"

    def fold(self, name: str, value: Any) -> str:
        """Fold one header for a text generator."""
        encoded = self._encoded(name, value)
        return encoded if encoded is not None else super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        """Fold one header for a bytes generator (what smtplib uses)."""
        encoded = self._encoded(name, value)
        return encoded.encode("ascii") if encoded is not None \
            else super().fold_binary(name, value)


#: The policy of every message we build; smtplib clones it with CRLF line ends.
MAIL_POLICY = MailPolicy()


def safe_subject(text: str, limit: int = 250) -> str:
    """A subject line that cannot inject headers: control characters removed, one line.

    The limit leaves a whole Korean headline (rarely past 150 characters) and the rule name
    intact; folding keeps each encoded line within 78 characters.
    """
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    return one_line(text)[:limit]


def render_email(alerts: Sequence[Alert], sender: str, recipients: Sequence[str],
                 digest_title: str | None = None) -> EmailMessage:
    """Return a multipart (text + HTML) UTF-8 message; a digest groups alerts by rule."""
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(alert.rule_name or alert.rule_id, []).append(alert)
    if digest_title:
        subject = f"[medradar] {digest_title} ({len(alerts)}건)"
    else:
        first = alerts[0]
        subject = f"[medradar] {first.rule_name or first.rule_id}: {first.title}"
    text_lines: list[str] = []
    html_parts = ['<html><body style="font-family:sans-serif">']
    for rule, items in groups.items():
        text_lines += [f"■ {rule} ({len(items)}건)", ""]
        html_parts.append(f"<h3>{html.escape(rule)} ({len(items)}건)</h3><ul>")
        for a in items:
            where = " · ".join(filter(None, [a.source_name, kst_label(a.published_at),
                                             story_label(a)]))
            also = also_reported(a)
            text_lines += [one_line(a.title), f"  {where}", *([f"  {also}"] if also else []),
                           f"  {a.url}", f"  {one_line(a.snippet)}", ""]
            snippet = _mark(one_line(a.snippet), a.terms, "<b>", "</b>", html.escape)
            html_parts.append(
                f'<li><a href="{html.escape(a.url, quote=True)}">'
                f"{html.escape(one_line(a.title))}</a><br><small>{html.escape(where)}"
                + (f"<br>{html.escape(also)}" if also else "") + "</small>"
                f"<br>{snippet}</li>")
        html_parts.append("</ul>")
    html_parts.append("</body></html>")
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = safe_subject(subject)
    message["From"] = formataddr(("medradar", sender)) if "<" not in sender else sender
    message["To"] = ", ".join(recipients)
    message.set_content("\n".join(text_lines), charset="utf-8")
    message.add_alternative("".join(html_parts), subtype="html", charset="utf-8")
    return message


@dataclass(frozen=True)
class Notice:
    """An ops message: a source changed health state."""

    notice_id: int
    source_id: str
    source_name: str
    state: str
    previous: str
    message: str
    at: str


def render_notice(kind: str, notice: Notice) -> dict[str, Any]:
    """Return the JSON payload of an ops message for a webhook channel kind."""
    if kind == "slack":
        icon = ":white_check_mark:" if notice.state not in ("failing", "blocked") else ":warning:"
        return {"text": f"{icon} {slack_escape(notice.message)}"}
    if kind == "teams":
        return {"type": "message", "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {"type": "AdaptiveCard", "version": "1.4", "body": [
                {"type": "TextBlock", "text": notice.message, "wrap": True}]}}]}
    if kind == "discord":
        return {"content": _md_escape(notice.message)[:2000],
                "allowed_mentions": {"parse": []}}
    kind_of = "archive_health" if notice.source_id == "archive" else "source_health"
    return {"version": WEBHOOK_VERSION, "type": kind_of, "source": notice.source_id,
            "source_name": notice.source_name, "state": notice.state,
            "previous": notice.previous, "message": notice.message, "at": notice.at}


def render_notice_email(notice: Notice, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """Return an ops message as a plain-text e-mail."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = safe_subject(f"[medradar] {notice.message}")
    message["From"] = formataddr(("medradar", sender)) if "<" not in sender else sender
    message["To"] = ", ".join(recipients)
    message.set_content(f"{notice.message}\n\nsource: {notice.source_id}\n"
                        f"state: {notice.previous} → {notice.state}\nat: {notice.at}\n",
                        charset="utf-8")
    return message
