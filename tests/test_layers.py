"""The layers hold: storage at the bottom, crawler and alerts beside each other, monitor on top.

Every import statement of each package is read (those inside functions too), so an arrow that
runs back up the layers fails here with the file and line that draws it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What each package may not import: docs/architecture.md.
FORBIDDEN = {
    "storage": ("crawler", "alerts", "monitor"),
    "crawler": ("alerts", "monitor"),
    "alerts": ("crawler", "monitor"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a Python file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_no_layer_it_must_not(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"no Python files under {package}/"
    arrows = [f"{path.relative_to(REPO)}:{line} imports {module}"
              for path in files for line, module in imported_modules(path)
              if module.split(".")[0] in FORBIDDEN[package]]
    assert not arrows, f"{package}/ may not import {', '.join(FORBIDDEN[package])}:\n" + \
        "\n".join(arrows)


def test_scrapy_project_gets_its_job_from_the_composition_root() -> None:
    cfg = (REPO / "scrapy.cfg").read_text(encoding="utf-8")
    assert "default = monitor.scrapy_settings" in cfg, "scrapy.cfg must name monitor's settings"
    from monitor import scrapy_settings

    assert scrapy_settings.MEDRADAR_JOB_FACTORY == "monitor.compose.crawl_job_for_scrapy"
    assert scrapy_settings.SPIDER_MODULES == ["crawler.spiders"], "the crawler's settings, whole"
