# ruff: noqa: E501  (HTML templates and Korean sentences read better unwrapped)
"""Generated outlets: ~100 KB Korean article pages in NDSoft and WordPress skins, their list
pages, feeds, sitemaps and robots.txt. Deterministic: a page depends only on (outlet, article
number, number of articles, origin), so the server process and the baseline produce the same
bytes.

The chrome (head, menus, inline CSS and scripts, sidebars, footer) imitates the fixture outlets
in tests/fixtures/outlets (medinews: NDSoft user-2024 skin; healthwp: a Yoast/Jetpack WordPress
theme). Sidebars and "section news" blocks link other articles of the same outlet with their
headlines and a summary sentence; they are added until the page reaches its target size
(90-110 KB), which is how real pages get that large.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit

from benchmarks.textgen import SECTIONS, TEXT_VERSION, Flags, Writer, draw_flags, person

PAGES_VERSION = 1
KST = timezone(timedelta(hours=9))
NEWEST = datetime(2026, 11, 20, 18, 0, tzinfo=KST)
LIST_SIZE = 50  # links per NDSoft list page
FEED_SIZE = 50  # items in the NDSoft whole-site feed
SITEMAP_SIZE = 200  # URLs per WordPress (Yoast) post sitemap
PAGE_BYTES = (90_000, 110_000)


def esc(text: str) -> str:
    """Escape text for an HTML attribute or element."""
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Outlet:
    """One generated outlet."""

    code: str  # source id suffix, path and e-mail code
    name: str
    cms: str  # "ndsoft" | "wordpress"
    first_id: int
    id_step: int
    slogan: str
    color: str

    @property
    def source_id(self) -> str:
        """The medradar source id."""
        return f"bench-{self.code}"

    @property
    def family(self) -> str:
        """The medradar spider family that crawls it."""
        return "ndsoft" if self.cms == "ndsoft" else "sitemap"

    @property
    def domain(self) -> str:
        """The invented domain of reporters' e-mail addresses."""
        return f"{self.code}.example"


OUTLETS = [
    Outlet("medifocus", "메디포커스", "ndsoft", 300001, 1, "의료기기·헬스케어 산업 전문지", "#1b4f9c"),
    Outlet("healthtech", "헬스테크리뷰", "wordpress", 610003, 3, "디지털헬스와 의료기술의 모든 것",
           "#0f8a8a"),
    Outlet("biodaily", "바이오헬스데일리", "ndsoft", 120001, 1, "바이오·헬스 산업 일간 뉴스", "#a3262a"),
    Outlet("kmedjournal", "케이메드저널", "wordpress", 88011, 2, "K-메드테크 비즈니스 저널", "#14365c"),
    Outlet("ccmedical", "충청의료신문", "ndsoft", 45001, 1, "충청권 보건의료 소식", "#2e7d32"),
]


def route_key(path_and_query: str) -> str:
    """Normalise a request path: query parameters sorted, fragment dropped."""
    parts = urlsplit(path_and_query)
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + ("?" + urlencode(query) if query else "")


@dataclass
class Article:
    """One generated article: what the page shows and the feed/sitemap/list say about it."""

    k: int
    id: int
    path: str
    title: str
    section: str
    reporter: str
    email: str
    published: datetime
    flags: Flags
    paragraphs: list[str]
    subheads: dict[int, str]  # paragraph index -> subheading placed before it
    caption: str
    photo_after: int
    summary: str = field(default="")


