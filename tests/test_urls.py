"""crawler.urls: cleaning URLs, the dedupe key, the canonical URL to store, CMS article ids."""

from __future__ import annotations

import pytest

from crawler.urls import article_id, canonical_url, clean_url, url_key

ARTICLE = "https://www.bosa.co.kr/news/articleView.html?idxno=1001"


# -- clean_url -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://e.kr/a?id=3&utm_source=naver", "https://e.kr/a?id=3"),
        ("https://e.kr/a?utm_campaign=x&UTM_MEDIUM=y&id=3", "https://e.kr/a?id=3"),
        ("https://e.kr/a?fbclid=IwAR0abc&id=3", "https://e.kr/a?id=3"),
        ("https://e.kr/a?gclid=xyz&id=3", "https://e.kr/a?id=3"),
        ("https://e.kr/a?id=3#comment-list", "https://e.kr/a?id=3"),
        ("https://e.kr/a?utm_source=x", "https://e.kr/a"),
        ("https://e.kr", "https://e.kr/"),
        ("  https://e.kr/a?id=3  ", "https://e.kr/a?id=3"),
        ("https://e.kr/a?id=3&sc=", "https://e.kr/a?id=3&sc="),
        ("https://e.kr/기사?q=오송", "https://e.kr/%EA%B8%B0%EC%82%AC?q=%EC%98%A4%EC%86%A1"),
    ],
    ids=[
        "utm_source", "utm_any_case", "fbclid", "gclid", "fragment", "only_tracking_left",
        "empty_path_gets_slash", "surrounding_space", "blank_param_kept", "hangul_percent_encoded",
    ],
)
def test_clean_url(raw: str, expected: str) -> None:
    assert clean_url(raw) == expected


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        ("/news/articleView.html?idxno=5#top", "https://www.bosa.co.kr/news/articleList.html",
         "https://www.bosa.co.kr/news/articleView.html?idxno=5"),
        ("articleView.html?idxno=9", "https://www.bosa.co.kr/news/articleList.html?sc=1",
         "https://www.bosa.co.kr/news/articleView.html?idxno=9"),
        ("../news/articleView.html?idxno=5", "https://www.bosa.co.kr/news/articleList.html",
         "https://www.bosa.co.kr/news/articleView.html?idxno=5"),
        ("//cdn.example.kr/a", "https://www.bosa.co.kr/", "https://cdn.example.kr/a"),
        ("https://other.kr/a", "https://www.bosa.co.kr/", "https://other.kr/a"),
    ],
    ids=["root_relative", "path_relative", "dot_dot", "scheme_relative", "absolute_ignores_base"],
)
def test_clean_url_resolves_against_base(link: str, base: str, expected: str) -> None:
    assert clean_url(link, base=base) == expected


# -- url_key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (ARTICLE, "http://www.bosa.co.kr/news/articleView.html?idxno=1001"),
        (ARTICLE, "https://m.bosa.co.kr/news/articleView.html?idxno=1001"),
        (ARTICLE, "https://bosa.co.kr/news/articleView.html?idxno=1001"),
        (ARTICLE, "https://WWW.Bosa.CO.KR/news/articleView.html?idxno=1001"),
        (ARTICLE, "https://www.bosa.co.kr/news/articleView.html?idxno=1001&sc_section_code=S1N1"),
        (ARTICLE, "https://www.bosa.co.kr/news/articleView.html?sc=1&idxno=1001&replyAll="),
        (ARTICLE, ARTICLE + "&utm_source=rss#comments"),
        (ARTICLE, "https://www.bosa.co.kr:443/news/articleView.html?idxno=1001"),
        ("http://e.kr/sub_read.html?uid=301", "http://www.e.kr/sub_read.html?uid=301&section=sc3"),
        ("https://e.kr/a?b=2&a=1", "https://e.kr/a?a=1&b=2"),
        ("https://e.kr/a", "https://e.kr/a/"),
        ("https://e.kr/a", "https://e.kr/a?"),
        ("https://e.kr/기사?q=오송", "https://e.kr/%EA%B8%B0%EC%82%AC?q=%EC%98%A4%EC%86%A1"),
        ("http://e.kr:80/a", "https://e.kr/a"),
    ],
    ids=[
        "http_vs_https", "mobile_host", "no_www", "host_case", "ndsoft_section_params",
        "ndsoft_param_order", "tracking_and_fragment", "default_https_port", "sub_read_uid",
        "query_order", "trailing_slash", "empty_query", "raw_vs_encoded_hangul",
        "default_http_port",
    ],
)
def test_url_key_same_article(a: str, b: str) -> None:
    assert url_key(a) == url_key(b), f"{a} and {b} should share a key"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (ARTICLE, "https://www.bosa.co.kr/news/articleView.html?idxno=1002"),
        (ARTICLE, "https://www.monews.co.kr/news/articleView.html?idxno=1001"),
        ("https://e.kr:8080/a", "https://e.kr/a"),
        ("https://e.kr/a?id=1", "https://e.kr/a?id=2"),
        ("https://e.kr/a", "https://e.kr/b"),
    ],
    ids=["other_idxno", "other_host", "non_default_port", "other_query", "other_path"],
)
def test_url_key_different_article(a: str, b: str) -> None:
    assert url_key(a) != url_key(b)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ARTICLE + "&sc_code=x", "bosa.co.kr/idxno=1001"),
        ("http://m.e.kr/sub_read.html?section=sc3&uid=301", "e.kr/uid=301"),
        ("https://e.kr:8080/news/articleView.html?idxno=7", "e.kr:8080/idxno=7"),
        ("https://www.e.kr/a/b?y=2&x=1", "e.kr/a/b?x=1&y=2"),
        ("https://www.e.kr/", "e.kr"),
    ],
    ids=["ndsoft", "sub_read", "port_kept", "generic_sorted_query", "home"],
)
def test_url_key_shape(url: str, expected: str) -> None:
    assert url_key(url) == expected


