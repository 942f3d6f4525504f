# ruff: noqa: E501  (Korean paragraphs read better unwrapped)
"""Syndicated copies for the story tests: one release rewritten by three fictional outlets.

Everything here is invented (agencies' releases as they read, people and companies made up).
``python -m tests.support.wire`` writes the three fixture outlets ``wire_a``, ``wire_b`` and
``wire_c`` (tests/fixtures/outlets/) from the texts below: NDSoft-style article pages, a
whole-site feed, a list page and a sitemap with ``lastmod``. The pages are committed; this
module is how they were made and the one place their text lives.

* ``mfds``: 식약처's release on the AI medical-device review guideline. wire_a runs it whole
  with its own title, byline and lead; wire_b keeps the first 60 % as a brief; wire_c moves a
  paragraph and adds a closing line of its own.
* ``seongnam_a`` / ``seongnam_b``: two different 성남 바이오헬스 events six days apart (same city,
  same vocabulary, the same closing paragraph about the cluster): distinct stories.
* ``mfds_followup``: a follow-up on the guideline a few days later, mostly new text, that
  repeats one sentence of the release as background: a story of its own.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.outlet_server import OUTLETS as OUTLET_DIR

MFDS = [
    "식품의약품안전처는 인공지능(AI) 기술을 적용한 의료기기의 허가·심사 기준을 담은 '인공지능 기반 디지털의료기기 허가·심사 가이드라인' 개정안을 마련해 18일 공개했다고 밝혔다.",
    "이번 개정안은 학습 데이터가 바뀔 때마다 성능이 달라지는 인공지능 의료기기의 특성을 반영해, 제조사가 허가 단계에서 변경 관리 계획을 미리 제출하면 계획 범위 안의 성능 개선은 별도 변경허가 없이 보고만으로 반영할 수 있도록 한 것이 핵심이다.",
    "식약처는 변경 관리 계획에 재학습에 쓰일 데이터의 출처와 규모, 성능 검증 방법, 성능이 기준 아래로 떨어졌을 때의 조치 절차를 구체적으로 적도록 했다. 계획 범위를 벗어나는 변경은 종전처럼 변경허가를 받아야 한다.",
    "임상 성능 평가 기준도 손질했다. 국내 의료기관에서 수집한 자료를 일정 비율 이상 포함하도록 하고, 성별과 연령대, 촬영 장비 제조사별로 성능을 나눠 제시하도록 해 특정 집단에서 정확도가 떨어지는 문제를 사전에 확인하도록 했다.",
    "사이버보안 요건도 새로 담겼다. 병원 정보시스템과 연결되는 제품은 소프트웨어 구성 명세서를 제출하고, 취약점이 발견되면 30일 안에 보안 업데이트 계획을 식약처에 알려야 한다.",
    "식약처는 다음 달 18일까지 업계와 학계 의견을 받은 뒤 내년 1분기 안에 개정 가이드라인을 최종 확정할 계획이다. 의견은 식약처 누리집 '법령·자료' 게시판을 통해 제출할 수 있다.",
    "식약처 관계자는 \"인공지능 의료기기가 현장에서 계속 개선될 수 있는 길을 열면서도 환자 안전은 흔들리지 않도록 기준을 정비했다\"며 \"개정 가이드라인이 국내 기업의 제품 개발과 해외 진출에 실질적인 길잡이가 되길 기대한다\"고 말했다.",
]

SEONGNAM_CLOSING = "한편 성남시는 판교 제2테크노밸리와 분당서울대병원 헬스케어혁신파크를 잇는 바이오헬스 클러스터를 조성하고 있으며, 현재 입주 기업은 240여 곳에 이른다."

SEONGNAM_A = [
    "성남시는 판교 제2테크노밸리 기업지원허브에서 '2026 성남 바이오헬스 기술이전 설명회'를 열고 지역 대학과 병원이 보유한 의료기기 특허 35건을 기업에 소개했다고 15일 밝혔다.",
    "설명회에는 바이오헬스 기업 60여 곳의 연구개발 담당자가 참석했다. 분당서울대병원과 가천대, 을지대 연구진이 웨어러블 혈압 측정 기술과 초음파 영상 화질 개선 알고리즘 등 사업화 가능성이 높은 기술을 직접 발표했다.",
    "현장에서는 기업과 연구진 사이의 일대일 상담이 42건 진행됐고, 이 가운데 9건은 기술이전 협상으로 이어질 예정이다. 시는 계약이 성사되면 기술료의 일부와 시제품 제작비를 최대 3천만원까지 지원한다.",
    "성남시 바이오헬스과 관계자는 \"병원과 대학의 연구 성과가 지역 기업의 제품으로 이어지도록 설명회를 정례화하겠다\"고 말했다.",
    SEONGNAM_CLOSING,
]

SEONGNAM_B = [
    "성남시는 분당서울대병원 헬스케어혁신파크와 함께 디지털헬스 스타트업의 해외 인증을 돕는 '성남 바이오헬스 글로벌 인증 지원단'을 출범했다고 21일 밝혔다.",
    "지원단은 미국 식품의약국(FDA)과 유럽 CE 인증 경험이 있는 규제 전문가 12명으로 꾸려졌다. 이들은 앞으로 1년 동안 지역 스타트업 20곳을 골라 인증 전략 수립부터 기술문서 작성, 현지 시험기관 연결까지 단계별로 돕는다.",
    "첫 지원 대상은 다음 달 공모로 선정한다. 창업 7년 이내의 의료기기·디지털헬스 기업이면 신청할 수 있고, 선정된 기업은 인증 컨설팅 비용의 80%를 지원받는다.",
    "성남시 바이오헬스과 관계자는 \"국내 허가만으로는 시장이 좁은 스타트업에 해외 인증은 생존의 문제\"라며 \"지원단이 수출의 첫 관문을 넘는 데 힘을 보태겠다\"고 말했다.",
    SEONGNAM_CLOSING,
]

FOLLOWUP = [
    "식품의약품안전처가 인공지능 의료기기의 허가·심사 가이드라인 개정안을 공개한 지 나흘 만에 업계에서 첫 공식 의견이 나왔다. 한국디지털의료기기협회는 22일 서울 강남구 협회 회의실에서 회원사 간담회를 열고 개정안에 대한 의견서를 정리했다.",
    "간담회에 참석한 기업들은 변경 관리 계획 제도의 취지에는 대체로 공감하면서도, 계획서에 적어야 할 성능 검증 방법의 수준이 제품마다 다르게 해석될 수 있다고 우려했다. 한 영상판독 소프트웨어 기업 대표는 \"재학습 때마다 어느 정도의 검증 자료를 내야 하는지 예시가 필요하다\"고 말했다.",
    "국내 의료기관 자료 비율 요건을 두고는 의견이 엇갈렸다. 해외 데이터로 먼저 개발한 기업들은 국내 자료를 모으는 데 최소 1년 이상이 걸린다며 유예 기간을 요청했고, 병원과 공동 연구를 해 온 기업들은 오히려 기준이 더 구체적이어야 한다고 주장했다.",
    "협회는 이날 모은 의견을 묶어 다음 달 초 식약처에 제출할 계획이다. 협회 관계자는 \"중소기업이 가장 부담을 느끼는 부분은 사이버보안 서류 작업\"이라며 \"공통 양식과 교육을 함께 마련해 달라고 건의하겠다\"고 밝혔다.",
    "앞서 식약처는 학습 데이터가 바뀔 때마다 성능이 달라지는 인공지능 의료기기의 특성을 반영해, 제조사가 허가 단계에서 변경 관리 계획을 미리 제출하면 계획 범위 안의 성능 개선은 별도 변경허가 없이 보고만으로 반영할 수 있도록 한 개정안을 내놨다.",
]


@dataclass(frozen=True)
class Page:
    """One article page of a wire outlet."""

    idxno: int
    title: str
    paragraphs: list[str]
    published: str  # naive KST stamp, inside the fixture window (tests/support/clock.py)
    reporter: str


@dataclass(frozen=True)
class Outlet:
    """A fictional outlet: its name, code, reporter e-mail domain and pages."""

    code: str
    name: str
    pages: list[Page]


def _brief(paragraphs: list[str], share: float) -> list[str]:
    """The first share of a text, cut at a paragraph end (briefs keep the top of a release)."""
    total = sum(len(p) for p in paragraphs)
    kept, size = [], 0
    for para in paragraphs:
        if kept and size + len(para) > share * total:
            break
        kept.append(para)
        size += len(para)
    return kept


WIRE = [
    Outlet("wire_a", "메디와이어", [
        Page(2001, "AI 의료기기, 허가 후 성능 개선은 '보고'만으로…식약처 가이드라인 개정",
             ["식약처가 인공지능 의료기기의 허가 이후 성능 개선 절차를 크게 간소화한다.", *MFDS[:6],
              MFDS[6]], "2026-11-18 10:12:00", "정하은"),
        Page(2002, "성남시, 바이오헬스 기술이전 설명회…의료기기 특허 35건 소개",
             SEONGNAM_A, "2026-11-15 14:05:00", "정하은"),
    ]),
    Outlet("wire_b", "헬스경제신문", [
        Page(2101, "[단신] 식약처, 인공지능 의료기기 허가·심사 가이드라인 개정안 공개",
             _brief(MFDS, 0.6), "2026-11-18 11:40:00", "오지훈"),
        Page(2102, "성남 바이오헬스 글로벌 인증 지원단 출범…스타트업 20곳 FDA·CE 지원",
             SEONGNAM_B, "2026-11-21 09:20:00", "오지훈"),
    ]),
    Outlet("wire_c", "바이오인사이드", [
        Page(2201, "식약처 \"AI 의료기기 변경허가 부담 던다\"…재학습 계획 미리 내면 보고로 갈음",
             [MFDS[0], MFDS[1], MFDS[3], MFDS[2], MFDS[4], MFDS[6], MFDS[5],
              "업계는 그동안 성능 개선 때마다 변경허가를 받아야 해 출시 주기가 길어진다고 호소해 왔다."],
             "2026-11-18 16:30:00", "한소율"),
        Page(2202, "디지털의료기기협회 \"AI 가이드라인 취지 공감…검증 기준 예시 필요\"",
             FOLLOWUP, "2026-11-22 17:45:00", "한소율"),
    ]),
]

_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>{title} - {name}</title>
<link rel="canonical" href="{{{{ORIGIN}}}}/news/articleView.html?idxno={idxno}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{name}">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{{{{ORIGIN}}}}/news/articleView.html?idxno={idxno}">
<meta property="article:published_time" content="{iso}">
</head><body>
<header><a href="/">{name}</a> <a href="/news/articleList.html?view_type=sm">전체기사</a></header>
<section class="article-head">
<h3 class="heading">{title}</h3>
<ul class="infomation"><li>기자명 {reporter} 기자</li><li>입력 {published}</li></ul>
</section>
<article id="article-view-content-div" class="article-veiw-body" itemprop="articleBody">
{body}
<p>{reporter} 기자 {email}@{code}.example</p>
</article>
<div class="copyright">저작권자 © {name} 무단전재 및 재배포 금지</div>
</body></html>
"""

