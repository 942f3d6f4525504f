"""The progress display and the summary of ``medradar crawl``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table


class CrawlView:
    """Live per-source counters while a crawl runs (plain output when not on a terminal)."""

    def __init__(self, console: Console, source_ids: list[str]) -> None:
        self.console = console
        self.counts: dict[str, dict[str, Any]] = {
            s: defaultdict(int, state="running") for s in source_ids}
        self.live = Live(self._table(), console=console, refresh_per_second=4, transient=True,
                         auto_refresh=console.is_terminal)

    def __enter__(self) -> CrawlView:
        if self.console.is_terminal:
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.console.is_terminal:
            self.live.__exit__(None, None, None)

    def on_event(self, source_id: str, event: str, detail: Any) -> None:
        """Count one crawl event (called from the crawl's signals)."""
        row = self.counts[source_id]
        if event == "closed":
            row["state"] = "done"
            if not self.console.is_terminal:
                self.console.print(f"{source_id}: done ({row['page']} pages, {row['new']} new)")
        else:
            row[event] += 1
        if self.console.is_terminal:
            self.live.update(self._table())

    def _table(self) -> Table:
        table = Table("source", "state", "pages", "new", "dup", "dropped", title="crawling")
        for source_id, row in self.counts.items():
            table.add_row(source_id, row["state"], str(row["page"]), str(row["new"]),
                          str(row["duplicate"] + row["known"]), str(row["dropped"]))
        return table

    def print_summary(self, console: Console, summaries: list[Any]) -> None:
        """Print one row per source from its run record, then the errors."""
        table = Table("source", "status", "pages", "links", "new", "dup", "errors",
                      title="crawl summary")
        for summary in summaries:
            run = summary.run
            table.add_row(summary.source_id, run["status"], str(run["pages"]),
                          str(run["links_found"]), str(run["new_articles"]),
                          str(run["duplicates"]), str(run["errors"]))
        console.print(table)
        for summary in summaries:
            for error in summary.errors[:10]:
                console.print(f"  {summary.source_id}: {error['kind']}: {error['message']}"
                              + (f" ({error['url']})" if error["url"] else ""), markup=False)
            if len(summary.errors) > 10:
                console.print(f"  {summary.source_id}: … {len(summary.errors) - 10} more "
                              "(medradar sources, or the crawl_errors table)")