class Site:
    """All pages of one outlet with n articles, served at origin."""

    def __init__(self, outlet: Outlet, n: int, origin: str) -> None:
        self.outlet = outlet
        self.n = n
        self.origin = origin
        self._articles: dict[int, Article] = {}
        self._headlines: dict[int, str] = {}
        self.reporters = [person(random.Random(f"{outlet.code}:reporter:{i}")) for i in range(9)]

    # -- the model --------------------------------------------------------------------------

    def seed(self, k: int, what: str) -> random.Random:
        """The RNG of one aspect of article k."""
        return random.Random(f"v{TEXT_VERSION}.{PAGES_VERSION}:{self.outlet.code}:{k}:{what}")

    def article_id(self, k: int) -> int:
        """The CMS id of article k (k = 0 is the oldest)."""
        return self.outlet.first_id + k * self.outlet.id_step

    def path(self, k: int) -> str:
        """The article's path as the outlet links it."""
        if self.outlet.cms == "ndsoft":
            return f"/news/articleView.html?idxno={self.article_id(k)}"
        return f"/{self.article_id(k)}/"

    def url(self, k: int) -> str:
        """The article's absolute URL."""
        return self.origin + self.path(k)

    def published(self, k: int) -> datetime:
        """Publication time: newest article at NEWEST, about 41 minutes apart."""
        back = (self.n - 1 - k) * 41 + (k * 37) % 17
        return NEWEST - timedelta(minutes=back)

    def _title_writer(self, k: int) -> Writer:
        flags = draw_flags(self.seed(k, "flags"))
        return Writer(self.seed(k, "title"), flags)

    def headline(self, k: int) -> str:
        """Article k's headline (cheap: sidebars of every page show many)."""
        if k not in self._headlines:
            self._headlines[k] = self._title_writer(k).title()
        return self._headlines[k]

    def article(self, k: int) -> Article:
        """Article k in full."""
        if k in self._articles:
            return self._articles[k]
        tw = self._title_writer(k)
        title = tw.title()
        self._headlines[k] = title
        rng = self.seed(k, "body")
        writer = Writer(rng, tw.flags)
        writer.entities.update(tw.entities)
        paragraphs = writer.paragraphs(800, 3000)
        subheads = {i: writer.subhead() for i in range(3, len(paragraphs) - 1, rng.randint(3, 5))
                    if rng.random() < 0.7}
        reporter = self.reporters[rng.randrange(len(self.reporters))]
        article = Article(
            k=k, id=self.article_id(k), path=self.path(k), title=title,
            section=rng.choice(SECTIONS), reporter=reporter,
            email=f"{_romanize(reporter)}@{self.outlet.domain}",
            published=self.published(k), flags=tw.flags, paragraphs=paragraphs,
            subheads=subheads, caption=writer.caption(),
            photo_after=rng.randint(0, min(2, len(paragraphs) - 1)),
        )
        article.summary = paragraphs[0].split(". ")[0].rstrip(".") + "."
        self._articles[k] = article
        return article

    def summary(self, k: int) -> str:
        """A one-sentence summary for list pages and sidebars (without building the article)."""
        return Writer(self.seed(k, "summary"), Flags()).sentence()

    def others(self, rng: random.Random, count: int) -> list[int]:
        """Article numbers to link from a sidebar (with repeats when the site is small)."""
        if self.n >= count:
            return rng.sample(range(self.n), count)
        return [rng.randrange(self.n) for _ in range(count)]

    # -- routes -----------------------------------------------------------------------------

    def article_keys(self) -> list[str]:
        """route_key of every article page."""
        return [route_key(self.path(k)) for k in range(self.n)]

    def routes(self) -> dict[str, bytes]:
        """Every page of the site: route_key -> body bytes."""
        pages: dict[str, bytes] = {"/robots.txt": self.robots()}
        if self.outlet.cms == "ndsoft":
            pages["/rss/allArticle.xml"] = self.ndsoft_feed()
            pages_count = max(1, -(-self.n // LIST_SIZE))
            for page in range(1, pages_count + 1):
                body = self.ndsoft_list(page, pages_count)
                pages[route_key(f"/news/articleList.html?view_type=sm&page={page}")] = body
                if page == 1:
                    pages[route_key("/news/articleList.html?view_type=sm")] = body
        else:
            pages["/sitemap_index.xml"] = self.wp_sitemap_index()
            for i in range(self.sitemap_count):
                name = "/post-sitemap.xml" if i == 0 else f"/post-sitemap{i + 1}.xml"
                pages[name] = self.wp_sitemap(i)
        for k in range(self.n):
            pages[route_key(self.path(k))] = self.article_page(k)
        return pages

    def article_page(self, k: int) -> bytes:
        """The article page of article k, as served."""
        if self.outlet.cms == "ndsoft":
            return self.ndsoft_article(k)
        return self.wp_article(k)

    def robots(self) -> bytes:
        """A permissive robots.txt, as these CMSs ship it."""
        if self.outlet.cms == "ndsoft":
            text = "User-agent: *\nDisallow: /member/\nDisallow: /com/ad.html\n"
        else:
            text = ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                    f"Sitemap: {self.origin}/sitemap_index.xml\n")
        return text.encode()

    # -- filling to size ----------------------------------------------------------------------

    def _fill(self, parts: list[str], rng: random.Random, item: str, box_open: str,
              box_close: str, tail: str) -> str:
        """Append boxes of linked headlines + summaries until the page reaches its size."""
        target = rng.randint(*PAGE_BYTES)
        size = sum(len(p.encode()) for p in parts) + len(tail.encode())
        box = 0
        while size < target:
            section = SECTIONS[box % len(SECTIONS)]
            block = [box_open.format(n=box + 1, section=esc(section), code=box % 9 + 1)]
            for j in self.others(rng, 8):
                block.append(item.format(
                    path=esc(self.path(j)), title=esc(self.headline(j)),
                    summary=esc(self.summary(j)), id=self.article_id(j),
                    date=self.published(j).strftime("%m-%d %H:%M"), origin=self.origin))
            block.append(box_close)
            text = "\n".join(block)
            parts.append(text)
            size += len(text.encode())
            box += 1
        parts.append(tail)
        return "\n".join(parts)

    # -- NDSoft -------------------------------------------------------------------------------

    @cached_property
    def _nd_head_common(self) -> str:
        o = self.outlet
        slots = ", ".join(f'"{s}"' for s in _AD_SLOTS)
        ad_conf = json.dumps({
            "site": o.code, "slots": [
                {"id": f"AD{100 + i}", "name": s, "size": [[728, 90], [300, 250]][i % 2],
                 "targeting": {"section": SECTIONS[i % len(SECTIONS)], "pos": i}}
                for i, s in enumerate(_AD_SLOTS * 3)]}, ensure_ascii=False)
        return f"""<link rel="alternate" type="application/rss+xml" title="{o.name} 전체기사" href="/rss/allArticle.xml">
<link rel="shortcut icon" href="/image/logo/favicon.ico">
<link rel="apple-touch-icon" href="/image/logo/apple-touch-icon.png">
<link rel="stylesheet" href="/plugin/fontawesome/css/icomoon.css?v=20260301">
<link rel="stylesheet" href="/css/ndsoft.common.css?v=20260301">
<link rel="stylesheet" href="/css/ndsoft.user.css?v=20261102">
<link rel="stylesheet" href="/css/ndsoft.article.css?v=20261102">
<link rel="stylesheet" href="/css/user.custom.css?v=20261115">
<style>
:root {{ --nd-main: {o.color}; --nd-gray: #5f6670; }}
{_ND_CSS}
</style>
<script src="/plugin/jquery/jquery-3.6.0.min.js"></script>
<script src="/js/ndsoft.common.js?v=20260301"></script>
<script>
  var ndSite = {{ code: "{o.code}", name: "{o.name}", mobile: false, lang: "ko", skin: "user-2024" }};
  var ndAdSlots = [{slots}];
  var ndAdConfig = {ad_conf};
  window.ndQueue = window.ndQueue || [];
  function ndPush(){{ window.ndQueue.push(arguments); }}
  ndPush("init", ndSite.code);
</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-{o.code.upper()}01"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());
  gtag('config', 'G-{o.code.upper()}01');
</script>
</head>"""

    @cached_property
    def _nd_header(self) -> str:
        o = self.outlet
        gnb, allmenu = [], []
        for i, (section, subs) in enumerate(_ND_MENU, start=1):
            sub_links = "\n".join(
                f'        <li><a href="/news/articleList.html?sc_sub_section_code=S2N{i * 10 + j}'
                f'&view_type=sm">{s}</a></li>' for j, s in enumerate(subs, start=1))
            gnb.append(f"""    <li class="gnb-item"><a href="/news/articleList.html?sc_section_code=S1N{i}&view_type=sm" class="gnb-link">{section}</a>
      <ul class="gnb-sub">
{sub_links}
      </ul>
    </li>""")
            dds = "\n".join(
                f'      <dd><a href="/news/articleList.html?sc_sub_section_code=S2N{i * 10 + j}'
                f'&view_type=sm">{s}</a></dd>' for j, s in enumerate(subs, start=1))
            allmenu.append(f"""    <dl class="allmenu-group"><dt><a href="/news/articleList.html?sc_section_code=S1N{i}&view_type=sm">{section}</a></dt>
{dds}
    </dl>""")
        issues = "\n".join(
            f'      <li><a href="/news/articleList.html?sc_area=A&view_type=sm&sc_word={w}">#{w}</a></li>'
            for w in _KEYWORDS[:6])
        return f"""<body>
<div id="user-wrap" class="user-wrap">
<div id="skip-navi"><a href="#user-container">본문 바로가기</a><a href="#user-gnb">주메뉴 바로가기</a></div>
<div class="ad-band" id="AD101"><div class="float-center"><a href="/com/ad.html" class="ad-band-link"><img src="/image/ad/band_expo_1080x90.jpg" alt="2026 메디컬 엑스포 사전등록" width="1080" height="90"></a></div></div>
<header id="user-header" class="user-header">
  <div class="header-top">
    <div class="float-center max-width-1080">
      <ul class="header-top-left">
        <li class="today">2026년 11월 20일 (금)</li>
        <li><a href="/news/articleList.html?view_type=sm">전체기사</a></li>
        <li><a href="/news/articleList.html?sc_section_code=S1N7&view_type=sm">기획</a></li>
        <li><a href="/news/articleList.html?sc_sub_section_code=S2N83&view_type=sm">기자수첩</a></li>
      </ul>
      <ul class="header-top-right">
        <li><a href="/member/login.html" class="login">로그인</a></li>
        <li><a href="/member/join.html" class="join">회원가입</a></li>
        <li><a href="/member/subscribe.html" class="subscribe">구독신청</a></li>
        <li><a href="/com/jebo.html" class="jebo">기사제보</a></li>
        <li class="sns"><a href="https://www.facebook.com/{o.code}.example" target="_blank" title="페이스북" rel="noopener"><i class="icon-facebook"></i><span class="show-for-sr">페이스북</span></a></li>
        <li class="sns"><a href="https://www.youtube.com/@{o.code}.example" target="_blank" title="유튜브" rel="noopener"><i class="icon-youtube"></i><span class="show-for-sr">유튜브</span></a></li>
      </ul>
    </div>
  </div>
  <div class="header-logo float-center max-width-1080">
    <button type="button" class="allmenu-btn" onclick="ndToggle('#allmenu')"><i class="icon-menu"></i><span class="show-for-sr">전체메뉴</span></button>
    <h1 class="logo"><a href="/" title="{o.name} 홈"><img src="/image/logo/toplogo_20240501.png" alt="{o.name}" width="260" height="56"></a></h1>
    <div class="header-slogan">{o.slogan}</div>
    <form name="head-search" class="header-search" method="get" action="/news/articleList.html">
      <input type="hidden" name="sc_area" value="A">
      <input type="hidden" name="view_type" value="sm">
      <label for="search-word" class="show-for-sr">검색어 입력</label>
      <input type="search" id="search-word" name="sc_word" placeholder="검색어를 입력하세요" maxlength="50">
      <button type="submit" class="search-btn"><i class="icon-search"></i><span class="show-for-sr">검색</span></button>
    </form>
  </div>
<nav id="user-gnb" class="user-gnb" role="navigation" aria-label="주메뉴">
  <ul class="gnb-menu">
{chr(10).join(gnb)}
  </ul>
</nav>
<div id="allmenu" class="allmenu-layer" style="display:none;" aria-hidden="true">
  <div class="allmenu-head"><strong>전체메뉴</strong><button type="button" class="allmenu-close" onclick="ndToggle('#allmenu')">닫기</button></div>
  <div class="allmenu-body">
{chr(10).join(allmenu)}
  </div>
</div>
  <div class="header-issue float-center max-width-1080">
    <strong class="issue-title">HOT ISSUE</strong>
    <ul class="issue-list">
{issues}
    </ul>
  </div>
</header>
<div id="user-container" class="user-container">
<div class="float-center max-width-1080">
<div class="grid body">
<div class="user-content">"""

    @cached_property
    def _nd_footer(self) -> str:
        o = self.outlet
        rng = random.Random(f"{o.code}:footer")
        return f"""<div class="footer-band" id="AD190"><div class="float-center max-width-1080">ADVERTISEMENT</div></div>
<footer id="user-footer" class="user-footer" role="contentinfo">
  <div class="footer-menu">
    <div class="float-center max-width-1080">
      <ul class="footer-links">
        <li><a href="/com/company.html">회사소개</a></li>
        <li><a href="/com/ad.html">광고문의</a></li>
        <li><a href="/com/alliance.html">제휴문의</a></li>
        <li><a href="/member/subscribe.html">구독신청</a></li>
        <li><a href="/com/jebo.html">기사제보</a></li>
        <li><a href="/member/privacy.html"><strong>개인정보처리방침</strong></a></li>
        <li><a href="/member/youth.html">청소년보호정책</a></li>
        <li><a href="/com/ethics.html">윤리강령</a></li>
        <li><a href="/com/complaint.html">고충처리인</a></li>
        <li><a href="/member/noemail.html">이메일무단수집거부</a></li>
        <li><a href="/rssIndex.html">RSS</a></li>
      </ul>
    </div>
  </div>
  <div class="footer-info float-center max-width-1080">
    <div class="footer-logo"><img src="/image/logo/footlogo_20240501.png" alt="{o.name}" width="180" height="40"></div>
    <address class="company-info">
      <ul class="info-list">
        <li><strong>상호</strong> (주){o.name}미디어</li>
        <li><strong>주소</strong> 서울특별시 가상구 예시로 {rng.randint(10, 300)}, {o.name}빌딩 {rng.randint(2, 15)}층</li>
        <li><strong>대표전화</strong> 02-0000-{rng.randint(1000, 9999)}</li>
        <li><strong>청소년보호책임자</strong> {person(rng)}</li>
        <li><strong>등록번호</strong> 서울 아 {rng.randint(10000, 99999)}</li>
        <li><strong>등록일</strong> 20{rng.randint(10, 22)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</li>
        <li><strong>발행인</strong> {person(rng)}</li>
        <li><strong>편집인</strong> {person(rng)}</li>
      </ul>
    </address>
    <div class="footer-notice">
      <p>{o.name}의 모든 콘텐츠(영상, 기사, 사진)는 저작권법의 보호를 받은바, 무단 전재와 복사, 배포 등을 금합니다.</p>
      <p class="copyright">Copyright © 2026 {o.name}. All rights reserved. mail to <a href="mailto:webmaster@{o.domain}">webmaster@{o.domain}</a></p>
    </div>
  </div>
</footer>
<button type="button" id="scroll-top" class="scroll-top" onclick="window.scrollTo(0,0);"><i class="icon-arrow-up"></i><span class="show-for-sr">맨 위로</span></button>
</div>
<script>
  (function(){{
    var slots = document.querySelectorAll('[id^="AD"]');
    for (var i = 0; i < slots.length; i++) {{ ndPush("slot", slots[i].id); }}
    function ndToggle(sel){{ var el = document.querySelector(sel); if (el) {{ el.style.display = (el.style.display === "none") ? "block" : "none"; }} }}
    window.ndToggle = ndToggle;
  }})();
</script>
<script src="/js/ndsoft.user.js?v=20261102"></script>
</body>
</html>"""

    def _nd_aside(self, rng: random.Random) -> str:
        def rank(ids: list[int]) -> str:
            return "\n".join(
                f'          <li class="item"><em class="number">{i}</em><a href="{esc(self.path(j))}" '
                f'class="auto-titles">{esc(self.headline(j))}</a></li>'
                for i, j in enumerate(ids, start=1))

        hot = "\n".join(
            f'      <li class="auto-item"><a href="{esc(self.path(j))}"><span class="auto-images">'
            f'<img src="/news/thumbnail/202611/{self.article_id(j)}_{j}_100_v150.jpg" alt=""></span>'
            f'<strong class="auto-titles">{esc(self.headline(j))}</strong><span class="auto-sections">'
            f'{SECTIONS[j % len(SECTIONS)]}</span></a></li>' for j in self.others(rng, 10))
        photos = "\n".join(
            f'      <li><a href="{esc(self.path(j))}"><img src="/news/thumbnail/202611/'
            f'{self.article_id(j)}_{j}_300_v150.jpg" alt="{esc(self.headline(j))}"><span '
            f'class="photo-title">{esc(self.headline(j))}</span></a></li>'
            for j in self.others(rng, 6))
        tags = "\n".join(
            f'      <li><a href="/news/articleList.html?sc_area=A&view_type=sm&sc_word={w}">#{w}</a></li>'
            for w in _KEYWORDS)
        return f"""<aside class="user-aside" role="complementary">
  <div class="aside-ad" id="AD141"><a href="/com/ad.html"><img src="/image/ad/aside_export_300x250.jpg" alt="K-메드테크 수출상담회 참가기업 모집" width="300" height="250"></a></div>
  <section class="aside-box auto-article popular" id="skin-12">
    <header class="aside-header"><h2 class="aside-title">많이 본 뉴스</h2>
      <ul class="tabs" role="tablist"><li class="tab-title is-active"><a href="#popular-all" role="tab">전체</a></li><li class="tab-title"><a href="#popular-device" role="tab">산업</a></li><li class="tab-title"><a href="#popular-policy" role="tab">정책</a></li></ul>
    </header>
    <div class="tabs-content">
      <div class="tabs-panel is-active" id="popular-all">
        <ul class="auto-rank">
{rank(self.others(rng, 10))}
        </ul>
      </div>
      <div class="tabs-panel" id="popular-device">
        <ul class="auto-rank">
{rank(self.others(rng, 5))}
        </ul>
      </div>
      <div class="tabs-panel" id="popular-policy">
        <ul class="auto-rank">
{rank(self.others(rng, 5))}
        </ul>
      </div>
    </div>
  </section>
  <section class="aside-box hot-article" id="skin-15">
    <header class="aside-header"><h2 class="aside-title">인기기사</h2></header>
    <ul class="auto-list">
{hot}
    </ul>
  </section>
  <div class="aside-ad" id="AD142"><a href="/com/ad.html"><img src="/image/ad/aside_demoday_300x600.jpg" alt="메디컬 스타트업 데모데이" width="300" height="600"></a></div>
  <section class="aside-box photo-news" id="skin-18">
    <header class="aside-header"><h2 class="aside-title"><a href="/news/articleList.html?sc_sub_section_code=S2N101&view_type=sm">포토뉴스</a></h2></header>
    <ul class="photo-grid">
{photos}
    </ul>
  </section>
  <section class="aside-box keyword-cloud" id="skin-24">
    <header class="aside-header"><h2 class="aside-title">주요 키워드</h2></header>
    <ul class="tag-list">
{tags}
    </ul>
  </section>
  <div class="aside-ad" id="AD143"><a href="/member/subscribe.html"><img src="/image/ad/aside_subscribe_300x150.jpg" alt="{self.outlet.name} 뉴스레터 구독하기" width="300" height="150"></a></div>"""

    _ND_ASIDE_CLOSE = "</aside>\n</div>\n</div>\n</div>"
    _ND_BOX_OPEN = ('  <section class="aside-box section-news" id="skin-3{n}">\n    <header class="aside-header">'
                    '<h2 class="aside-title"><a href="/news/articleList.html?sc_section_code=S1N{code}'
                    '&view_type=sm">{section}</a></h2></header>\n    <ul class="auto-list type-summary">')
    _ND_BOX_ITEM = ('      <li class="auto-item"><a href="{path}" class="auto-titles"><strong>{title}</strong>'
                    '</a><p class="auto-summary"><a href="{path}">{summary}</a></p>'
                    '<em class="auto-dated">{date}</em></li>')

    def ndsoft_article(self, k: int) -> bytes:
        """An NDSoft article view page (user-2024 skin, like the medinews fixture)."""
        o, a = self.outlet, self.article(k)
        rng = self.seed(k, "chrome")
        url = self.url(k)
        iso = a.published.isoformat()
        modified = a.published + timedelta(minutes=rng.randint(5, 300))
        first = f"[{o.name}={a.reporter} 기자] {a.paragraphs[0]}"
        body: list[str] = []
        for i, para in enumerate([first, *a.paragraphs[1:]]):
            if i in a.subheads:
                body.append(f"<p><strong>■ {esc(a.subheads[i])}</strong></p>")
            body.append(f"<p>{esc(para)}</p>")
            if i == a.photo_after:
                body.append(
                    f'<figure class="photo-layout image text-center"><img src="/news/photo/202611/'
                    f'{a.id}_{k}_0930.jpg" alt="{esc(a.caption)}" width="640" height="427">'
                    f"<figcaption>▲ {esc(a.caption)} (사진={o.name} DB)</figcaption></figure>")
            if i == 2:
                body.append(
                    '<div class="ad-template"><div class="ad-view-in float-center" style="max-width:640px;">'
                    f'<ins class="nd-ad" data-slot="view_body_1" data-idxno="{a.id}"></ins>'
                    '<script>ndPush("render", "view_body_1");</script><a href="/com/ad.html" '
                    'class="ad-fallback"><img src="/image/ad/inread_640x180.jpg" alt="광고" '
                    'width="640" height="180"></a></div></div>')
            if i == 5:
                body.append('<div id="AD123" class="ad-view pc-only" style="text-align:center;'
                            'margin:20px 0;">ADVERTISEMENT</div>')
        body.append(f"<p>{a.reporter} 기자 {a.email}</p>")
        related = "\n".join(
            f'    <li class="item"><a href="{esc(self.path(j))}" class="links"><span class="auto-titles">'
            f'{esc(self.headline(j))}</span><em class="dated">{self.published(j):%Y.%m.%d}</em></a></li>'
            for j in self.others(rng, rng.randint(3, 6)))
        desc = esc(a.summary)
        ld = json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
            "datePublished": iso, "dateModified": modified.isoformat(),
            "author": {"@type": "Person", "name": f"{a.reporter} 기자"},
            "publisher": {"@type": "Organization", "name": o.name},
            "mainEntityOfPage": url}, ensure_ascii=False)
        head = f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, user-scalable=yes">