_ITEM = """<item>
<title>{title}</title>
<link>{{{{ORIGIN}}}}/news/articleView.html?idxno={idxno}</link>
<description><![CDATA[{lead}]]></description>
<author><![CDATA[{reporter} 기자]]></author>
<pubDate>{published}</pubDate>
</item>
"""


def render_page(outlet: Outlet, page: Page) -> str:
    """The article page, with a byline in the lead as Korean outlets write it."""
    paras = [f"[{outlet.name}={page.reporter} 기자] {page.paragraphs[0]}", *page.paragraphs[1:]]
    return _PAGE.format(
        title=html.escape(page.title), name=outlet.name, idxno=page.idxno,
        iso=page.published.replace(" ", "T") + "+09:00", published=page.published,
        reporter=page.reporter, code=outlet.code.replace("_", ""), email="desk",
        body="\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras))


def render_feed(outlet: Outlet) -> str:
    """The whole-site RSS feed, newest first."""
    items = "".join(_ITEM.format(title=html.escape(p.title), idxno=p.idxno,
                                 lead=p.paragraphs[0], reporter=p.reporter,
                                 published=p.published)
                    for p in sorted(outlet.pages, key=lambda p: p.published, reverse=True))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{outlet.name} 전체기사</title>\n<link>{{{{ORIGIN}}}}</link>\n"
            f"<description>{outlet.name}</description>\n{items}</channel>\n</rss>\n")


