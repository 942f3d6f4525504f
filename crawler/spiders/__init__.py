"""The spider families: rss, sitemap, listing, ndsoft. One class each, outlets are data."""
