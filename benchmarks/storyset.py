# ruff: noqa: E501  (Korean sentences read better unwrapped)
"""The labelled set of the stories benchmark: press releases, their syndicated copies, and the
distinct stories that look like them. Deterministic (seeded), invented text, no I/O.

Releases come from two places: the hand-written ones of the story tests (tests/support/wire.py:
식약처's AI guideline, two 성남 바이오헬스 events six days apart, a follow-up), and releases of
five kinds of issuer (복지부, 식약처, KHIDI, a city, a company) whose body sentences are
written by benchmarks.textgen. Every issuer closes its releases with the same boilerplate
paragraph, and textgen draws from a small pool of sentence patterns, so two different releases
already share a good part of their shingles: the hard negatives are harder than real news.

Each release is rewritten by several outlets the way syndication looks: a new title, byline and
lead; light edits (지난 18일, 전했다 for 밝혔다); a paragraph dropped or moved; a closing line of
the outlet's own; outlet boilerplate; or only the first 40-60 % kept as a brief. Some stories
get a one-line brief (labelled with its story: the grouping is *meant* to miss it, below the
minimum text) and a follow-up (its own story: mostly new text that repeats a paragraph of the
release). Hard negatives: pairs of releases of one issuer about the same company and product a
few days apart, and unrelated articles that share the issuer's boilerplate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from benchmarks.textgen import COMPANIES, PLACES, Flags, Word, Writer
from tests.support.wire import FOLLOWUP, MFDS, SEONGNAM_A, SEONGNAM_B

KST = timezone(timedelta(hours=9))
START = datetime(2026, 10, 1, 8, 0, tzinfo=KST)
OUTLETS = [("bosa", "의학신문"), ("medipana", "메디파나뉴스"), ("monews", "메디칼업저버"),
           ("docdocdoc", "청년의사"), ("kbiohealth", "바이오헬스타임즈"), ("medinews", "메디인뉴스"),
           ("ccmedical", "충청의료신문"), ("gyeongnam", "경남메디컬신문"), ("healthwp", "헬스위키뉴스"),
           ("newsmp", "뉴스엠피")]
REPORTERS = ["김민준", "이서연", "박지호", "최유나", "정하은", "오지훈", "한소율", "윤서진", "장도윤", "임채원"]

ISSUERS = {
    "mohw": ("보건복지부", "복지부", "보건복지부는 앞으로도 바이오헬스 산업이 국가 핵심 산업으로 성장할 수 있도록 규제 개선과 연구개발 투자를 이어갈 계획이다. 자세한 내용은 보건복지부 누리집 보도자료 게시판에서 확인할 수 있다."),
    "mfds": ("식품의약품안전처", "식약처", "식약처는 앞으로도 규제과학 전문성을 바탕으로 안전하고 효과 있는 의료제품이 신속하게 공급될 수 있도록 지원하겠다고 밝혔다. 관련 자료는 식약처 누리집 '법령·자료' 게시판에서 내려받을 수 있다."),
    "khidi": ("한국보건산업진흥원", "진흥원", "한편 한국보건산업진흥원은 보건산업 육성을 위한 전문기관으로, 의료기기·제약·화장품·의료서비스 분야의 연구개발과 해외 진출, 창업을 지원하고 있다."),
    "city": ("원주시", "원주시", "한편 원주시는 국내 첫 의료기기 클러스터를 기반으로 의료기기 기업 190여 곳이 모여 있는 국내 최대 의료기기 생산 거점으로, 디지털헬스 분야로 산업 영역을 넓히고 있다."),
    "company": ("메디텍코리아", "회사", "한편 메디텍코리아는 2011년 설립된 의료영상 기기 전문기업으로, 휴대용 초음파 진단기와 인공지능 영상분석 소프트웨어를 국내외 40여 개국에 공급하고 있다."),
}


@dataclass
class Item:
    """One article of the labelled set: its story label, outlet, text and how it was made."""

    story: str
    source_id: str
    title: str
    paragraphs: list[str]
    published: datetime
    kind: str  # release, copy, brief, one-line, reordered, dropped, relead, edited, ...
    tags: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The body as stored: one paragraph per line."""
        return "\n".join(self.paragraphs)


