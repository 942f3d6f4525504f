"""Scrapy settings for medradar (``scrapy.cfg`` points here).

Values that come from the [crawl] table of the configuration are applied per crawl by
``settings_for``; the rest are fixed here.
"""

from __future__ import annotations

from typing import Any

BOT_NAME = "medradar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
USER_AGENT = "medradar/0.1 (+https://github.com/medradar/medradar)"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5",
}
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # randomised 0.5-1.5x by Scrapy's default jitter
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0  # seconds; doubled per attempt, with jitter (crawler.middlewares)
RETRY_BACKOFF_MAX = 60.0
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"  # the run record and the recorder's one line say it
HTTPERROR_ALLOW_ALL = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy >= 2.19 starts a token-protected remote-control server per crawler on 127.0.0.1 that
# can run code in the crawl: a monitor has no use for it.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# Scrapy logs a dropped item with its whole repr (the page's bytes) at WARNING; the run record
# and the recorder's one-line warning already say why it was dropped.
LOG_FORMATTER = "crawler.logformat.QuietDrops"

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100): a host off limits is not even asked for its robots.txt.
    "crawler.middlewares.SafeAddressMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.ExtractionBacklogMiddleware": 560,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.StorePipeline": 400,
}

# What a crawl runs with (crawler.job): the runner sets MEDRADAR_JOB; `scrapy crawl` calls the
# factory named here (scrapy.cfg's settings module, monitor.scrapy_settings, names one).
MEDRADAR_JOB: Any = None
MEDRADAR_JOB_FACTORY: str | None = None
MEDRADAR_EXTRACT_WORKERS = 0  # 0 = one per CPU core beyond the crawl's own (at least one)
MEDRADAR_EXTRACT_BACKLOG = 16  # fetched pages waiting for extraction before downloads pause
MEDRADAR_SEND_ALERTS = True  # deliver due alerts while crawling (medradar crawl --no-alerts)


def settings_for(crawl: Any) -> dict[str, Any]:
    """Map the [crawl] table of the configuration onto Scrapy settings."""
    return {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_DELAY": crawl.delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle and crawl.delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(crawl.delay, 0.1),
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "RETRY_TIMES": crawl.retries,
        "RETRY_BACKOFF_BASE": crawl.retry_backoff,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.per_host,
        "MEDRADAR_EXTRACT_WORKERS": crawl.extract_workers,
    }
