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
CAPTION = re.compile(r"^\s*[▲△▼▽◀◁]")
PHOTO_CREDIT_LINE = re.compile(
    r"^\s*[\[(<]?\s*(?:사진|사진제공|자료사진|이미지|그래픽|자료|출처)\s*[=:／/]\s*[^\])>]{0,40}[\])>]?\s*$"
    r"|^\s*[\[(<]?\s*[^\s\])>]{1,20}\s*제공\s*[\])>]?\s*$"
    r"|^\s*(?:이미지\s*확대|게티이미지뱅크|클립아트코리아|shutterstock)\s*$",
    re.IGNORECASE,
)
PHOTO_CREDIT_INLINE = re.compile(
    r"\s*[\[(<]\s*(?:사진|사진제공|자료사진|이미지|그래픽)\s*[=:]\s*[^\])>]{1,40}[\])>]"
)
# A line starting with one of these opens a block of links or prompts: drop it and its list.
BLOCK_STARTERS = re.compile(
    r"^\s*(?:관련\s*기사|키워드\s*관련기사|많이\s*본\s*(?:뉴스|기사)|인기\s*기사|오늘의\s*TOP|"
    r"주요\s*뉴스|추천\s*기사|기사\s*댓글|댓글\s*\d|댓글을\s*남겨|SNS\s*기사보내기|"
    r"기사\s*제보|다른\s*기사\s*보기|키워드\s*Tags|이\s*기자의\s*다른\s*기사|"
    r"\[[^\]]{1,20}\s*제보\]|제보는\s*카카오톡|ADVERTISEMENT\s*$|광고\s*$)",
    re.IGNORECASE,
)
NOTICE_LINES = re.compile(
    r"^\s*(?:[▶☞※]|기사의 본문 내용은 이 글자크기로|기사를 읽어드립니다|"
    r"\d{4}/\d{2}/\d{2}\s+\d{2}:\d{2}\s*송고|이 기사는 .{0,40}자동\s*(?:작성|생성))"
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


def _drop_block_lists(lines: list[str]) -> list[str]:
    out: list[str] = []
    skipping = False
    for line in lines:
        if BLOCK_STARTERS.match(line):
            skipping = True
            continue
        # List items after a block starter are short and do not end like a sentence.
        if skipping and len(line) <= 80 and not re.search(r"[다요죠][.!?\"”']*$", line):
            continue
        skipping = False
        out.append(line)
    return out


def _drop_trailing_signatures(lines: list[str]) -> list[str]:
    for _ in range(3):
        if not lines:
            break
        last = lines[-1]
        if (TRAILING_SIGNATURE.match(last) or ONLY_EMAIL.match(last)
                or TRAILING_BRACKET_BYLINE.match(last)):
            lines.pop()
            continue
        trimmed = TAIL_EMAIL.sub("", last)
        if trimmed != last:
            lines[-1] = trimmed.rstrip()
            if not lines[-1]:
                lines.pop()
            continue
        break
    return lines


def _keep(line: str) -> bool:
    return not (
        CAPTION.match(line)
        or PHOTO_CREDIT_LINE.match(line)
        or NOTICE_LINES.match(line)
        or is_share_line(line)
    )


def clean_body(text: str) -> str:
    """Remove Korean news boilerplate from extracted body text (one paragraph per line)."""
    lines = [PHOTO_CREDIT_INLINE.sub("", clean_line(line)).strip() for line in text.splitlines()]
    lines = [line for line in _drop_block_lists([x for x in lines if x]) if _keep(line)]
    if lines:
        lines[0] = strip_leading_byline(lines[0])
        if not lines[0] or DATELINE.match(lines[0]):
            lines.pop(0)
    kept: list[str] = []
    for line in lines:
        cut = cut_copyright(line)
        line = line if cut is None else cut
        if line:
            kept.append(_GLUED.sub(r"\1 ", line))
    return "\n".join(_drop_trailing_signatures(kept))


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
