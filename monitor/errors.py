"""Errors raised by the monitor package (configuration, CLI, daemon).

MonitorError
 ├── ConfigError      the configuration file is missing, unreadable or invalid
 └── DaemonError      the daemon cannot start (another one runs on the archive)
"""


class MonitorError(Exception):
    """Base class of every error the monitor package raises on purpose."""


class ConfigError(MonitorError):
    """The configuration cannot be used; the message names the key and the source id."""


class DaemonError(MonitorError):
    """The daemon cannot start; the message says why."""