def render_list(outlet: Outlet) -> str:
    """List page 1 with every article."""
    links = "".join(f'<li><a href="/news/articleView.html?idxno={p.idxno}">'
                    f"{html.escape(p.title)}</a></li>\n" for p in outlet.pages)
    return (f'<!doctype html>\n<html lang="ko"><head><meta charset="utf-8"><title>전체기사 - '
            f'{outlet.name}</title></head><body>\n<section id="section-list"><ul>\n{links}'
            "</ul></section>\n</body></html>\n")


def render_sitemap(outlet: Outlet) -> str:
    """A sitemap whose lastmod is each article's publication (tests move it to announce an edit)."""
    urls = "".join(f"<url><loc>{{{{ORIGIN}}}}/news/articleView.html?idxno={p.idxno}</loc>"
                   f"<lastmod>{p.published.replace(' ', 'T')}+09:00</lastmod></url>\n"
                   for p in outlet.pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


def write(root: Path = OUTLET_DIR) -> None:
    """Write the three wire outlets' files under root."""
    for outlet in WIRE:
        folder = root / outlet.code
        site = folder / "site"
        (site / "news").mkdir(parents=True, exist_ok=True)
        (site / "rss").mkdir(exist_ok=True)
        (folder / "outlet.toml").write_text(
            f"# {outlet.name}: syndicated copies for the story tests, written by "
            "tests/support/wire.py (edit the texts there).\n"
            'charset = "utf-8"\ncharset_in_header = true\n\n[source]\n'
            f'name = "{outlet.name}"\nkind = "ndsoft"\nfeeds = ["/rss/allArticle.xml"]\n'
            'start_urls = ["/news/articleList.html?view_type=sm"]\narticle_pattern = ""\n'
            "sitemaps = []\nmax_pages = 1\n", "utf-8")
        for page in outlet.pages:
            (site / "news" / f"articleView.html@idxno={page.idxno}").write_text(
                render_page(outlet, page), "utf-8")
        (site / "rss" / "allArticle.xml").write_text(render_feed(outlet), "utf-8")
        (site / "news" / "articleList.html@view_type=sm").write_text(render_list(outlet),
                                                                      "utf-8")
        (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
        (site / "sitemap.xml").write_text(render_sitemap(outlet), "utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTLET_DIR)
