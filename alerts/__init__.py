"""Keyword rules and alert delivery (issue 3): so far the rule language and the matcher."""