<title>{esc(a.title)} - {o.name}</title>
<meta name="description" content="{desc}">
<meta name="keywords" content="{o.name}, {a.section}, 의료, 바이오">
<meta name="format-detection" content="telephone=no">
<link rel="canonical" href="{esc(url)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{o.name}">
<meta property="og:title" content="{esc(a.title)}">
<meta property="og:description" content="{desc}">
<meta property="og:url" content="{esc(url)}">
<meta property="og:image" content="{self.origin}/news/photo/202611/{a.id}_{k}_share.jpg">
<meta property="article:section" content="{a.section}">
<meta property="article:published_time" content="{iso}">
<meta property="article:modified_time" content="{modified.isoformat()}">
<meta name="author" content="{a.reporter}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{esc(a.title)}">
<meta name="twitter:description" content="{desc}">
<script type="application/ld+json">{ld}</script>
{self._nd_head_common}"""
        content = f"""<section class="article-view-section">
<header class="article-view-header">
  <ul class="breadcrumbs">
    <li><a href="/">홈</a></li>
    <li><a href="/news/articleList.html?sc_section_code=S1N1&view_type=sm">{a.section}</a></li>
  </ul>
  <h3 class="heading">{esc(a.title)}</h3>
  <article class="item">
    <ul class="infomation">
      <li><i class="icon-user-o"></i> {a.reporter} 기자</li>
      <li><i class="icon-clock-o"></i> 입력 {a.published:%Y.%m.%d %H:%M}</li>
      <li><i class="icon-clock-o"></i> 수정 {modified:%Y.%m.%d %H:%M}</li>
      <li><i class="icon-comment-o"></i> 댓글 0</li>
    </ul>
  </article>
  <ul class="options">
    <li class="font-size"><button type="button" class="font-down" onclick="ndFont(-1)" title="글씨 작게"><i class="icon-minus"></i><span class="show-for-sr">글씨 작게</span></button><button type="button" class="font-up" onclick="ndFont(1)" title="글씨 크게"><i class="icon-plus"></i><span class="show-for-sr">글씨 크게</span></button></li>
    <li><button type="button" onclick="window.print();" title="인쇄하기"><i class="icon-print"></i><span class="show-for-sr">인쇄하기</span></button></li>
    <li><button type="button" onclick="ndScrap({a.id});" title="스크랩"><i class="icon-bookmark"></i><span class="show-for-sr">스크랩</span></button></li>
  </ul>