# -- article_id ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.kr/news/articleView.html?idxno=12&sc=1", ("idxno", "12")),
        ("http://e.kr/sub_read.html?uid=301&section=sc3", ("uid", "301")),
        ("https://e.kr/news/news_view.php?table=x&wr_id=12", ("wr_id", "12")),
        ("https://www.khidi.or.kr/board/view?linkId=48&menuId=MENU00100", ("linkId", "48")),
        ("https://e.kr/news/articleList.html?idxno=12", None),
        ("https://e.kr/news/articleView.html", None),
        ("https://e.kr/news/articleView.html?idxno=abc", None),
        ("https://kormedi.com/1234567/", None),
    ],
    ids=["ndsoft", "sub_read", "dailymedi", "khidi", "list_page", "no_id", "id_not_digits",
         "wordpress"],
)
def test_article_id(url: str, expected: tuple[str, str] | None) -> None:
    assert article_id(url) == expected


# -- canonical_url ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "declared", "expected"),
    [
        ("https://kormedi.com/1234567/", "https://kormedi.com/1234567/slug?utm_source=x",
         "https://kormedi.com/1234567/slug"),
        ("https://kormedi.com/1234567/", "/1234567/", "https://kormedi.com/1234567/"),
        ("https://kormedi.com/1234567/", "https://kormedi.com/?p=1234567",
         "https://kormedi.com/?p=1234567"),
        ("https://kormedi.com/1234567/?utm_source=x", None, "https://kormedi.com/1234567/"),
        ("https://kormedi.com/1234567/", "", "https://kormedi.com/1234567/"),
    ],
    ids=["declared_used_and_cleaned", "relative_declared", "home_with_query_is_article",
         "none_uses_page", "empty_uses_page"],
)
def test_canonical_url_declared(page: str, declared: str | None, expected: str) -> None:
    assert canonical_url(page, declared) == expected


@pytest.mark.parametrize(
    "declared",
    ["https://www.bosa.co.kr/", "https://www.bosa.co.kr", "/", "https://other.kr/",
     "javascript:void(0)"],
    ids=["home_slash", "home_bare", "relative_root", "other_site_home", "not_http"],
)
def test_canonical_url_ignores_home_page(declared: str) -> None:
    page = "https://www.bosa.co.kr/news/articleView.html?idxno=1001&sc_section_code=S1N1"
    assert canonical_url(page, declared) == ARTICLE


@pytest.mark.parametrize(
    ("page", "declared"),
    [
        ("https://www.bosa.co.kr/news/articleView.html?sc_section_code=S1N1&idxno=1001", None),
        ("https://www.bosa.co.kr/news/articleView.html?idxno=1001&page=2&total=300", None),
        ("https://www.bosa.co.kr/news/articleView.html?idxno=1001&replyAll=&utm_source=rss",
         None),
        ("https://www.bosa.co.kr/news/articleList.html",
         "https://www.bosa.co.kr/news/articleView.html?idxno=1001&sc_serial_code=SRN1"),
    ],
    ids=["section_param_first", "paging_params", "blank_and_tracking", "declared_with_params"],
)
def test_canonical_url_ndsoft_short(page: str, declared: str | None) -> None:
    assert canonical_url(page, declared) == ARTICLE
