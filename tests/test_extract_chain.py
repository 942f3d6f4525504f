"""The extraction candidate chain, DOM-evidence clean-up, titles and --explain.

Small pages of our own, each reproducing one failure class measured on real pages (issue 10):
an empty known container, a lead after a comment or a photo box, script-only bodies, titles
with hyphens, and lines that only the DOM can show to be boilerplate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.errors import ExtractError
from crawler.extract import explain_article, extract_article, strip_site_suffix
from crawler.scriptdata import html_lines, script_bodies

URL = "https://news.example.kr/news/articleView.html?idxno=7001"
P1 = "오송 첨단의료복합단지에 새 임상시험센터가 문을 열고 입주 기업 열두 곳이 장비를 함께 쓴다."
P2 = "재단은 내년까지 시험 장비를 두 배로 늘려 중소 기업의 인증 기간을 줄일 계획이라고 밝혔다."
P3 = "업계는 지역 클러스터 사이의 장비 공유가 수출 인증 비용을 크게 낮출 것으로 기대하고 있다."


def page(body: str, head: str = "") -> str:
    """A page with a header, menus and a footer around body."""
    return (f'<html><head><meta charset="utf-8"><title>임상시험센터 개소 - 메디뉴스</title>{head}'
            "</head><body><header><a href='/'><img src='/logo.png' alt='메디뉴스'></a>"
            "<nav><a href='/a'>의료기기</a> <a href='/b'>정책</a> <a href='/c'>클러스터</a></nav>"
            f"</header>{body}<footer>메디뉴스 | 등록번호 서울 아 00000 | "
            "Copyright © 메디뉴스. All rights reserved.</footer></body></html>")


def test_empty_known_container_falls_back_to_the_page() -> None:
    html = page(f"<div class='wrap'><div id='articleBody'></div><p>{P1}</p><p>{P2}</p>"
                f"<p>{P3}</p></div>")
    article, why = explain_article(html, URL)
    assert article.body == f"{P1}\n{P2}\n{P3}"
    assert why.chosen in ("page", "densest block")
    assert ("container //*[@id='articleBody']", 0) in why.tried


def test_lead_after_a_comment_is_kept() -> None:
    html = page(f"<div itemprop='articleBody'><!-- article text body -->\n{P1}<br><br>{P2}"
                f"<br><br>{P3}</div>")
    assert extract_article(html, URL).body.splitlines()[0] == P1


def test_lead_after_a_photo_box_in_a_broken_paragraph_is_kept() -> None:
    html = page("<div itemprop='articleBody'><div class='article'><p>"
                "<div class='article_img'><p class='photo'><img src='/1.jpg'>"
                "<p class='aboutPhoto'>새 센터 전경</p></p></div>"
                f"<!-- article text body -->\n{P1}<br><br>{P2}<br><br>{P3}</p></div></div>")
    body = extract_article(html, URL).body
    assert P1 in body.splitlines(), body


def test_a_page_with_no_body_names_every_candidate_tried() -> None:
    html = page("<article id='article-view-content-div'>  </article><h3>[포토] 야경</h3>")
    with pytest.raises(ExtractError) as caught:
        extract_article(html, URL)
    message = str(caught.value)
    assert "no article body found" in message
    assert "container //*[@id='article-view-content-div'] (0 characters)" in message
    assert "page (" in message


# -- script data ------------------------------------------------------------------------------

FUSION = {"headlines": {"basic": "임상시험센터 개소"}, "content_elements": [
    {"type": "text", "content": "<b>오송</b>=" + P1},
    {"type": "image", "caption": "▲ 센터 전경"},
    {"type": "header", "content": "장비 공유"},
    {"type": "text", "content": P2},
    {"type": "text", "content": P3}]}


def test_arc_fusion_global_content_is_read_in_order() -> None:
    script = ("window.Fusion=window.Fusion||{};Fusion.arcSite=\"news\";"
              f"Fusion.globalContent={json.dumps(FUSION, ensure_ascii=False)};"
              "Fusion.globalContentConfig={\"source\":\"content-api\"};")
    [(name, body)] = list(script_bodies([("application/javascript", script)]))
    assert name == "script Fusion.globalContent"
    assert body == f"오송={P1}\n장비 공유\n{P2}\n{P3}"


def test_next_data_body_is_the_longest_body_field() -> None:
    data = {"props": {"pageProps": {"article": {
        "description": "짧은 요약 문장입니다. " * 3,
        "body": f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"}}}}
    [(name, body)] = list(script_bodies([("__NEXT_DATA__", json.dumps(data, ensure_ascii=False))]))
    assert name == "script __NEXT_DATA__" and body == f"{P1}\n{P2}\n{P3}"


def test_state_object_body_keeps_its_summary_and_drops_placeholders() -> None:
    state = {"article": {"subTitle": "장비 공유로 인증 기간 단축",
                         "contentHtml": f"<p>{P1}</p>$$IMG_1$$<p>{P2}</p><p>{P3}</p>"},
             "related": [{"title": "다른 기사"}]}
    script = f"window.__INITIAL_STATE__ = {json.dumps(state, ensure_ascii=False)};"
    [(_, body)] = list(script_bodies([("text/javascript", script)]))
    assert body == f"장비 공유로 인증 기간 단축\n{P1}\n{P2}\n{P3}"


def test_script_only_page_is_extracted_from_its_script() -> None:
    script = f"Fusion.globalContent={json.dumps(FUSION, ensure_ascii=False)};"
    html = page("<article id='article-body'></article>",
                f"<script id='fusion-metadata' type='application/javascript'>{script}</script>")
    article, why = explain_article(html, URL)
    assert why.chosen == "script Fusion.globalContent"
    assert article.body.splitlines()[-1] == P3


def test_html_lines_one_block_per_line() -> None:
    assert html_lines(f"<p>{P1}<br>{P2}</p><h3>소제목</h3><p>{P3}</p>") == \
        f"{P1}\n{P2}\n소제목\n{P3}"


# -- DOM evidence -----------------------------------------------------------------------------


def ndsoft(inner: str) -> str:
    """An NDSoft article page around inner."""
    return page(f"<article id='article-view-content-div'>{inner}</article>")


@pytest.mark.parametrize(
    ("inner", "gone", "kept"),
    [
        (f"<p>{P1}</p><p><a href='/x'>▶ 관련기사: 재단 새 이사장 선임</a></p><p>{P2}</p>",
         "관련기사: 재단", P2),
        (f"<p>{P1}</p><div class='box'><strong>관련기사</strong><ul><li><a href='/1'>첫째 기사"
         f"</a></li><li><a href='/2'>둘째 기사</a></li></ul></div><p>{P2}</p>", "첫째 기사", P2),
        (f"<p>{P1}</p><p><img src='/1.jpg'></p><p>▲ 개소식에 참석한 관계자들</p><p>{P2}</p>",
         "개소식에 참석한", P2),
        (f"<p>{P1}</p><p>▲첫째, 인증 비용 지원 ▲둘째, 해외 임상 연계</p><p>{P2}</p>",
         None, "▲첫째, 인증 비용 지원 ▲둘째, 해외 임상 연계"),
        (f"<p>{P1}</p><p>▶김현욱 : 현장에서는 인증 기간이 절반으로 줄었다고 봅니다.</p><p>{P2}</p>",
         None, "▶김현욱 : 현장에서는 인증 기간이 절반으로 줄었다고 봅니다."),
        (f"<p>{P1}</p><p>※ 이 조사는 의료기기 제조사 300곳을 대상으로 했다.</p><p>{P2}</p>",
         None, "※ 이 조사는 의료기기 제조사 300곳을 대상으로 했다."),
    ],
    ids=["promo-link-line", "related-box-of-links", "caption-after-image",
         "triangle-list-not-near-an-image", "interview-answer", "note-in-the-body"],
)
def test_mid_body_lines_go_only_on_dom_evidence(inner: str, gone: str | None, kept: str) -> None:
    body = extract_article(ndsoft(inner), URL).body
    assert kept in body.splitlines(), body
    if gone:
        assert gone not in body, body


# -- titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("[성남 메디-바이오 캠퍼스]개소, 의료 클러스터의 새모델 제시", ["경남일보", "example"],
         "[성남 메디-바이오 캠퍼스]개소, 의료 클러스터의 새모델 제시"),
        ("임상센터 문 열어 | 한국일보", ["한국일보"], "임상센터 문 열어"),
        ("임상센터 문 열어 - 메디뉴스", ["메디뉴스"], "임상센터 문 열어"),
        ("'AI 판독' 시대 - 병원은 준비됐나", ["메디뉴스", "news"],
         "'AI 판독' 시대 - 병원은 준비됐나"),
        ("임상센터 문 열어 < 정책 < 기사본문 - 메디뉴스", ["메디뉴스"],
         "임상센터 문 열어 < 정책 < 기사본문"),
        ("메디뉴스", ["메디뉴스"], "메디뉴스"),
    ],
    ids=["hyphen-in-headline", "pipe-outlet", "dash-outlet", "dash-not-outlet",
         "ndsoft-breadcrumb-outlet", "title-is-the-name"],
)
def test_a_title_suffix_goes_only_when_it_names_the_outlet(title: str, names: list[str],
                                                           expected: str) -> None:
    assert strip_site_suffix(title, names) == expected


def test_title_tag_with_a_hyphen_is_kept_whole() -> None:
    headline = "[성남 메디-바이오 캠퍼스]개소, 의료 클러스터의 새모델 제시"
    html = page(f"<div id='articleBody'><p>{P1}</p><p>{P2}</p></div>").replace(
        "<title>임상시험센터 개소 - 메디뉴스</title>", f"<title>{headline}</title>")
    assert extract_article(html, URL).title == headline


def test_og_title_loses_the_site_name_tail() -> None:
    head = ('<meta property="og:title" content="임상센터 문 열어 | 바이오데일리">'
            '<meta property="og:site_name" content="바이오데일리">')
    html = page(f"<div id='articleBody'><p>{P1}</p><p>{P2}</p></div>", head)
    assert extract_article(html, URL).title == "임상센터 문 열어"


# -- medradar extract --explain ---------------------------------------------------------------


def test_extract_explain_shows_candidates_and_removed_lines(
        tmp_path: Path, cli: Callable[..., Any]) -> None:
    file = tmp_path / "page.html"
    file.write_text(ndsoft(f"<p>[메디뉴스=홍길동 기자] {P1}</p><p>{P2}</p>"
                           "<p>홍길동 기자 hong@example.kr</p>"), encoding="utf-8")
    done = cli("extract", str(file), "--url", URL, "--explain")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{P1}\n{P2}"
    assert "* container //*[@id='article-view-content-div']" in done.stderr
    assert "removed [lead: byline] [메디뉴스=홍길동 기자]" in done.stderr
    assert "removed [tail: signature] 홍길동 기자 hong@example.kr" in done.stderr
    data = json.loads(cli("extract", str(file), "--url", URL, "--explain", "--json").stdout)
    assert data["explain"]["chosen"].startswith("container")
    assert {"rule": "tail: signature", "text": "홍길동 기자 hong@example.kr"} in \
        data["explain"]["removed"]
