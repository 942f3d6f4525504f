"""Keyword rules and alert delivery (issue 3); empty until then."""
