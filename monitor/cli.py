"""The ``medradar`` command line."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from monitor.config import (
    Config,
    find_config_path,
    parse_duration,
    read_config,
    starter_config_text,
)
from monitor.errors import ConfigError, DaemonError
from monitor.status_view import backlog_entry, backlog_text
from storage import Archive, StorageError, open_archive
from storage.db import check_writable, free_mb, open_reader, probe_writes

F = TypeVar("F", bound=Callable[..., Any])
KST_OFFSET = "+09:00"
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit non-zero."""
    click.echo(f"medradar: error: {message}", err=True)
    sys.exit(code)


def config_option(func: F) -> F:
    """Add --config to a command (it may also be given before the command)."""
    return click.option("--config", "config_path", metavar="PATH",
                        help="Config file (default: $MEDRADAR_CONFIG, ./medradar.toml, "
                             "built-in).")(func)


def get_config(ctx: click.Context, config_path: str | None) -> Config:
    """Load the configuration named on the command line, or fail with a one-line reason."""
    return get_config_and_text(ctx, config_path)[0]


def get_config_and_text(ctx: click.Context, config_path: str | None) -> tuple[Config, str]:
    """Like get_config, with the text the configuration was parsed from."""
    path = config_path or (ctx.obj or {}).get("config_path")
    try:
        return read_config(path)
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable; keeps type checkers content


@contextmanager
def archive_of(config: Config) -> Iterator[Archive]:
    """Open the configured archive, or fail with a one-line reason."""
    try:
        archive = open_archive(config.archive_path, **config.archive.options())
    except StorageError as exc:
        fail(str(exc), code=1)
        raise
    try:
        yield archive
    finally:
        archive.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", help="Config file for every command.")
@click.version_option(package_name="medradar")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """medradar: Korean medical-device news monitor (crawl, archive, search)."""
    ctx.obj = {"config_path": config_path}