</header>
<div class="article-view-content">
<article id="article-view-content-div" class="article-veiw-body view-page font-size17" itemprop="articleBody">
{chr(10).join(body)}
</article>
<article class="writer">
  <div class="profile-images"><img src="/image/reporter/{a.email.split('@')[0]}.jpg" alt="{a.reporter} 기자" width="80" height="80"></div>
  <div class="info">
    <strong class="name">{a.reporter} 기자</strong>
    <a href="mailto:{a.email}" class="email">{a.email}</a>
    <a href="/news/articleList.html?sc_area=I&sc_word={a.email.split('@')[0]}&view_type=sm" class="more">다른기사 보기</a>
  </div>
</article>
<article class="article-copy">저작권자 © {o.name} 무단전재 및 재배포 금지</article>
<ul class="info-options2">
  <li><a href="#" onclick="ndShare('facebook', {a.id}); return false;" class="share-facebook" title="페이스북"><i class="icon-facebook"></i><span>페이스북</span></a></li>
  <li><a href="#" onclick="ndShare('twitter', {a.id}); return false;" class="share-twitter" title="트위터"><i class="icon-twitter"></i><span>트위터</span></a></li>
  <li><a href="#" onclick="ndShare('kakaotalk', {a.id}); return false;" class="share-kakaotalk" title="카카오톡"><i class="icon-kakaotalk"></i><span>카카오톡</span></a></li>
  <li><a href="#" onclick="ndShare('band', {a.id}); return false;" class="share-band" title="밴드"><i class="icon-band"></i><span>밴드</span></a></li>
  <li><a href="#" onclick="ndCopyUrl(); return false;" class="share-url" title="URL복사"><i class="icon-link"></i><span>URL복사</span></a></li>
</ul>
<div class="article-relation">
  <div class="relation-title"><strong>관련기사</strong></div>
  <ul class="relation-list">
{related}
  </ul>
