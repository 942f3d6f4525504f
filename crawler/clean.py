"""Korean news boilerplate: the structural selectors and the line rules. Pure functions.

Two passes, as korean-sources.md section 5 recommends: ``PRUNE_XPATHS`` drop DOM nodes before
trafilatura sees the page; ``clean_body`` then removes what survives as text: bylines, reporter
e-mails, captions, photo credits, copyright tails, related/popular lists, share-button text,
제보 blocks and ads. Rules are anchored (line start, line end, whole line), so body sentences
that merely mention such words stay.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

# Nodes that are never article text, in the skins of NDSoft, WordPress and older Korean CMSs.
PRUNE_XPATHS = [
    "//figure",
    "//figcaption",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' photo-layout ')]",
    "//table[contains(@class, 'photo')]",
    "//*[contains(@class, 'caption')]",
    "//*[contains(@class, 'IMGFLOATING')]",
    "//*[contains(@class, 'ad-template')]",
    "//*[starts-with(@id, 'AD') and string-length(@id) > 2 and translate(substring(@id, 3), "
    "'0123456789', '') = '']",
    "//*[contains(@class, 'info-options')]",
    "//*[contains(@class, 'view-copyright')]",
    "//*[contains(@class, 'view-editors')]",
    "//*[contains(@class, 'article-copy')]",
    "//*[contains(@class, 'article-relation')]",
    "//article[contains(@class, 'writer')]",
    "//*[@id='comment' or @id='comments' or contains(@class, 'comments-area')]",
    "//*[contains(@class, 'sharedaddy') or contains(@class, 'jp-relatedposts')]",
    "//*[contains(@class, 'share')]",
    "//*[contains(@class, 'related')]",
]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_NAME = r"[가-힣]{2,4}"
_REPORTER = r"(?:기자|특파원|통신원|인턴기자|객원기자|선임기자|전문기자|수습기자)"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"

LEADING_BYLINES = [
    # [의학신문·일간보사=홍길동 기자], [메디파나뉴스 = 홍길동 기자], [메디칼업저버 홍길동 기자]
    re.compile(rf"^\s*\[[^\]]{{1,40}}{_REPORTER}[^\]]{{0,30}}\]\s*(?:=\s*)?"),
    # [서울=뉴시스] 홍길동 기자 =
    re.compile(rf"^\s*\[[^\]]{{1,20}}=[^\]]{{1,20}}\]\s*{_NAME}\s*{_REPORTER}?\s*=\s*"),
    # (서울=연합뉴스) 홍길동 기자 =
    re.compile(rf"^\s*\([가-힣·\s]{{1,10}}=[가-힣0-9]{{2,8}}\)\s*{_NAME}\s*{_REPORTER}?\s*=\s*"),
    # (서울=연합뉴스) with no name
    re.compile(r"^\s*\([가-힣·\s]{1,10}=[가-힣0-9]{2,8}\)\s*"),
]
DATELINE = re.compile(rf"^[가-힣]{{1,6}}\s*=\s*{_NAME}\s*{_REPORTER}$")
TRAILING_SIGNATURE = re.compile(
    rf"^[\[(/\s]*(?:[가-힣]{{1,10}}\s*[=/]?\s*)?(?:{_NAME}\s*{_REPORTER}[·,\s]*){{1,3}}"
    rf"(?:[\s/(\[]*{_EMAIL}[\s)\]]*)?$"
)
TRAILING_BRACKET_BYLINE = re.compile(rf"^\[[^\]]{{1,40}}{_REPORTER}[^\]]{{0,40}}\]$")
ONLY_EMAIL = re.compile(rf"^[\s\[(<]*(?:e-?mail\s*:?\s*)?{_EMAIL}[\s\])>]*$", re.IGNORECASE)
TAIL_EMAIL = re.compile(rf"\s*{_NAME}\s*{_REPORTER}\s*[/(\[]?\s*{_EMAIL}\s*[)\]]?\s*$")
COPYRIGHT_MARK = re.compile(
    r"(?:<|\[|“|\")?\s*(?:저작권자|저작권\s*(?:ⓒ|©|\(c\))|ⓒ|©|\(c\)|copyright)", re.IGNORECASE
)
COPYRIGHT_CLAUSE = re.compile(
    r"무단\s*(?:전재|복제|배포)|재\s*배포\s*금지|재배포금지|all rights reserved", re.IGNORECASE
)
# A tail is short: mark and clause close together, little after the clause ("금지.>").
_TAIL_SPAN = 70
_TAIL_AFTER = 30
CAPTION = re.compile(r"^\s*[▲△]")  # ◀ 앵커 ▶ and ▼ bullets are body text
PHOTO_CREDIT_LINE = re.compile(
    r"^\s*[\[(<]?\s*(?:사진|사진제공|자료사진|이미지|그래픽|자료|출처)\s*[=:／/]\s*[^\])>]{0,40}[\])>]?\s*$"
    r"|^\s*[\[(<]?\s*[^\s\])>]{1,20}\s*제공\s*[\])>]?\s*$"
    r"|^\s*(?:이미지\s*확대|게티이미지뱅크|클립아트코리아|shutterstock)\s*$",
    re.IGNORECASE,
)
PHOTO_CREDIT_INLINE = re.compile(
    r"\s*[\[(<]\s*(?:사진|사진제공|자료사진|이미지|그래픽)\s*[=:]\s*[^\])>]{1,40}[\])>]"
)
# A line starting with one of these opens a block of links or prompts. In the tail it goes
# with the short lines after it; in the middle of a body only the DOM can show it is a block
# of links (prune_boilerplate).
BLOCK_STARTERS = re.compile(
    r"^\s*(?:관련\s*기사|키워드\s*관련기사|많이\s*본\s*(?:뉴스|기사)|인기\s*기사|오늘의\s*TOP|"
    r"주요\s*뉴스|추천\s*기사|기사\s*댓글|댓글\s*\d|댓글을\s*남겨|SNS\s*기사보내기|"
    r"기사\s*제보|다른\s*기사\s*보기|키워드\s*Tags|이\s*기자의\s*다른\s*기사|"
    r"\[[^\]]{1,20}\s*제보\]|제보는\s*카카오톡)",
    re.IGNORECASE,
)
# Broadcast credits closing a TV report: 촬영기자: 홍길동 / 영상편집: 김철수.
CREDITS = re.compile(r"^\s*[\[(]?\s*(?:촬영\s*기자|영상\s*취재|영상\s*편집|촬영|편집|그래픽|CG|"
                     r"영상\s*디자인)\s*[:：]")
# Promotion and notice marks: boilerplate in the tail or as a link, body text elsewhere
# (interview transcripts start every answer with ▶ and every question with ▷; ※ opens notes).
NOTICE_MARK = re.compile(r"^\s*[▶▷☞※]")
# Whole lines that no body sentence can be: widget labels, wire stamps, robot-article notes.
WIDGET_LINES = re.compile(
    r"^[-·\s]*(?:(?:입력|수정|승인|등록|업데이트|기사입력|최종수정)\s*:?\s*\d{4}[.\-/]\d|"
    r"기자명\s|기사의 본문 내용은 이 글자크기로|기사를 읽어드립니다|ADVERTISEMENT\s*$|광고\s*$|"
    r"\d{4}/\d{2}/\d{2}\s+\d{2}:\d{2}\s*송고\s*$|이 기사는 .{0,40}자동\s*(?:작성|생성))",
    re.IGNORECASE,
)
SHARE_WORDS = {
    "페이스북", "트위터", "카카오톡", "카카오스토리", "네이버", "밴드", "네이버밴드", "url복사",
    "url", "복사", "공유", "공유하기", "공유하기:", "기사저장", "저장", "스크랩", "인쇄", "프린트",
    "이메일", "메일", "글자크기", "가", "가+", "가-", "본문", "글씨", "크게", "작게", "닫기",
    "x", "x(트위터)", "facebook", "twitter", "kakao", "라인", "텔레그램", "링크복사",
}
# Only an opening curly quote can start the next sentence: a straight quote after "다." is
# usually the closing quote of a citation ("…계획이다."라고).
_GLUED = re.compile(r"([다요죠음함임됨][.!?])(?=[가-힣“‘])")
_SENTENCE_END = re.compile(r"[다요죠][.!?\"”']*$")
_LIST_ITEM_MAX = 80
_SPEAKER = re.compile(r"^\s*[▶▷☞]\s*[^:：]{1,12}\s*[:：]")

# (rule, line) pairs, collected for `medradar extract --explain`.
Removal = tuple[str, str]


_INLINE = {"a", "span", "strong", "b", "em", "i", "font", "u", "small", "mark", "sup"}
_MARK_CHARS = "▶▷☞※→"
_CAPTION_CHARS = "▲△"
_BOX_MAX = 3000


def _text_len(element: Any) -> int:
    return len(re.sub(r"\s+", "", element.text_content()))


def _link_density(element: Any) -> float:
    total = _text_len(element)
    linked = sum(_text_len(a) for a in element.iter("a"))
    return linked / total if total else 0.0


def _block_of(element: Any) -> Any:
    """The element itself, or its nearest non-inline ancestor when it opens that ancestor."""
    while element.tag in _INLINE and element.getparent() is not None:
        parent = element.getparent()
        if parent.text and parent.text.strip():
            break
        element = parent
    return element


def _near_image(element: Any) -> bool:
    """Whether an element sits in, after or beside an image (a caption's place)."""
    node = element
    for _ in range(3):
        if node is None:
            return False
        if node.tag == "img" or node.find(".//img") is not None:
            return _text_len(node) <= 400
        previous = node.getprevious()
        if previous is not None and (previous.tag == "img" or previous.find(".//img") is not None):
            return True
        node = node.getparent()
    return False


def _mark_starts(root: Any, marks: str) -> list[Any]:
    """Elements whose own text starts with one of marks, as their blocks."""
    found = []
    for element in root.iter():
        first = element.text.lstrip()[:1] if isinstance(element.tag, str) and element.text else ""
        if first and first in marks:
            found.append(_block_of(element))
    return found


_BLOCKS = {"div", "table", "p", "ul", "ol", "dl", "figure", "section", "article", "blockquote",
           "h1", "h2", "h3", "h4", "h5", "h6", "center", "header", "footer", "aside", "nav",
           "form", "pre", "hr"}
_HOLDERS = ("div", "td", "article", "section", "center", "blockquote", "body")


def wrap_loose_text(root: Any) -> None:
    """Give each run of loose text beside block elements a paragraph of its own, in place
    (a ``<br>`` between loose runs starts the next paragraph).

    trafilatura drops a container's own text when the container also holds blocks, and a
    block's tail with the block: a parser closes an open ``<p>`` at a photo box, which leaves
    the next text as the box's tail. Broadcasters' leads sit exactly there.
    """
    for parent in list(root.iter(*_HOLDERS)):
        children = list(parent)
        if not any(_is_block(child) for child in children):
            continue
        if not ((parent.text or "").strip()
                or any((child.tail or "").strip() for child in children if _is_block(child))):
            continue
        runs: list[Any] = []
        run = _paragraph(parent, parent.text)
        parent.text = None
        for child in children:
            parent.remove(child)
            if _is_block(child):
                tail, child.tail = child.tail, None
                runs.extend(x for x in (run, child) if x is not None)
                run = _paragraph(parent, tail)
            elif child.tag == "br":  # a line break between loose runs ends a paragraph
                runs.extend(x for x in (run,) if x is not None)
                run = _paragraph(parent, child.tail)
            else:
                if run is None:
                    run = parent.makeelement("p", {})
                run.append(child)
        if run is not None:
            runs.append(run)
        parent.extend(runs)


def _is_block(element: Any) -> bool:
    return isinstance(element.tag, str) and element.tag in _BLOCKS


def _paragraph(parent: Any, text: str | None) -> Any:
    """A new <p> holding text, or None when the text is only white space."""
    if not text or not text.strip():
        return None
    paragraph = parent.makeelement("p", {})
    paragraph.text = text
    return paragraph


def prune_boilerplate(root: Any) -> list[Removal]:
    """Drop, in place, the mid-body boilerplate that only the DOM can prove: ▶/☞ lines that
    are links, related/popular boxes of links, ▲ captions beside an image. Returns what went.
    Loose text after block elements gets its own paragraph first (wrap_loose_text)."""
    wrap_loose_text(root)
    removed: list[Removal] = []

    def drop(element: Any, rule: str) -> None:
        removed.append((rule, clean_line(element.text_content())))
        element.drop_tree()  # lxml.html keeps the element's tail text in its place

    for block in _mark_starts(root, _MARK_CHARS):
        if block.getparent() is not None and _text_len(block) <= 300 \
                and (block.tag == "a" or _link_density(block) >= 0.6):
            drop(block, "link line")
    for element in list(root.iter()):
        if not (isinstance(element.tag, str) and element.text
                and BLOCK_STARTERS.match(element.text)) or element.getparent() is None:
            continue
        box = _block_of(element)
        for _ in range(3):
            if box is None or box.getparent() is None or _text_len(box) > _BOX_MAX:
                break
            if len(box.findall(".//a")) >= 2 and _link_density(box) >= 0.5:
                drop(box, "related box")
                break
            box = box.getparent()
    for block in _mark_starts(root, _CAPTION_CHARS):
        if block.getparent() is not None and _text_len(block) <= 300 and _near_image(block):
            drop(block, "caption")
    return removed


def unescape(text: str) -> str:
    """Undo single and double HTML escaping (NDSoft feeds double-encode: ``&amp;quot;``)."""
    for _ in range(3):
        fixed = html.unescape(re.sub(r"(?<![&\w])amp;(#?\w+;)|(?<=[가-힣])amp;(#?\w+;)",
                                     lambda m: "&" + (m.group(1) or m.group(2)), text))
        if fixed == text:
            break
        text = fixed
    return text


def clean_line(line: str) -> str:
    """Normalise one line: NFC, no zero-width characters, single spaces."""
    line = unicodedata.normalize("NFC", line).translate(_ZERO_WIDTH)
    line = re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip()
    # trafilatura renders table cells as "| cell |": captions in layout tables come out so.
    return re.sub(r"^\|\s*|\s*\|$", "", line) if line.startswith("| ") else line


def strip_leading_byline(line: str) -> str:
    """Remove a byline at the start of the first paragraph."""
    for pattern in LEADING_BYLINES:
        stripped = pattern.sub("", line, count=1)
        if stripped != line:
            return stripped.strip()
    return line


def cut_copyright(line: str) -> str | None:
    """Cut a copyright tail from a line; return None when the line holds none.

    Sentences that merely mention copyright (a court case about 무단 전재) are not tails:
    a tail has its mark within a few words of the clause and ends soon after it.
    """
    for clause in COPYRIGHT_CLAUSE.finditer(line):
        if len(line) - clause.end() > _TAIL_AFTER:
            continue
        marks = [m for m in COPYRIGHT_MARK.finditer(line)
                 if m.start() <= clause.start() <= m.start() + _TAIL_SPAN]
        if marks:
            return line[: marks[0].start()].rstrip(" <[“\"/-—|")
        # "무단전재 및 재배포 금지" alone on a short line is the tail without its mark.
        if len(line) < 40 and re.search(r"금지\W*$", line):
            return ""
    return None


def is_share_line(line: str) -> bool:
    """Tell whether a line is only share-button or font-size widget words."""
    words = re.split(r"[\s|·,/]+", line.casefold())
    return bool(line) and all(w in SHARE_WORDS for w in words if w)


def _anywhere_rule(line: str) -> str | None:
    """The rule that removes this line wherever it stands, or None: only lines that are no
    prose at all (share widgets, photo-credit formulas, widget labels)."""
    if is_share_line(line):
        return "share widget"
    if PHOTO_CREDIT_LINE.match(line):
        return "photo credit"
    if WIDGET_LINES.match(line):
        return "widget or stamp"
    return None


def _is_promo(line: str) -> bool:
    """A ▶/☞ line that reads as a link label: no sentence, no speaker (``▶김현욱 : …``)."""
    return not _SENTENCE_END.search(line) and not _SPEAKER.match(line)


def _tail_rule(line: str) -> str | None:
    """The rule that removes this line when it stands in the tail block, or None."""
    if (TRAILING_SIGNATURE.match(line) or ONLY_EMAIL.match(line)
            or TRAILING_BRACKET_BYLINE.match(line)):
        return "signature"
    if CREDITS.match(line):
        return "credits"
    if NOTICE_MARK.match(line) and (line.lstrip().startswith("※") or _is_promo(line)):
        return "tail notice"
    if CAPTION.match(line):
        return "caption"
    if BLOCK_STARTERS.match(line):
        return "related/tip block"
    return None


def _cut_tail(lines: list[str], removed: list[Removal]) -> list[str]:
    """Remove the tail block: signatures, notices, related lists, 제보 blocks, captions.

    Walks back from the end. Short non-sentence lines are list items only when a block starter
    (관련기사, 인기기사 …) stands above them; otherwise they are the body's own last lines.
    """
    end = len(lines)
    pending: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        rule = _tail_rule(line)
        if rule == "related/tip block":
            end = i
            pending.clear()
            continue
        if rule and not pending:
            end = i
            continue
        if len(line) <= _LIST_ITEM_MAX and not _SENTENCE_END.search(line):
            pending.append(i)
            continue
        break
    removed.extend(("tail: " + (_tail_rule(line) or "list item"), line) for line in lines[end:])
    kept = lines[:end]
    # A signature glued to the last paragraph ("… 밝혔다. 홍길동 기자 hong@x.kr").
    if kept:
        trimmed = TAIL_EMAIL.sub("", kept[-1]).rstrip()
        if trimmed != kept[-1]:
            removed.append(("tail: signature", kept[-1][len(trimmed):].strip()))
            kept[-1:] = [trimmed] if trimmed else []
    return kept


def _cut_lead(lines: list[str], removed: list[Removal], title: str = "") -> list[str]:
    """Remove what precedes the lead: the headline, captions and notices above it, a byline,
    a dateline."""
    while lines and (CAPTION.match(lines[0]) or BLOCK_STARTERS.match(lines[0])
                     or (title and lines[0] == title)):
        rule = "lead: headline" if lines[0] == title else \
            "lead: caption" if CAPTION.match(lines[0]) else "lead: block"
        removed.append((rule, lines[0]))
        lines = lines[1:]
    if lines:
        first = strip_leading_byline(lines[0])
        if first != lines[0]:
            removed.append(("lead: byline", lines[0][: len(lines[0]) - len(first)].strip()))
        if not first or DATELINE.match(first):
            if first:
                removed.append(("lead: dateline", first))
            lines = lines[1:]
        else:
            lines = [first, *lines[1:]]
    return lines


def clean_body(text: str, removed: list[Removal] | None = None, title: str = "") -> str:
    """Remove Korean news boilerplate from extracted body text (one paragraph per line).

    Rules for bylines and datelines hold at the lead, rules for signatures, copyright, notices
    and related lists at the tail; in the middle only lines that are no prose are removed.
    ``removed`` collects (rule, line) for every line or part removed; a first line that is
    the ``title`` (a whole page's text starts with the headline) goes too.
    """
    removed = [] if removed is None else removed
    lines: list[str] = []
    for raw in text.splitlines():
        line = clean_line(raw)
        stripped = PHOTO_CREDIT_INLINE.sub("", line).strip()
        if stripped != line and stripped:
            removed.append(("inline photo credit", line))
        rule = _anywhere_rule(stripped) if stripped else None
        if rule:
            removed.append((rule, stripped))
        elif stripped:
            lines.append(stripped)
    lines = _cut_lead(lines, removed, clean_line(title))
    kept: list[str] = []
    for line in lines:
        cut = cut_copyright(line)
        if cut is not None:
            removed.append(("copyright", line[len(cut):].strip()))
            line = cut
        if line:
            kept.append(_GLUED.sub(r"\1 ", line))
    return "\n".join(_cut_tail(kept, removed))


def has_prose(body: str) -> bool:
    """Whether a body holds at least one sentence-like line (not only labels and headings)."""
    return any(len(line) >= 30 and re.search(r"[다요죠.!?\"”’')]\W*$", line)
               for line in body.splitlines())


def signature_author(text: str) -> str | None:
    """Return the reporter named in the last lines of a body (``홍길동 기자 hong@x.kr``)."""
    lines = [clean_line(line) for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-3:]):
        match = re.search(rf"({_NAME})\s*{_REPORTER}\s*[/(\[]?\s*(?:{_EMAIL})?[\s)\]]*$", line)
        if match and (TRAILING_SIGNATURE.match(line) or TAIL_EMAIL.search(line)):
            return match.group(1)
    return None


def reporter_name(text: str | None) -> str | None:
    """Return the bare name from an author string like ``홍길동 기자 hong@x.kr``."""
    if not text:
        return None
    text = re.sub(_EMAIL, "", clean_line(unescape(text)))
    text = re.sub(r"[\[\]()]", " ", text)
    text = re.sub(r"^.*=\s*", "", text)
    match = re.search(rf"({_NAME})\s*{_REPORTER}", text)
    if match:
        return match.group(1)
    text = re.sub(rf"\s*{_REPORTER}\s*$", "", text).strip(" ,/")
    return text or None


def byline_author(first_line: str) -> str | None:
    """Return the reporter named in a leading byline, if the first paragraph has one."""
    for pattern in LEADING_BYLINES[:3]:
        match = pattern.match(first_line)
        if match:
            name = re.search(rf"({_NAME})\s*{_REPORTER}", match.group(0))
            if name:
                return name.group(1)
    return None
