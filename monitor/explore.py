"""Datasette over the archive, with the metadata and canned queries shipped in the package.

``monitor/datasette/metadata.yml`` is written for an archive called ``medradar.db`` (Datasette
names a database after its file). ``medradar datasette`` serves whatever archive the
configuration names, so it renames that database key to the archive's name and hands the
result to Datasette through a pipe: nothing is written beside the archive.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

METADATA = "datasette/metadata.yml"
SHIPPED_NAME = "medradar"  # the database key in metadata.yml
# Linux and macOS pipes hold 64 KiB: the metadata is written before Datasette starts reading.
PIPE_LIMIT = 60_000


class DatasetteMissing(RuntimeError):
    """Datasette is not installed beside medradar."""


def metadata_text() -> str:
    """The shipped metadata.yml, as text."""
    return resources.files("monitor").joinpath(METADATA).read_text("utf-8")


def database_name(archive: Path) -> str:
    """The name Datasette gives a database file: its stem (``medradar.db`` -> ``medradar``)."""
    return archive.stem


def metadata_for(archive: Path) -> dict[str, Any]:
    """The shipped metadata with its database section under the archive's Datasette name."""
    import yaml  # a dependency of Datasette, so present wherever Datasette is

    metadata: dict[str, Any] = yaml.safe_load(metadata_text())
    metadata["databases"] = {database_name(archive): metadata["databases"][SHIPPED_NAME]}
    return metadata


def serve_argv(archive: Path, metadata_path: str, host: str, port: int,
               open_browser: bool) -> list[str]:
    """The ``datasette serve`` command line for the archive.

    No ``--immutable``: the daemon writes the archive while Datasette reads it, and an
    immutable database may be read stale or wrong. Datasette opens it with ``mode=ro``.
    """
    argv = [sys.executable, "-m", "datasette", "serve", str(archive),
            "--metadata", metadata_path, "--host", host, "--port", str(port)]
    return [*argv, "--open"] if open_browser else argv


def exec_datasette(archive: Path, host: str, port: int, open_browser: bool) -> NoReturn:
    """Replace this process with Datasette serving the archive; raise DatasetteMissing."""
    if importlib.util.find_spec("datasette") is None:
        raise DatasetteMissing("datasette is not installed: pip install 'medradar[datasette]'")
    payload = json.dumps(metadata_for(archive), ensure_ascii=False).encode("utf-8")
    if len(payload) > PIPE_LIMIT:
        raise RuntimeError(f"datasette metadata is {len(payload)} bytes, over {PIPE_LIMIT}")
    read_end, write_end = os.pipe()
    os.write(write_end, payload)
    os.close(write_end)
    os.set_inheritable(read_end, True)
    # exec, not a child process: Ctrl-C and a supervisor's SIGTERM reach Datasette itself.
    argv = serve_argv(archive, f"/dev/fd/{read_end}", host, port, open_browser)
    os.execv(argv[0], argv)