</div>
<div class="ad-view-bottom" id="AD131"><a href="/com/ad.html"><img src="/image/ad/view_bottom_728x90.jpg" alt="광고" width="728" height="90"></a></div>
<section id="comment" class="comment-wrap">
  <header class="comment-header"><h3 class="title">댓글 <span class="count">0</span></h3></header>
  <div class="comment-notice"><p>댓글을 남겨주세요. 욕설, 비방, 광고성 댓글은 통보 없이 삭제될 수 있습니다.</p></div>
  <form name="comment-form" class="comment-form" method="post" action="/news/commentWrite.html">
    <input type="hidden" name="idxno" value="{a.id}">
    <textarea id="comment-text" name="comment" placeholder="댓글을 남겨주세요" maxlength="400" rows="4"></textarea>
    <div class="comment-form-foot"><span class="counter"><em>0</em> / 400</span><button type="submit" class="button">등록</button></div>
  </form>
  <ul class="comment-list"><li class="comment-none">등록된 댓글이 없습니다. 첫 댓글을 남겨주세요.</li></ul>
</section>
</div>
</section>"""
        # Sidebar boxes of section news fill the page to size, inside the aside as NDSoft does.
        parts = [head, self._nd_header, content, "</div>", self._nd_aside(rng)]
        tail = self._ND_ASIDE_CLOSE + "\n" + self._nd_footer
        return self._fill(parts, rng, self._ND_BOX_ITEM, self._ND_BOX_OPEN,
                          "    </ul>\n  </section>", tail).encode()

    def ndsoft_list(self, page: int, pages: int) -> bytes:
        """List page ``page`` of the whole-site list (newest first), with numbered pagination."""
        o = self.outlet
        newest = self.n - 1 - (page - 1) * LIST_SIZE
        ks = [k for k in range(newest, newest - LIST_SIZE, -1) if k >= 0]
        items = []
        for k in ks:
            path, title = esc(self.path(k)), esc(self.headline(k))
            items.append(f"""      <li class="altlist-webzine-item">
        <div class="altlist-image"><a href="{path}" class="altlist-image-link"><img src="/news/thumbnail/202611/{self.article_id(k)}_{k}_150_v150.jpg" alt="{title}" width="150" height="100"></a></div>
        <div class="altlist-webzine-content">
          <h2 class="altlist-subject"><a href="{path}">{title}</a></h2>
          <p class="altlist-summary"><a href="{path}">{esc(self.summary(k))}</a></p>
          <div class="altlist-info">
            <div class="altlist-info-item">{SECTIONS[k % len(SECTIONS)]}</div>
            <div class="altlist-info-item">{self.reporters[k % len(self.reporters)]} 기자</div>
            <div class="altlist-info-item">{self.published(k):%m-%d %H:%M}</div>
          </div>
        </div>
      </li>""")
        base = "/news/articleList.html?view_type=sm&page="
        first_shown = (page - 1) // 10 * 10 + 1
        numbers = [f'      <li class="pagination-start"><a href="{base}1">처음</a></li>',
                   f'      <li class="pagination-prev"><a href="{base}{max(page - 1, 1)}">이전</a></li>']
        for p in range(first_shown, min(first_shown + 10, pages + 1)):
            cls = ' class="current"' if p == page else ""
            numbers.append(f'      <li{cls}><a href="{base}{p}">{p}</a></li>')
        if page < pages:
            numbers.append(f'      <li class="pagination-next"><a href="{base}{page + 1}">다음</a></li>')
        numbers.append(f'      <li class="pagination-end"><a href="{base}{pages}">끝</a></li>')
        head = f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, user-scalable=yes">
<title>전체기사 - {o.name}</title>
<meta name="description" content="{o.name} 전체기사">
<link rel="canonical" href="{self.origin}/news/articleList.html?view_type=sm&amp;page={page}">
<meta property="og:title" content="전체기사 - {o.name}">
<meta property="og:type" content="website">
{self._nd_head_common}"""
        content = f"""<section id="section-list" class="section-list">
  <header class="section-header">
    <h2 class="section-title">전체기사</h2>
    <ul class="breadcrumbs"><li><a href="/">홈</a></li><li>전체기사</li></ul>
  </header>
  <div class="list-options">
    <span class="list-total">전체 <strong>{self.n:,}</strong>건</span>
  </div>
  <div id="sections" class="altlist">
    <ul class="altlist-webzine">
{chr(10).join(items)}
    </ul>
    <ul class="pagination">
{chr(10).join(numbers)}
    </ul>
  </div>
</section>
<div class="ad-list-bottom" id="AD132"><a href="/com/ad.html"><img src="/image/ad/list_bottom_728x90.jpg" alt="광고" width="728" height="90"></a></div>
</div>"""
        rng = random.Random(f"{o.code}:list:{page}")
        text = "\n".join([head, self._nd_header, content, self._nd_aside(rng),
                          self._ND_ASIDE_CLOSE, self._nd_footer])
        return text.encode()

    def ndsoft_feed(self) -> bytes:
        """The whole-site RSS feed: the newest FEED_SIZE articles."""
        o = self.outlet
        items = []
        for k in range(self.n - 1, max(self.n - 1 - FEED_SIZE, -1), -1):
            reporter = self.reporters[k % len(self.reporters)]
            items.append(f"""<item>
<title>{esc(self.headline(k))}</title>
<link>{esc(self.url(k))}</link>
<description><![CDATA[[{o.name}={reporter} 기자] {self.summary(k)}]]></description>
<author><![CDATA[{reporter} 기자]]></author>
<pubDate>{self.published(k):%Y-%m-%d %H:%M:%S}</pubDate>
</item>""")
        newest = self.published(self.n - 1)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{o.name} 전체기사</title>