@main.command()
@click.argument("path", default="medradar.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented starter configuration file."""
    target = Path(path)
    if target.exists() and not force:
        fail(f"{target} exists; use --force to overwrite", code=1)
    target.write_text(starter_config_text(), encoding="utf-8")
    click.echo(f"wrote {target}; edit it, then run: medradar --config {target} crawl")


def check_address(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Click callback: refuse an --http value that is not HOST:PORT."""
    from monitor.web import parse_address

    if value is not None:
        try:
            parse_address(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


@main.command()
@config_option
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Logs on stderr as readable text or JSON lines.")
@click.option("--http", metavar="HOST:PORT", callback=check_address,
              help="Serve /healthz and /metrics here (no auth: keep it on 127.0.0.1).")
@click.pass_context
def run(ctx: click.Context, config_path: str | None, log_format: str, http: str | None) -> None:
    """Run the daemon: crawl every enabled source on its schedule until stopped."""
    from monitor.daemon import run_daemon

    config, text = get_config_and_text(ctx, config_path)
    with archive_of(config):
        pass  # refuse to start, with one line, if the archive cannot be opened
    path = find_config_path(config_path or (ctx.obj or {}).get("config_path"))
    try:
        run_daemon(config, text, str(path.resolve()) if path else None,
                   log_format=log_format, http=http)
    except DaemonError as exc:
        fail(str(exc), code=1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
@config_option
@click.pass_context
def status(ctx: click.Context, as_json: bool, config_path: str | None) -> None:
    """Show each source's health and runs, the daemon, pending alerts and the archive."""
    from monitor.status_view import collect_status, print_status
    from storage.normalize import KST
    from storage.runs import sync_sources

    config = get_config(ctx, config_path)
    if not config.archive_path.exists():  # checked first: opening would create an empty one
        fail(f"no archive at {config.archive_path} yet (run `medradar crawl` or "
             "`medradar run` first)", code=1)
    from monitor.discovery_view import discovery_entries

    fault = probe_writes(config.archive_path, config.archive.max_size_mb)
    try:
        archive = open_archive(config.archive_path, **{**config.archive.options(),
                                                       "lock_timeout": 1.0})
        with contextlib.suppress(StorageError):  # a locked archive: show the rows it has
            sync_sources(archive, [s.model_dump() for s in config.sources])
    except StorageError:
        try:
            archive = open_reader(config.archive_path)  # a read-only file is still readable
        except StorageError as exc:
            fail(str(exc), code=1)
    try:
        now = datetime.now(KST)
        report = collect_status(archive, {s.id for s in config.sources}, now, fault,
                                config.archive.min_free_mb,
                                discovery_entries(archive, config, now))
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_status(out, report)


@main.command()
@click.argument("source_ids", nargs=-1, metavar="[SOURCE]...")
@config_option
@click.option("--all", "include_disabled", is_flag=True, help="Include disabled sources.")
@click.option("-v", "--verbose", count=True, help="Show crawl logs (-vv for debug).")
@click.option("--no-alerts", is_flag=True, help="Do not send due alerts after the crawl.")
@click.pass_context
def crawl(ctx: click.Context, source_ids: tuple[str, ...], config_path: str | None,
          include_disabled: bool, verbose: int, no_alerts: bool) -> None:
    """Crawl the sources once (all enabled ones by default) into the archive."""
    from monitor.crawl_view import CrawlView

    config = get_config(ctx, config_path)
    try:
        sources = ([config.source(s) for s in source_ids] if source_ids else
                   [s for s in config.sources if s.enabled or include_disabled])
    except ConfigError as exc:
        fail(str(exc))
    if not sources:
        fail("no sources to crawl (none configured or all disabled)")
    with archive_of(config) as archive:
        # Fail early, with one line, if the archive cannot be opened or written now.
        try:
            check_writable(archive)
        except StorageError as exc:
            fail(str(exc), code=1)
    free = free_mb(config.archive_path)
    if free is not None and free < config.archive.min_free_mb:
        err.print(f"medradar: warning: archive: low disk space ({free:.0f} MB free, below "
                  f"[archive] min_free_mb = {config.archive.min_free_mb:g})",
                  markup=False, highlight=False)
    from crawler.runner import run_crawl
    from monitor.compose import crawl_job

    level = {0: "ERROR", 1: "INFO"}.get(verbose, "DEBUG")
    view = CrawlView(err, [s.id for s in sources])
    try:
        with view:
            summaries = run_crawl(crawl_job(config), sources, on_event=view.on_event,
                                  log_level=level,
                                  overrides={"MEDRADAR_SEND_ALERTS": not no_alerts})
    except StorageError as exc:
        fail(str(exc), code=1)
    view.print_summary(out, summaries)
    faults = [s for s in summaries if s.fault is not None]
    if faults:
        fail(f"{faults[0].fault}; {len(faults)} source(s) stopped, and the pages they did not "
             "store are fetched again by the next crawl", code=1)
    if config.channels and not no_alerts:
        send_due(config)


@main.command()
@click.argument("target", metavar="URL|FILE|-")
@click.option("--url", "page_url", help="The page's address, for FILE or stdin.")
@click.option("--json", "as_json", is_flag=True, help="Print all fields as JSON.")
@click.option("--explain", is_flag=True,
              help="Also show the candidates tried, the winner, and each line clean-up removed.")
@config_option
@click.pass_context
def extract(ctx: click.Context, target: str, page_url: str | None, as_json: bool,
            explain: bool, config_path: str | None) -> None:
    """Print what the archive would store for one page."""
    from crawler.errors import CrawlError
    from crawler.extract import explain_article
    from crawler.fetch import fetch_page

    content_type = None
    if target == "-":
        body = sys.stdin.buffer.read()
        url = page_url or "http://localhost/stdin"
    elif target.startswith(("http://", "https://")):
        crawl_cfg = get_config(ctx, config_path).crawl
        try:
            body, content_type, url = fetch_page(target, crawl_cfg.user_agent, crawl_cfg.timeout,
                                                 crawl_cfg.max_page_bytes)
        except CrawlError as exc:
            fail(str(exc), code=1)
    else:
        try:
            body = Path(target).read_bytes()
        except OSError as exc:
            fail(f"cannot read {target}: {exc.strerror}", code=1)
        url = page_url or Path(target).resolve().as_uri()
    try:
        article, why = explain_article(body, url, content_type)
    except CrawlError as exc:
        fail(f"{url}: {exc}", code=1)
    if as_json:
        fields = article.as_dict()
        if explain:
            fields["explain"] = {"tried": [{"candidate": n, "characters": c} for n, c in why.tried],
                                 "chosen": why.chosen, "rule": why.rule,
                                 "removed": [{"rule": r, "text": t} for r, t in why.removed]}
        click.echo(json.dumps(fields, ensure_ascii=False, indent=2))
        return
    if explain:
        for name, chars in why.tried:
            mark = "*" if name == why.chosen else " "
            click.echo(f"{mark} {name}: {chars} characters", err=True)
        click.echo(f"chosen: {why.chosen} ({why.rule})", err=True)
        for rule, text in why.removed:
            click.echo(f"removed [{rule}] {shorten(text)}", err=True)
    click.echo(article.body)


def shorten(text: str, width: int = 100) -> str:
    """One line of at most width characters."""
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def parse_when(value: str | None) -> str | None:
    """Turn ``7d`` / ``12h`` / ``2026-11-01`` / an ISO time into a KST ISO bound."""
    if not value:
        return None
    from crawler.dates import KST, parse_date

    try:
        return (datetime.now(KST) - parse_duration(value)).isoformat(timespec="seconds")
    except ValueError:
        pass
    if len(value) == 10:
        value += " 00:00"
    parsed = parse_date(value)
    if not parsed:
        raise click.BadParameter(f"{value!r} is not a duration (7d) or a date (2026-11-01)",
                                 param_hint="--since/--until")
    return parsed


@main.command()
@click.argument("query")
@click.option("--since", help="Published at or after: 7d, 12h, 2026-11-01 or ISO time.")
@click.option("--until", help="Published before: same forms as --since.")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--outlet", "outlets", multiple=True, metavar="HOST",
              help="Only articles of this outlet host, e.g. bosa.co.kr (repeatable).")
@click.option("--by-outlet", is_flag=True,
              help="Count the matches per outlet instead of listing them.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--stories", "by_story", is_flag=True,
              help="One row per story (its first matching copy), with its outlets.")
@config_option
@click.pass_context
def search(ctx: click.Context, query: str, since: str | None, until: str | None,
           sources: tuple[str, ...], outlets: tuple[str, ...], by_outlet: bool, limit: int,
           fmt: str, by_story: bool, config_path: str | None) -> None:
    """Search the archive (Korean-aware: spacing variants, 2-syllable terms)."""
    from storage.search import QueryError, outlet_counts, parse_query, search_articles, snippet

    config = get_config(ctx, config_path)
    try:
        parsed = parse_query(query)
        for source_id in sources:
            config.source(source_id)
    except (QueryError, ConfigError) as exc:
        fail(str(exc))
    bounds = (parse_when(since), parse_when(until), list(sources) or None)
    with archive_of(config) as archive:
        if by_outlet:
            groups = outlet_counts(archive, parsed, *bounds, list(outlets) or None, limit)
        else:
            rows = search_articles(archive, parsed, *bounds, limit, by_story=by_story,
                                   outlets=list(outlets) or None)
    if by_outlet:
        print_rows(groups, fmt, ["outlet_host", "outlet_name", "articles", "partial", "sources",
                                 "latest"], "outlet(s)")
        return
    for row in rows:
        row["snippet"] = snippet(row.pop("body"), parsed.terms)
        if row.get("partial"):
            row["snippet"] = f"[partial: {row['partial']}] {row['snippet']}"
        if by_story:
            row["outlets"] = row.pop("source_ids")  # source ids, in order of arrival
    fields = ["id", "source_id", "published_at", "title", "url", "author", "outlet_host",
              "outlet_name", "partial", "snippet"]
    if by_story:
        fields += ["story_id", "story_articles", "outlets"]
    what = "story(ies)" if by_story else "result(s)"
    if fmt != "table":
        if fmt == "csv" and by_story:
            rows = [{**row, "outlets": " ".join(row["outlets"])} for row in rows]
        print_rows(rows, fmt, fields, what)
        return
    names = {s.id: s.name for s in config.sources}
    table = Table("published", "outlet", "source", "title", "snippet", show_lines=False)
    if by_story:
        table.add_column("outlets")
    for row in rows:
        cells = [(row["published_at"] or "")[:16].replace("T", " "),
                 row.get("outlet_name") or row.get("outlet_host") or "", row["source_id"],
                 f"[link={row['url']}]{row['title']}[/link]", row["snippet"]]
        outlets_cell = [", ".join(names.get(i, i) for i in row["outlets"])] if by_story else []
        table.add_row(*cells, *outlets_cell)
    out.print(table)
    err.print(f"{len(rows)} {what}")


def print_rows(rows: list[dict[str, Any]], fmt: str, fields: list[str], what: str) -> None:
    """Print rows as JSON, CSV (these fields) or a plain table of these fields."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        table = Table(*fields)
        for row in rows:
            table.add_row(*(str(row.get(f) if row.get(f) is not None else "") for f in fields))
        out.print(table)
        err.print(f"{len(rows)} {what}")


@main.command()
@click.option("--since", default="7d", show_default=True,
              help="First seen at or after: 7d, 12h, 2026-11-01 or ISO time.")
@click.option("--min-outlets", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="Only stories reported by at least this many outlets.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print as JSON, with each story's articles.")
@config_option
@click.pass_context
def stories(ctx: click.Context, since: str, min_outlets: int, limit: int, as_json: bool,
            config_path: str | None) -> None:
    """List stories (copies of one release across outlets) with their outlets, newest first."""
    from storage.stories import list_stories, story_members

    config = get_config(ctx, config_path)
    names = {s.id: s.name for s in config.sources}
    with archive_of(config) as archive:
        rows = list_stories(archive, parse_when(since), min_outlets, limit)
        members = story_members(archive, [row["id"] for row in rows]) if as_json else {}
    if as_json:
        for row in rows:
            row["articles"] = members.get(row["id"], [])
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("story", "first seen", "articles", "outlets", "title")
    for row in rows:
        table.add_row(str(row["id"]), row["first_seen"][:16].replace("T", " "),
                      str(row["members"]),
                      ", ".join(names.get(s, s) for s in row["source_ids"]), row["title"])
    out.print(table)
    err.print(f"{len(rows)} story(ies) first seen since {since}")


@main.command()
@click.argument("source_id", required=False, metavar="[SOURCE]")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@config_option
@click.pass_context
def sources(ctx: click.Context, source_id: str | None, as_json: bool,
            config_path: str | None) -> None:
    """List the sources with their last run, article counts and errors (one source: its errors;
    a discovery source: also its calls, the outlets it found and its last run's results)."""
    from monitor.discovery_view import discovery_entries, found_text, quota_text
    from storage.discovery import run_items
    from storage.normalize import KST
    from storage.runs import run_errors, source_overview, sync_sources

    config = get_config(ctx, config_path)
    if source_id:
        try:
            config.source(source_id)
        except ConfigError as exc:
            fail(str(exc))
    with archive_of(config) as archive:
        sync_sources(archive, [s.model_dump() for s in config.sources])
        wanted = {source_id} if source_id else {s.id for s in config.sources}
        rows = [r for r in source_overview(archive) if r["id"] in wanted]
        discovery = discovery_entries(archive, config, datetime.now(KST))
        for row in rows:
            row["run_errors"] = run_errors(archive, row["run_id"]) if row["run_id"] else []
            row["backlog"] = backlog_entry(row)
            for key in ("backlog_reason", "backlog_per_run", "backlog_runs", "backlog_since"):
                row.pop(key, None)
            row["discovery"] = discovery.get(row["id"])
            if row["discovery"] is not None and source_id and row["run_id"]:
                row["run_results"] = run_items(archive, row["run_id"])
    if source_id and not as_json:
        print_source_errors(rows[0])
        return
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    found = any(row["discovery"] for row in rows)
    table = Table("source", "kind", "last run", "status", "pages", "links", "new", "errors",
                  "articles", "backlog", *(["found", "quota"] if found else []), "last error")
    for row in rows:
        table.add_row(
            f"{row['id']}{'' if row['enabled'] else ' (off)'}", row["kind"],
            (row["started_at"] or "never")[:16].replace("T", " "), row["status"] or "-",
            str(row["pages"] or 0), str(row["links_found"] or 0), str(row["new_articles"] or 0),
            str(row["errors"] or 0), str(row["articles"]), backlog_text(row["backlog"]),
            *([found_text(row["discovery"]), quota_text(row["discovery"])] if found else []),
            (row["last_error"] or "")[:60],
        )
    out.print(table)
    origin = find_config_path((ctx.obj or {}).get("config_path") or config_path)
    err.print(f"config: {origin or 'built-in default'}; archive: {config.archive_path}")


def print_source_errors(row: dict[str, Any]) -> None:
    """Print one source's last run and every error it recorded."""
    out.print(f"{row['id']} ({row['name']}, {row['kind']}): last run "
              f"{row['started_at'] or 'never'} -> {row['status'] or '-'}, "
              f"{row['pages'] or 0} pages, {row['links_found'] or 0} links, "
              f"{row['new_articles'] or 0} new, {row['errors'] or 0} errors; "
              f"{row['articles']} articles archived", markup=False)
    if row.get("backlog"):
        out.print(f"  {backlog_text(row['backlog'])}; resumes where the last crawl stopped",
                  markup=False)
    for error in row["run_errors"]:
        out.print(f"  {error['at'][11:19]} {error['kind']:8} {error['message']}"
                  + (f"  {error['url']}" if error["url"] else ""), markup=False)
    if row.get("discovery"):
        print_discovery(row["discovery"], row.get("run_results", []))


def print_discovery(entry: dict[str, Any], results: list[dict[str, Any]]) -> None:
    """Print a discovery source's calls, outlets found, open walks and last run's results."""
    from monitor.discovery_view import found_text, outlet_lines, quota_text

    out.print(f"  calls: {quota_text(entry)}; {entry['refused_today']} refused (429) today",
              markup=False)
    out.print(f"  found: {found_text(entry)} (today: {entry['items_today']} results, "
              f"{entry['new_today']} new articles)", markup=False)
    for walk in entry["walks_open"]:
        out.print(f"  open walk: {walk['query']!r} resumes at result {walk['next_start']} "
                  f"({walk['reason']})", markup=False)
    if entry["top_outlets"]:
        out.print("  outlets found:", markup=False)
        for line in outlet_lines(entry):
            out.print(line, markup=False)
    if results:
        out.print(f"  results of the last run ({len(results)}):", markup=False)
    for item in results[:100]:
        out.print(f"  {item['outcome']:10} {item['outlet_host'] or '-':28} "
                  f"{shorten(item['title'] or item['link'], 50)}"
                  + (f"  ({item['reason']})" if item["reason"] else ""), markup=False)


@main.group()
def rules() -> None:
    """Try keyword rules on the archive."""


@rules.command("test")
@click.argument("query_or_rule", metavar="QUERY|RULE_ID")
@click.option("--since", default="30d", show_default=True,
              help="Only articles published since: 7d, 12h, 2026-11-01 or ISO time.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@config_option
@click.pass_context
def rules_test(ctx: click.Context, query_or_rule: str, since: str, limit: int,
               config_path: str | None) -> None:
    """Show which archived articles a rule (or a query) matches, terms highlighted."""
    from rich.text import Text

    from alerts.errors import RuleSyntaxError
    from alerts.match import match_rule, prepare, term_spans
    from alerts.rules import parse_rule
    from storage.alerts import iter_articles
    from storage.normalize import squash
    from storage.search import snippet

    config = get_config(ctx, config_path)
    rule = config.rule(query_or_rule)
    query = rule.query if rule else query_or_rule
    fields = tuple(rule.fields) if rule else ("title", "body")
    try:
        tree = parse_rule(query)
    except RuleSyntaxError as exc:
        fail(f"query {query!r}: {exc}")
    table = Table("published", "source", "title", "matched", "snippet")
    shown = scanned = 0
    with archive_of(config) as archive:
        for row in iter_articles(archive, parse_when(since), rule.sources if rule else None):
            scanned += 1
            terms = match_rule(tree, prepare(title=row["title"], body=row["body"]), fields)
            if terms is None:
                continue
            title = Text(row["title"])
            excerpt = Text(snippet(row["body"], [squash(t) for t in terms]))
            for text in (title, excerpt):
                for start, end in term_spans(text.plain, terms):
                    text.stylize("bold red", start, end)
            table.add_row((row["published_at"] or "")[:16].replace("T", " "), row["source_id"],
                          title, ", ".join(terms), excerpt)
            shown += 1
            if shown >= limit:
                break
    out.print(table)
    err.print(f"{shown} match(es) in {scanned} article(s) published since {since}")


@main.group()
def alerts() -> None:
    """List, send, retry and test alert deliveries."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "failed", "given_up"]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@config_option
@click.pass_context
def alerts_list(ctx: click.Context, status: str | None, limit: int, as_json: bool,
                config_path: str | None) -> None:
    """List deliveries in the outbox, newest first."""
    from storage.alerts import list_outbox

    config = get_config(ctx, config_path)
    with archive_of(config) as archive:
        rows = list_outbox(archive, status, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "status", "rule", "channel", "attempts", "next / sent", "title",
                  "last error")
    for row in rows:
        when = row["sent_at"] if row["status"] == "sent" else row["next_attempt_at"]
        table.add_row(str(row["id"]), row["status"], row["rule_id"], row["channel_id"],
                      str(row["attempts"]), (when or "")[:16].replace("T", " "), row["title"],
                      (row["last_error"] or "")[:60])
    out.print(table)


def send_due(config: Config) -> None:
    """Deliver what is due now and print one summary line."""
    from alerts.outbox import deliver_due

    with archive_of(config) as archive:
        try:
            report = deliver_due(archive, config)
        except StorageError as exc:
            fail(f"{exc}; undelivered alerts stay queued and go out with the next send", code=1)
    err.print(f"alerts: {report.sent} sent, {report.retried} to retry, {report.failed} failed, "
              f"{report.given_up} given up", markup=False)
    for message in report.errors[:5]:
        err.print(f"  {message}", markup=False)


@alerts.command("send")
@config_option
@click.pass_context
def alerts_send(ctx: click.Context, config_path: str | None) -> None:
    """Deliver every alert and digest that is due now."""
    send_due(get_config(ctx, config_path))


@alerts.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", "all_failed", is_flag=True, help="Every failed or given-up delivery.")
@config_option
@click.pass_context
def alerts_retry(ctx: click.Context, ids: tuple[int, ...], all_failed: bool,
                 config_path: str | None) -> None:
    """Queue deliveries again (by id, or --failed) and send them now."""
    from storage.alerts import requeue

    if not ids and not all_failed:
        fail("give delivery ids or --failed")
    config = get_config(ctx, config_path)
    with archive_of(config) as archive:
        count = requeue(archive, None if all_failed else list(ids))
    err.print(f"requeued {count} delivery(ies)")
    send_due(config)


@alerts.command("test")
@click.argument("channel_id", metavar="CHANNEL")
@config_option
@click.pass_context
def alerts_test(ctx: click.Context, channel_id: str, config_path: str | None) -> None:
    """Send a sample alert to a channel, to check its URL, secret or SMTP settings."""
    from alerts.channels import send
    from alerts.errors import DeliveryError
    from alerts.render import Alert

    config = get_config(ctx, config_path)
    channel = config.channel(channel_id)
    if channel is None:
        fail(f"unknown channel {channel_id!r}")
        return
    sample = Alert(
        rule_id="test", rule_name="medradar 테스트", article_id=0,
        title="[테스트] 오송 첨단의료복합단지 의료기기 클러스터 소식",
        url="https://github.com/medradar/medradar", source_id="medradar",
        source_name="medradar", published_at=datetime.now().astimezone().isoformat(
            timespec="seconds"), author=None,
        snippet=("medradar 알림 채널 시험 메시지입니다. "
                 "의료기기 클러스터 관련 기사가 이렇게 전달됩니다."),
        terms=("의료기기 클러스터",))
    try:
        send(channel, [sample], None, config.alerts.timeout, "test")
    except DeliveryError as exc:
        fail(str(exc), code=1)
    click.echo(f"sent a test message to {channel_id}")


@main.command()
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (no auth: keep it on 127.0.0.1).")
@click.option("--open", "open_browser", is_flag=True, help="Open it in a web browser.")
@config_option
@click.pass_context
def datasette(ctx: click.Context, port: int, host: str, open_browser: bool,
              config_path: str | None) -> None:
    """Browse the archive in Datasette, with canned queries (needs medradar[datasette])."""
    from monitor.explore import DatasetteMissing, exec_datasette

    config = get_config(ctx, config_path)
    with archive_of(config):
        pass  # create or migrate it first: the canned queries need the current schema
    try:
        exec_datasette(config.archive_path, host, port, open_browser)
    except DatasetteMissing as exc:
        fail(str(exc), code=1)
