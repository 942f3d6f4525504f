"""Fetching and extraction: Scrapy spider families, trafilatura plus Korean clean-up."""
