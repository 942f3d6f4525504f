"""Scrapy project settings for ``scrapy crawl <family> -a source=<id>`` (``scrapy.cfg``).

The crawler's own settings, plus where a crawl started that way gets its job: the
configuration that ``MEDRADAR_CONFIG`` names (None: ``$MEDRADAR_CONFIG``, ``./medradar.toml``,
the built-in default), composed by ``monitor.compose``.
"""

from crawler.settings import *  # noqa: F403 - the crawler's settings, whole

MEDRADAR_CONFIG = None
MEDRADAR_JOB_FACTORY = "monitor.compose.crawl_job_for_scrapy"