def _release(rng: random.Random, issuer: str, company: str | None = None,
             place: str | None = None) -> tuple[str, list[str]]:
    """A release of one issuer: title, lead, 5-8 paragraphs by textgen, the boilerplate."""
    full, short, closing = ISSUERS[issuer]
    writer = Writer(rng, Flags(device=rng.random() < 0.6))
    if company:
        writer.entities["co"] = Word(company)
    if place:
        writer.entities["place"] = Word(place)
    title = f"{short if issuer != 'company' else full}, " + writer.title().split(", ", 1)[-1]
    lead = f"{full}는 {writer.sentence()}"
    paragraphs = [lead]
    for _ in range(rng.randint(5, 8)):
        paragraphs.append(" ".join(writer.sentence() for _ in range(rng.randint(2, 3))))
    quote = f"{short} 관계자는 \"{writer.fill('{topic:Q을} 통해 현장의 부담을 덜고 성과를 높이겠다')}\"고 말했다."
    return title, [*paragraphs, quote, closing]


_EDITS = [("밝혔다", "전했다"), ("말했다", "강조했다"), ("계획이다", "방침이다"), ("있다.", "있는 상황이다."),
          ("했다.", "한 것으로 알려졌다.")]


def _edit(rng: random.Random, text: str) -> str:
    """Light copy-editing: a verb or two changed, a date made relative."""
    for old, new in rng.sample(_EDITS, 2):
        text = text.replace(old, new, 1)
    return text.replace("일 ", "일 지난 ", 1) if rng.random() < 0.5 else text


def _brief(paragraphs: list[str], share: float) -> list[str]:
    total = sum(len(p) for p in paragraphs)
    kept: list[str] = []
    for para in paragraphs:  # whole paragraphs, until the share is reached
        kept.append(para)
        if sum(len(p) for p in kept) >= share * total:
            break
    return kept


def _rewrite(rng: random.Random, paragraphs: list[str], outlet: str) -> tuple[list[str], str]:
    """One outlet's copy of a release: 1-3 of the syndication edits, and what was done."""
    name = dict(OUTLETS)[outlet]
    paras = list(paragraphs)
    kinds: list[str] = []
    for kind in rng.sample(["relead", "dropped", "reordered", "closing", "edited", "boilerplate",
                            "brief"], rng.randint(1, 3)):
        if kind == "relead":  # a lead of the outlet's own; the release's lead moves down
            paras.insert(0, Writer(rng, Flags()).sentence())
        elif kind == "dropped" and len(paras) > 4:
            paras.pop(rng.randrange(1, len(paras) - 1))
        elif kind == "reordered" and len(paras) > 4:
            moved = paras.pop(rng.randrange(1, len(paras) - 1))
            paras.insert(rng.randrange(1, len(paras)), moved)
        elif kind == "closing":
            paras.append(f"{name}는 관련 업계의 반응을 후속 보도할 예정이다. " + Writer(rng, Flags()).sentence())
        elif kind == "edited":
            paras = [_edit(rng, p) for p in paras]
        elif kind == "boilerplate":
            reporter = rng.choice(REPORTERS)
            paras[0] = f"({name}={reporter} 기자) " + paras[0]
            paras.append(f"<ⓒ {name}, 무단 전재 및 재배포 금지> {reporter} 기자 news@{outlet}.example")
        elif kind == "brief":
            paras = _brief(paras, rng.uniform(0.4, 0.6))
        else:
            continue
        kinds.append(kind)
    return paras, "+".join(kinds) or "copy"