<link>{self.origin}</link>
<description>{o.slogan} {o.name}의 전체기사 RSS</description>
<language>ko</language>
<copyright>Copyright © {o.name}. All rights reserved.</copyright>
<pubDate>{newest:%Y-%m-%d %H:%M:%S}</pubDate>
<lastBuildDate>{newest:%Y-%m-%d %H:%M:%S}</lastBuildDate>
{chr(10).join(items)}
</channel>
</rss>
""".encode()

    # -- WordPress ----------------------------------------------------------------------------

    @property
    def sitemap_count(self) -> int:
        """How many post sitemaps the index lists."""
        return max(1, -(-self.n // SITEMAP_SIZE))

    def wp_sitemap_index(self) -> bytes:
        """Yoast's sitemap_index.xml."""
        entries = []
        for i in range(self.sitemap_count):
            name = "post-sitemap.xml" if i == 0 else f"post-sitemap{i + 1}.xml"
            newest = min(self.n - 1, (i + 1) * SITEMAP_SIZE - 1)
            entries.append(f"\t<sitemap>\n\t\t<loc>{self.origin}/{name}</loc>\n\t\t<lastmod>"
                           f"{self.published(newest).astimezone(UTC).isoformat()}"
                           "</lastmod>\n\t</sitemap>")
        return ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" '
                f'href="{self.origin}/main-sitemap.xsl"?>\n<sitemapindex xmlns="http://www.'
                f'sitemaps.org/schemas/sitemap/0.9">\n{chr(10).join(entries)}\n</sitemapindex>\n'
                "<!-- XML Sitemap generated by Yoast SEO -->\n").encode()

    def wp_sitemap(self, i: int) -> bytes:
        """Yoast post sitemap i (oldest posts first, as Yoast orders them)."""
        urls = []
        for k in range(i * SITEMAP_SIZE, min(self.n, (i + 1) * SITEMAP_SIZE)):
            urls.append(f"\t<url>\n\t\t<loc>{esc(self.url(k))}</loc>\n\t\t<lastmod>"
                        f"{self.published(k).astimezone(UTC).isoformat()}</lastmod>\n"
                        f"\t\t<image:image>\n\t\t\t<image:loc>{self.origin}/wp-content/uploads/2026/"
                        f"11/post-{self.article_id(k)}.jpg</image:loc>\n\t\t</image:image>\n\t</url>")
        return ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" '
                f'href="{self.origin}/main-sitemap.xsl"?>\n<urlset xmlns:xsi="http://www.w3.org/'
                '2001/XMLSchema-instance" xmlns:image="http://www.google.com/schemas/sitemap-'
                'image/1.1" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{chr(10).join(urls)}\n</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n"
                ).encode()

    @cached_property
    def _wp_head_common(self) -> str:
        o = self.outlet
        presets = []
        for name, value in _WP_COLORS:
            presets.append(f"--wp--preset--color--{name}: {value};")
        rules = []
        for kind, prop in (("color", "color"), ("background-color", "background-color"),
                           ("border-color", "border-color")):
            for name, _ in _WP_COLORS:
                suffix = "" if kind == "color" else "-" + kind.split("-")[0]
                rules.append(f".has-{name}{suffix}-color{{{prop}: var(--wp--preset--color--{name})"
                             " !important;}")
        return f"""<link rel='dns-prefetch' href='//stats.wp.com' />
<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel="alternate" type="application/rss+xml" title="{o.name} &raquo; 피드" href="{self.origin}/feed/" />
<link rel="alternate" type="application/rss+xml" title="{o.name} &raquo; 댓글 피드" href="{self.origin}/comments/feed/" />
<script type="text/javascript">
/* <![CDATA[ */
window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/","ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/svg\\/","svgExt":".svg","source":{{"concatemoji":"{self.origin}\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.7.2"}}}};
{_WP_EMOJI_JS}
/* ]]> */
</script>
<style id='wp-block-library-inline-css' type='text/css'>
{_WP_CSS.replace("#0f8a8a", o.color)}
</style>
<style id='global-styles-inline-css' type='text/css'>
:root{{
{chr(10).join(presets)}
--wp--preset--font-size--small: 13px;
--wp--preset--font-size--medium: 20px;
--wp--preset--font-size--large: 36px;
}}
{chr(10).join(rules)}
</style>
<link rel='stylesheet' id='theme-style-css' href='{self.origin}/wp-content/themes/newsroom/style.css?ver=2.4.1' type='text/css' media='all' />
<link rel='stylesheet' id='jetpack_css-css' href='{self.origin}/wp-content/plugins/jetpack/css/jetpack.css?ver=14.1' type='text/css' media='all' />
<script type="text/javascript" src="{self.origin}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="https://api.w.org/" href="{self.origin}/wp-json/" />
<meta name="generator" content="WordPress 6.7.2" />
<link rel="icon" href="{self.origin}/wp-content/uploads/2025/03/cropped-icon-32x32.png" sizes="32x32" />
</head>"""

    @cached_property
    def _wp_header(self) -> str:
        o = self.outlet
        items = []
        mid = 1200
        for slug, (section, subs) in zip(_WP_SLUGS, _ND_MENU, strict=False):
            mid += 1
            sub = "\n".join(
                f'\t<li id="menu-item-{mid * 10 + j}" class="menu-item menu-item-type-taxonomy '
                f'menu-item-object-category menu-item-{mid * 10 + j}"><a href="{self.origin}/category/'
                f'{slug}/sub-{j}/">{s}</a></li>' for j, s in enumerate(subs, start=1))
            items.append(
                f'<li id="menu-item-{mid}" class="menu-item menu-item-type-taxonomy menu-item-object-'
                f'category menu-item-has-children menu-item-{mid}"><a href="{self.origin}/category/'
                f'{slug}/">{section}</a>\n<ul class="sub-menu">\n{sub}\n</ul>\n</li>')
        return f"""<body class="post-template-default single single-post single-format-standard wp-embed-responsive right-sidebar">
<div id="page" class="site">
	<a class="skip-link screen-reader-text" href="#primary">콘텐츠로 건너뛰기</a>
	<div class="top-bar"><div class="container"><span class="today">2026년 11월 20일 금요일</span>
	<ul class="top-links"><li><a href="{self.origin}/newsletter/">뉴스레터</a></li><li><a href="{self.origin}/tip/">제보하기</a></li><li><a href="{self.origin}/ad/">광고 문의</a></li></ul></div></div>
	<header id="masthead" class="site-header">
		<div class="site-branding container">
			<p class="site-title"><a href="{self.origin}/" rel="home">{o.name}</a></p>
			<p class="site-description">{o.slogan}</p>
		</div>
		<div class="ad-slot ad-header"><!-- /2183/{o.code}_top_728x90 --><a href="https://ad.{o.domain}/click?slot=top" rel="sponsored nofollow"><img src="{self.origin}/wp-content/uploads/ads/banner-728x90-expo.jpg" width="728" height="90" alt="광고" /></a></div>
		<nav id="site-navigation" class="main-navigation" aria-label="주 메뉴">
			<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">메뉴</button>
			<div class="menu-main-container"><ul id="primary-menu" class="menu">
{chr(10).join(items)}
</ul></div>
		</nav><!-- #site-navigation -->
	</header><!-- #masthead -->

	<div id="content" class="site-content container">"""

    @cached_property
    def _wp_footer(self) -> str:
        o = self.outlet
        return f"""	</div><!-- #content -->

	<footer id="colophon" class="site-footer">
		<div class="footer-widgets container">
			<div class="footer-menu"><ul id="footer-menu" class="menu"><li><a href="{self.origin}/about/">회사소개</a></li><li><a href="{self.origin}/privacy-policy/">개인정보처리방침</a></li><li><a href="{self.origin}/youth-policy/">청소년보호정책</a></li><li><a href="{self.origin}/ethics/">윤리강령</a></li><li><a href="{self.origin}/contact/">문의하기</a></li></ul></div>
			<div class="site-info">
				<p>(주){o.name}미디어 | 서울특별시 가상구 예시로 42, 7층 | 대표전화 02-555-0100 | 팩스 02-555-0199</p>
				<p>인터넷신문 등록번호 서울 아 00000 | 등록일 2019년 4월 1일 | 발행·편집인 {person(random.Random(o.code))}</p>
				<p>{o.name}의 모든 콘텐츠는 저작권법의 보호를 받습니다. &copy; 2026 {o.name}. All rights reserved.</p>
			</div><!-- .site-info -->
		</div>
	</footer><!-- #colophon -->
</div><!-- #page -->

<script type="text/javascript" id="jetpack-stats-js-before">
/* <![CDATA[ */
_stq = window._stq || [];
_stq.push([ "view", JSON.parse("{{\\"v\\":\\"ext\\",\\"blog\\":\\"218830411\\",\\"tz\\":\\"9\\",\\"srv\\":\\"{o.domain}\\",\\"j\\":\\"1:14.1\\"}}") ]);
/* ]]> */
</script>
<script type="text/javascript" src="https://stats.wp.com/e-202647.js" id="jetpack-stats-js" defer="defer" data-wp-strategy="defer"></script>
<script type="text/javascript" src="{self.origin}/wp-content/themes/newsroom/js/navigation.js?ver=2.4.1" id="newsroom-navigation-js"></script>
<script type="text/javascript" src="{self.origin}/wp-includes/js/comment-reply.min.js?ver=6.7.2" id="comment-reply-js" async="async" data-wp-strategy="async"></script>
</body>
</html>"""

    _WP_BOX_OPEN = ('<section id="category-posts-{n}" class="widget widget_category_posts">'
                    '<h2 class="widget-title">{section} 최신 글</h2>\n<ul class="cat-post-list">')
    _WP_BOX_ITEM = ('<li class="cat-post-item"><a class="cat-post-title" href="{origin}{path}">'
                    '{title}</a><p class="cat-post-excerpt">{summary} &hellip;</p>'
                    '<span class="cat-post-date">{date}</span></li>')

    def wp_article(self, k: int) -> bytes:
        """A WordPress single-post page (Yoast, Jetpack sharing/related posts, widgets)."""
        o, a = self.outlet, self.article(k)
        rng = self.seed(k, "chrome")
        url = self.url(k)
        iso = a.published.isoformat()
        first = f"[{o.name}={a.reporter} 기자] {a.paragraphs[0]}"
        body: list[str] = []
        for i, para in enumerate([first, *a.paragraphs[1:]]):
            if i in a.subheads:
                body.append(f'<h2 class="wp-block-heading">{esc(a.subheads[i])}</h2>\n')
            body.append(f"<p>{esc(para)}</p>\n")
            if i == a.photo_after:
                body.append(
                    '<figure class="wp-block-image aligncenter size-large"><img decoding="async" '
                    f'width="1024" height="683" src="{self.origin}/wp-content/uploads/2026/11/'
                    f'post-{a.id}.jpg" alt="{esc(a.caption)}" class="wp-image-{a.id + 1}"/>'
                    f'<figcaption class="wp-element-caption">{esc(a.caption)} (사진={o.name})'
                    "</figcaption></figure>\n")
            if i == 3:
                body.append('<div class="ad-slot ad-inarticle"><!-- /2183/in_article --><ins '
                            'class="adsbygoogle" style="display:block; text-align:center;" '
                            'data-ad-layout="in-article" data-ad-format="fluid"></ins></div>\n')
        body.append(f'<p class="has-small-font-size">[{o.name} 제보] 카카오톡에서 &#8216;{o.name}'
                    f"&#8217; 채널을 추가해 제보해 주세요. 이메일 tip@{o.domain}</p>\n")
        body.append(f"<p>저작권ⓒ {o.name}(https://{o.domain}) / 무단전재-재배포 금지</p>")
        related = "".join(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id='
            f'"{self.article_id(j)}" data-post-format="false"><a class="jp-relatedposts-post-a" '
            f'href="{self.url(j)}" rel="nofollow">{esc(self.headline(j))}</a><p class='
            f'"jp-relatedposts-post-date">{self.published(j):%Y년 %m월 %d일}</p></div>'
            for i, j in enumerate(self.others(rng, 3)))
        tags = rng.sample(_KEYWORDS, 4)
        ld = json.dumps({"@context": "https://schema.org", "@graph": [
            {"@type": "Article", "@id": f"{url}#article", "headline": a.title,
             "datePublished": iso, "dateModified": iso, "articleSection": [a.section],
             "author": {"name": f"{a.reporter} 기자"}, "inLanguage": "ko-KR",
             "keywords": tags, "mainEntityOfPage": {"@id": url},
             "publisher": {"@id": f"{self.origin}/#organization"}},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{a.title} - {o.name}",
             "datePublished": iso, "breadcrumb": {"@id": f"{url}#breadcrumb"}},
            {"@type": "Organization", "@id": f"{self.origin}/#organization", "name": o.name,
             "url": f"{self.origin}/"}]}, ensure_ascii=False)
        popular = "".join(
            f'<li><a href="{self.url(j)}" class="wpp-post-title" target="_self">'
            f'{esc(self.headline(j))}</a> <span class="wpp-meta post-stats"><span class="wpp-views">'
            f"{rng.randint(300, 9000):,} 조회</span></span></li>" for j in self.others(rng, 10))
        recent = "".join(
            f'<li><a href="{self.url(j)}">{esc(self.headline(j))}</a> <span class="post-date">'
            f"{self.published(j):%Y년 %m월 %d일}</span></li>"
            for j in range(self.n - 1, max(self.n - 11, -1), -1))
        cats = "".join(
            f'<li class="cat-item cat-item-{30 + i}"><a href="{self.origin}/category/{slug}/">'
            f"{section}</a> ({rng.randint(40, 2400)})</li>"
            for i, (slug, (section, _)) in enumerate(zip(_WP_SLUGS, _ND_MENU, strict=False)))
        cloud = " ".join(
            f'<a href="{self.origin}/tag/{w}/" class="tag-cloud-link tag-link-{200 + i} '
            f'tag-link-position-{i + 1}" style="font-size: {8 + i % 14}pt;" aria-label="{w} '
            f'({rng.randint(3, 90)}개 항목)">{w}</a>' for i, w in enumerate(_KEYWORDS))
        head = f"""<!doctype html>
<html lang="ko-KR">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
	<!-- This site is optimized with the Yoast SEO plugin v23.9 - https://yoast.com/wordpress/plugins/seo/ -->
	<title>{esc(a.title)} - {o.name}</title>
	<meta name="description" content="{esc(a.summary)}" />
	<link rel="canonical" href="{url}" />
	<meta property="og:locale" content="ko_KR" />
	<meta property="og:type" content="article" />
	<meta property="og:title" content="{esc(a.title)}" />
	<meta property="og:description" content="{esc(a.summary)}" />
	<meta property="og:url" content="{url}" />
	<meta property="og:site_name" content="{o.name}" />
	<meta property="article:published_time" content="{iso}" />
	<meta property="og:image" content="{self.origin}/wp-content/uploads/2026/11/post-{a.id}.jpg" />
	<meta name="author" content="{a.reporter} 기자" />
	<meta name="twitter:card" content="summary_large_image" />
	<meta name="twitter:label1" content="글쓴이" />
	<meta name="twitter:data1" content="{a.reporter} 기자" />
	<script type="application/ld+json" class="yoast-schema-graph">{ld}</script>
	<!-- / Yoast SEO plugin. -->
{self._wp_head_common}"""
        tag_links = ", ".join(f'<a href="{self.origin}/tag/{t}/" rel="tag">{t}</a>' for t in tags)
        content = f"""	<nav class="breadcrumbs" aria-label="breadcrumb"><span><span><a href="{self.origin}/">홈</a></span> &raquo; <span><a href="{self.origin}/category/news/">{a.section}</a></span> &raquo; <span class="breadcrumb_last" aria-current="page">{esc(a.title)}</span></span></nav>
	<main id="primary" class="site-main content-area">

<article id="post-{a.id}" class="post-{a.id} post type-post status-publish format-standard has-post-thumbnail hentry">
	<header class="entry-header">
		<span class="cat-links"><a href="{self.origin}/category/news/" rel="category tag">{a.section}</a></span>
		<h1 class="entry-title">{esc(a.title)}</h1>
		<div class="entry-meta">
			<span class="posted-on"><a href="{url}" rel="bookmark"><time class="entry-date published updated" datetime="{iso}">{a.published:%Y년 %m월 %d일}</time></a></span><span class="byline"> <span class="author vcard"><a class="url fn n" href="{self.origin}/author/{a.email.split('@')[0]}/">{a.reporter} 기자</a></span></span>
			<span class="comments-link"><a href="{url}#respond">댓글 0</a></span>
		</div><!-- .entry-meta -->
	</header><!-- .entry-header -->

	<div class="entry-content">
{"".join(body)}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">공유하기:</h3><div class="sd-content"><ul><li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button share-icon" href="{url}?share=facebook" target="_blank" title="Facebook에 공유하려면 클릭"><span>Facebook</span></a></li><li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button share-icon" href="{url}?share=x" target="_blank" title="X에 공유하려면 클릭"><span>X</span></a></li><li class="share-end"></li></ul></div></div></div>
<div id='jp-relatedposts' class='jp-relatedposts' style="display: block;"><h3 class="jp-relatedposts-headline"><em>관련</em></h3><div class="jp-relatedposts-items jp-relatedposts-items-visual jp-relatedposts-grid">{related}</div></div>
</div><!-- .entry-content -->

	<footer class="entry-footer">
		<span class="tags-links">태그: {tag_links}</span>
		<div class="author-box"><img alt='' src='{self.origin}/wp-content/uploads/authors/{a.email.split('@')[0]}-96x96.jpg' class='avatar avatar-96 photo' height='96' width='96' />
		<div class="author-info"><p class="author-name">{a.reporter} 기자</p><p class="author-bio">의료기기·바이오 산업을 취재합니다. <a href="mailto:{a.email}">{a.email}</a></p></div></div>
	</footer><!-- .entry-footer -->
</article><!-- #post-{a.id} -->

<div id="comments" class="comments-area">
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">댓글 남기기</h3>
<form action="{self.origin}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">이메일 주소는 공개되지 않습니다.</span> <span class="required-field-message">필수 필드는 <span class="required">*</span>로 표시됩니다</span></p>
<p class="comment-form-comment"><label for="comment">댓글 <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">이름 <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>
<p class="comment-form-email"><label for="email">이메일 <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" autocomplete="email" required /></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="댓글 달기" /> <input type='hidden' name='comment_post_ID' value='{a.id}' id='comment_post_ID' /></p></form>
</div><!-- #respond -->
</div><!-- #comments -->

	</main><!-- #main -->

<aside id="secondary" class="widget-area" role="complementary">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{self.origin}/">
<label><span class="screen-reader-text">검색:</span><input type="search" class="search-field" placeholder="검색 &hellip;" value="" name="s" /></label>
<input type="submit" class="search-submit" value="검색" /></form></section>
<section id="custom_html-3" class="widget_text widget widget_custom_html"><div class="textwidget custom-html-widget">
<div class="ad-slot ad-sidebar-top"><a href="https://ad.{o.domain}/click?slot=sb1" rel="sponsored nofollow"><img src="{self.origin}/wp-content/uploads/ads/banner-300x250.jpg" width="300" height="250" alt="광고" /></a></div>
</div></section>
<section id="wpp-2" class="widget popular-posts"><h2 class="widget-title">인기 기사</h2>
<ol class="wpp-list popular-posts">{popular}</ol>
</section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">최근 글</h2>
<nav aria-label="최근 글"><ul>{recent}</ul></nav></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">카테고리</h2>
<nav aria-label="카테고리"><ul>{cats}</ul></nav></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">태그</h2>
<nav aria-label="태그"><div class="tagcloud">{cloud}</div></nav></section>"""
        tail = f"""<section id="custom_html-4" class="widget_text widget widget_custom_html"><div class="textwidget custom-html-widget">
<div class="ad-slot ad-sidebar-bottom"><a href="https://ad.{o.domain}/click?slot=sb2" rel="sponsored nofollow"><img src="{self.origin}/wp-content/uploads/ads/banner-300x600.jpg" width="300" height="600" alt="광고" /></a></div>
<p class="newsletter-cta">매주 월요일, 의료기기·바이오 뉴스레터를 받아보세요. <a href="{self.origin}/newsletter/">구독하기</a></p>
</div></section>
</aside>
{self._wp_footer}"""
        parts = [head, self._wp_header, content]
        return self._fill(parts, rng, self._WP_BOX_ITEM, self._WP_BOX_OPEN, "</ul></section>",
                          tail).encode()


