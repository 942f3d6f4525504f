"""Errors raised by the alerts package.

AlertsError
 └── RuleSyntaxError   a rule query cannot be parsed; carries the 1-based position
"""


class AlertsError(Exception):
    """Base class of every error the alerts package raises on purpose."""


class RuleSyntaxError(AlertsError):
    """A rule query is malformed at ``position`` (1-based column)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position
