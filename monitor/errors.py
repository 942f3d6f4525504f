"""Errors raised by the monitor package (configuration, CLI, daemon).

MonitorError
 └── ConfigError      the configuration file is missing, unreadable or invalid
"""


class MonitorError(Exception):
    """Base class of every error the monitor package raises on purpose."""


class ConfigError(MonitorError):
    """The configuration cannot be used; the message names the key and the source id."""