_ROMAN = dict(zip("김이박최정강조윤장임한서신권황안류홍전고문양손배백허남심노하곽성차주우구민진나",
                  ["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim",
                   "han", "seo", "shin", "kwon", "hwang", "ahn", "ryu", "hong", "jeon", "ko",
                   "moon", "yang", "son", "bae", "baek", "heo", "nam", "shim", "noh", "ha",
                   "kwak", "sung", "cha", "joo", "woo", "koo", "min", "jin", "na"], strict=True))


def _romanize(name: str) -> str:
    """A plausible e-mail local part for a Korean name (surname + a number)."""
    return f"{_ROMAN.get(name[0], 'news')}{sum(map(ord, name)) % 97:02d}"


_AD_SLOTS = ["top_banner", "view_body_1", "view_body_2", "aside_1", "aside_2", "aside_3",
             "footer_band", "list_bottom", "popup", "wing_left", "wing_right"]
_KEYWORDS = ["혁신의료기기", "디지털치료기기", "의료AI", "체외진단", "식약처", "FDA", "CDMO", "원격의료",
             "헬스케어혁신파크", "규제샌드박스", "수출", "임상시험", "건강보험", "바이오클러스터",
             "웨어러블", "전자약", "의료데이터", "스타트업", "투자유치", "인허가"]
