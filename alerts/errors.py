"""Errors raised by the alerts package.

AlertsError
 ├── RuleSyntaxError   a rule query cannot be parsed; carries the 1-based position
 └── DeliveryError     a message could not be sent; says whether a retry may help
"""


class AlertsError(Exception):
    """Base class of every error the alerts package raises on purpose."""


class RuleSyntaxError(AlertsError):
    """A rule query is malformed at ``position`` (1-based column)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class DeliveryError(AlertsError):
    """A message could not be delivered; ``retryable`` says whether trying later may help."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