def _story(rng: random.Random, label: str, title: str, paragraphs: list[str], when: datetime,
           issuer_source: str, copies: int, one_line: bool) -> list[Item]:
    """The release as its issuer published it, then each outlet's copy within two days."""
    items = [Item(label, issuer_source, title, paragraphs, when, "release")]
    for outlet, _ in rng.sample(OUTLETS, copies):
        paras, kind = _rewrite(rng, paragraphs, outlet)
        new_title = f"{title.split(', ', 1)[-1]}…{rng.choice(['업계 주목', '본격 추진', '기대감', '첫발'])}"
        delay = timedelta(minutes=rng.randint(20, 2880))
        items.append(Item(label, outlet, new_title, paras, when + delay, kind))
    if one_line:
        outlet = rng.choice(OUTLETS)[0]
        items.append(Item(label, outlet, f"[브리프] {title}", [paragraphs[0]],
                          when + timedelta(hours=3), "one-line"))
    return items


def _followup(rng: random.Random, label: str, of: list[str], when: datetime) -> Item:
    """A later article on the same subject: mostly new text, one paragraph of the release."""
    writer = Writer(rng, Flags(device=True))
    paras = [" ".join(writer.sentence() for _ in range(2)) for _ in range(rng.randint(5, 7))]
    paras.insert(rng.randrange(1, len(paras)), "앞서 " + of[1])
    return Item(label, rng.choice(OUTLETS)[0], "[후속] " + writer.title(), paras,
                when + timedelta(days=rng.randint(1, 5)), "follow-up")


def labelled_set(seed: int = 12) -> list[Item]:
    """Build the labelled set, in order of publication."""
    rng = random.Random(seed)
    items: list[Item] = []
    # The hand-written releases of the story tests.
    day = START + timedelta(days=2)
    items += _story(rng, "mfds-ai", "식약처, AI 의료기기 허가·심사 가이드라인 개정안 공개", MFDS, day,
                    "mfds", 5, one_line=False)
    items.append(Item("mfds-ai-followup", "medipana", "디지털의료기기협회 \"검증 기준 예시 필요\"",
                      FOLLOWUP, day + timedelta(days=4), "follow-up"))
    items += _story(rng, "seongnam-a", "성남시, 바이오헬스 기술이전 설명회 개최", SEONGNAM_A,
                    day + timedelta(days=1), "seongnam", 4, one_line=False)
    items += _story(rng, "seongnam-b", "성남 바이오헬스 글로벌 인증 지원단 출범", SEONGNAM_B,
                    day + timedelta(days=7), "seongnam", 4, one_line=False)
    # Generated releases: 12 issuer/topic pairs, each with a same-topic twin a few days later.
    for n in range(17):
        issuer = list(ISSUERS)[n % len(ISSUERS)]
        company, place = rng.choice(COMPANIES), rng.choice(PLACES)
        when = START + timedelta(days=rng.randint(0, 24), hours=rng.randint(0, 9))
        for twin in ("a", "b"):
            label = f"{issuer}-{n}-{twin}"
            title, paras = _release(rng, issuer, company, place)
            at = when + (timedelta(days=rng.randint(1, 6)) if twin == "b" else timedelta())
            items += _story(rng, label, title, paras, at, issuer, rng.randint(2, 5),
                            one_line=rng.random() < 0.1)
            if rng.random() < 0.3:
                items.append(_followup(rng, f"{label}-followup", paras, at))
    # Unrelated articles sharing an issuer's boilerplate closing paragraph.
    for n in range(12):
        issuer = list(ISSUERS)[n % len(ISSUERS)]
        writer = Writer(rng, Flags())
        paras = [" ".join(writer.sentence() for _ in range(2)) for _ in range(rng.randint(3, 6))]
        items.append(Item(f"single-{n}", rng.choice(OUTLETS)[0], writer.title(),
                          [*paras, ISSUERS[issuer][2]],
                          START + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 12)),
                          "unrelated"))
    return sorted(items, key=lambda item: item.published)