_ND_MENU = [
    ("의료기기", ["영상진단", "치료·수술기기", "체외진단", "수출·해외", "기업·인사"]),
    ("디지털헬스", ["의료AI", "디지털치료기기", "의료데이터", "원격의료"]),
    ("제약·바이오", ["바이오의약품", "CDMO", "소부장"]),
    ("정책", ["식약처", "보건복지부", "국회", "건강보험"]),
    ("클러스터", ["충북", "강원", "대구·경북", "인천", "경기"]),
    ("병원", ["대학병원", "중소병원", "의료인"]),
    ("기획", ["기획·분석", "인터뷰", "현장"]),
    ("오피니언", ["사설", "칼럼", "기자수첩", "기고"]),
    ("라이프", ["건강", "문화", "여행"]),
    ("포토·영상", ["포토뉴스", "영상뉴스"]),
]
_WP_SLUGS = ["medical-device", "digital-health", "pharma-bio", "policy", "cluster", "hospital",
             "feature", "opinion", "life", "photo"]
_WP_COLORS = [
    ("black", "#000000"), ("cyan-bluish-gray", "#abb8c3"), ("white", "#ffffff"),
    ("pale-pink", "#f78da7"), ("vivid-red", "#cf2e2e"), ("luminous-vivid-orange", "#ff6900"),
    ("luminous-vivid-amber", "#fcb900"), ("light-green-cyan", "#7bdcb5"),
    ("vivid-green-cyan", "#00d084"), ("pale-cyan-blue", "#8ed1fc"),
    ("vivid-cyan-blue", "#0693e3"), ("vivid-purple", "#9b51e0"), ("site-navy", "#14365c"),
    ("site-teal", "#0f8a8a"), ("site-gray", "#5f6670"), ("site-light", "#f4f6f8"),
]
_ND_CSS = "\n".join(
    f".nd-{name} {{ margin: {i % 5 * 4}px 0; padding: {i % 3 * 6}px; font-size: {12 + i % 6}px; "
    f"color: var(--nd-{'main' if i % 2 else 'gray'}); line-height: 1.{5 + i % 4}; }}"
    for i, name in enumerate(
        f"{a}-{b}" for a in ("header", "gnb", "list", "view", "aside", "footer", "ad", "photo")
        for b in ("wrap", "inner", "title", "item", "link", "image", "meta", "more", "tab",
                  "panel", "rank", "badge")))
_WP_CSS = "\n".join([
    ".wp-block-image img{box-sizing:border-box;height:auto;max-width:100%;vertical-align:bottom}",
    ".wp-block-image figcaption{margin-bottom:1em;margin-top:.5em;color:#5f6670;font-size:13px}",
    ".wp-block-heading{font-weight:700;line-height:1.4;margin:2em 0 1em}",
    "h2.wp-block-heading{font-size:1.25rem;border-left:4px solid #0f8a8a;padding-left:.6em}",
    ".entry-content p{margin:0 0 1.4em;line-height:1.85;font-size:17px;word-break:keep-all}",
    ".entry-meta{color:#5f6670;font-size:13px}",
    ".sd-content ul{list-style:none;margin:0;padding:0}",
    "#jp-relatedposts{clear:both;display:none;margin:1em 0;padding-top:1em;position:relative}",
    ".widget{margin:0 0 2.5em}",
    ".widget-title{font-size:15px;font-weight:700;border-bottom:2px solid #14365c}",
    ".main-navigation ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}",
    ".main-navigation a{display:block;padding:14px 16px;color:#14365c;font-weight:700}",
    ".site-footer{background:#14365c;color:#c9d3de;font-size:13px;padding:3em 0}",
    ".ad-slot{text-align:center;margin:1.5em 0;min-height:90px;background:#f4f6f8}",
    *(f".wp-block-{b}.is-style-{s}{{margin:{i % 4}em 0;padding:{i % 3}em;border-radius:{i % 5}px}}"
      for i, (b, s) in enumerate((b, s) for b in ("group", "columns", "cover", "quote", "table",
                                                   "button", "gallery", "list", "media-text")
                                 for s in ("default", "rounded", "outline", "plain", "wide"))),
])
_WP_EMOJI_JS = ("!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new "
                "Date).valueOf()};sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function "
                "p(e,t,n){e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(t,0,0);var t="
                "new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data)}"
                "}(window,document);")
