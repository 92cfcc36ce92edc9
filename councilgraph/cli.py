"""The `councilgraph` command: the same operations and answers as the server, on the command line.

`search`, `sparql` and `serve --get` go through the Flask app in-process (Datasette's `--get`),
so the command line and HTTP always give the same answers.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from councilgraph.settings import load_settings

EXIT_FAILED_DOCUMENTS = 1
EXIT_BAD_REQUEST = 2


def _settings(data: str | None, **overrides: Any) -> dict[str, Any]:
    return load_settings({"data_dir": data, **overrides})


data_option = click.option(
    "--data", "data", type=click.Path(file_okay=False), default=None,
    help="Data directory (default ./data, or $COUNCILGRAPH_DATA).",
)
engine_option = click.option("--engine", type=click.Choice(["whoosh", "tantivy"]), default=None,
                             help="Search engine (default: setting search_engine).")


@click.group()
@click.version_option(package_name="councilgraph")
def main() -> None:
    """Read council committee papers into a knowledge graph and a search index, and serve them."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@data_option
@engine_option
@click.option("--force", is_flag=True, help="Re-ingest documents even when unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(paths: tuple[str, ...], data: str | None, engine: str | None, force: bool, as_json: bool) -> None:
    """Ingest files or folders of .txt, .md and .pdf council papers."""
    from councilgraph.data import DataDirError
    from councilgraph.pipeline import discover, ingest_paths

    settings = _settings(data, search_engine=engine)
    files, _ = discover(paths)
    show_bar = sys.stderr.isatty() and not as_json
    try:
        if show_bar:
            with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr,
                                   item_show_func=lambda name: name) as bar:
                report = ingest_paths(paths, settings, progress=lambda name: bar.update(1, name), force=force)
        else:
            report = ingest_paths(paths, settings, force=force)
    except DataDirError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_ingest_summary(report)
    if report.failed:
        sys.exit(EXIT_FAILED_DOCUMENTS)


WARNINGS_SHOWN = 50  # an archive's run can have thousands; --json has every one


def _print_ingest_summary(report) -> None:
    statuses = report.by_status()
    click.echo("Documents: " + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())))
    for outcome in report.outcomes:
        if outcome.status == "failed":
            click.secho(f"  FAILED {outcome.path}: {outcome.reason}", fg="red", err=True)
    if report.entities:
        click.echo("Records: " + ", ".join(f"{kind} {n}" for kind, n in sorted(report.entities.items()) if n))
    click.echo(f"Facts: {report.triples} triples in the graph, {report.passages} passages in the index")
    if report.seconds:
        click.echo("Time: " + ", ".join(f"{phase} {s:.2f}s" for phase, s in report.seconds.items()))
    for note in report.notes:
        click.secho(f"Note: {note}", fg="yellow", err=True)
    warnings = report.warnings
    click.echo(f"Warnings: {len(warnings)}")
    for w in warnings[:WARNINGS_SHOWN]:
        page = f" p.{w['page']}" if w.get("page") else ""
        click.echo(f"  {w['document']}{page}: {w['message']}")
    if len(warnings) > WARNINGS_SHOWN:
        click.echo(f"  ... and {len(warnings) - WARNINGS_SHOWN} more (`--json` lists them all)")


@main.command()
@data_option
@engine_option
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option("--workers", default=None, type=int,
              help="Server processes (default 1, setting workers; 0 = one per CPU; more than 1 runs gunicorn).")
@click.option("--get", "get_path", default=None, metavar="PATH",
              help="Instead of serving, request PATH (e.g. '/api/search?q=FASD') from the app and print the body.")
def serve(data: str | None, engine: str | None, host: str | None, port: int | None, workers: int | None,
          get_path: str | None) -> None:
    """Serve the API, SPARQL endpoint and pages with a production WSGI server (waitress; gunicorn with --workers)."""
    settings = _settings(data, search_engine=engine, host=host, port=port, workers=workers)
    if not get_path:
        # What the server does besides answering (opening a generation, warming its lists) goes
        # to stderr with the time; set before gunicorn forks, so its workers log the same way.
        logging.basicConfig(format="%(asctime)s %(process)d %(name)s: %(message)s", level=logging.WARNING)
        for ours in ("web", "graph"):
            logging.getLogger(ours).setLevel(logging.INFO)
    if get_path:
        status = _print_get(settings, get_path)
        sys.exit(0 if status < 400 else EXIT_BAD_REQUEST)
    from councilgraph.settings import worker_count

    try:
        processes = worker_count(settings)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--workers") from exc
    if processes > 1:
        try:
            from councilgraph.workers import serve_workers
        except ImportError as exc:  # gunicorn needs fcntl and fork: not on Windows
            click.echo(f"Cannot run {processes} worker processes here ({exc}); serving with one.", err=True)
            settings = {**settings, "workers": 1}
        else:
            click.echo(f"Serving {settings['data_dir']} on http://{settings['host']}:{settings['port']}/ "
                       f"with {processes} worker processes", err=True)
            _allow_open_files()
            serve_workers({**settings, "workers": processes})
            return
    import waitress

    from server import create_app

    app = create_app(settings)
    with app.app_context():
        # Open the store and index (and read the index's columns) before the first request comes.
        app.extensions["councilgraph"].current()
    click.echo(f"Serving {settings['data_dir']} on http://{settings['host']}:{settings['port']}/", err=True)
    _allow_open_files()
    # poll(), not select(): every thread's searcher holds a file per index segment, and select()
    # fails on any descriptor past 1023, which stopped the server on a many-segment index.
    waitress.serve(app, host=settings["host"], port=settings["port"], threads=settings["threads"],
                   max_request_body_size=settings["max_request_bytes"], ident="councilgraph",
                   asyncore_use_poll=True)


def _allow_open_files() -> None:
    """Raise the soft limit on open files to the hard one (servers need more than the usual 1024)."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass  # a limit we may not raise: keep the one we were given


def _app_get(settings: dict[str, Any], path: str, query: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None):
    from server import create_app

    # One request and the process ends: nothing to warm for the requests after it.
    app = create_app({**settings, "warm_lists": False})
    with app.test_client() as client:
        return client.get(path, query_string=query, headers=headers or {})


def _print_get(settings: dict[str, Any], path: str) -> int:
    response = _app_get(settings, path)
    click.echo(response.get_data(as_text=True))
    return response.status_code


@main.command()
@click.argument("query")
@data_option
@engine_option
@click.option("--kind", default=None, help="Only passages of this kind (resolution, inspection, report, ...).")
@click.option("--committee", default=None)
@click.option("--from", "date_from", default=None, help="Earliest date (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Latest date (YYYY-MM-DD).")
@click.option("--page", default=1, type=int)
@click.option("--size", default=10, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
def search(query: str, data: str | None, engine: str | None, kind: str | None, committee: str | None,
           date_from: str | None, date_to: str | None, page: int, size: int, as_json: bool) -> None:
    """Keyword search over passages (same answers as GET /api/search)."""
    settings = _settings(data, search_engine=engine)
    params = {"q": query, "kind": kind, "committee": committee, "from": date_from, "to": date_to,
              "page": page, "size": size}
    response = _app_get(settings, "/api/search", {k: v for k, v in params.items() if v is not None})
    body = response.get_json(silent=True) or {}
    if as_json or response.status_code >= 400:
        click.echo(json.dumps(body, indent=2))
        if response.status_code >= 400:
            sys.exit(EXIT_BAD_REQUEST)
        return
    if body.get("message"):
        click.echo(body["message"], err=True)
    click.echo(f"{body['total']} passages for {query!r} (page {body['page']})")
    rows = [
        (str(i), hit.get("kind") or "", hit.get("date") or "", _plain(hit.get("title") or ""),
         f"{hit.get('document')}:{hit.get('page') or '?'}")
        for i, hit in enumerate(body.get("results", []), start=(body["page"] - 1) * body["size"] + 1)
    ]
    _print_table(("#", "kind", "date", "title", "source"), rows)
    if body.get("suggestion"):
        click.echo(f"Did you mean: {body['suggestion']}")


@main.command()
@click.argument("query")
@data_option
@click.option("--json", "as_json", is_flag=True, help="Print SPARQL results JSON.")
def sparql(query: str, data: str | None, as_json: bool) -> None:
    """Run a read-only SPARQL 1.1 query (same answers as GET /sparql)."""
    settings = _settings(data)
    response = _app_get(settings, "/sparql", {"query": query},
                        headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
    if response.status_code >= 400:
        body = response.get_json(silent=True) or {"error": response.get_data(as_text=True)}
        click.echo(f"Error: {body.get('error')}", err=True)
        for detail in body.get("errors") or []:
            click.echo(f"  {detail}", err=True)
        sys.exit(EXIT_BAD_REQUEST)
    if not response.mimetype.endswith("json") or as_json:
        click.echo(response.get_data(as_text=True))
        return
    body = response.get_json()
    if "boolean" in body:
        click.echo("true" if body["boolean"] else "false")
        return
    columns = body["head"]["vars"]
    rows = [tuple(b.get(c, {}).get("value", "") for c in columns) for b in body["results"]["bindings"]]
    _print_table(tuple(columns), rows)
    click.echo(f"{len(rows)} rows")


@main.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nq", "jsonld", "nt"]), default="nq",
              help="ttl: Turtle of all facts; nq: N-Quads with one named graph per document; jsonld; nt.")
@click.option("--output", "-o", type=click.File("wb"), default="-", help="File to write (default stdout).")
def export(data: str | None, fmt: str, output) -> None:
    """Export the whole graph."""
    from councilgraph.data import DataDir

    store = DataDir(_settings(data)).open_graph()
    try:
        output.write(store.serialize(fmt))
    finally:
        store.close()


@main.command()
@data_option
@engine_option
@click.option("--json", "as_json", is_flag=True)
def stats(data: str | None, engine: str | None, as_json: bool) -> None:
    """Documents, triples, passages and entities by kind."""
    from councilgraph.data import DataDir
    from graph.queries import stats as graph_stats

    data_dir = DataDir(_settings(data, search_engine=engine))
    manifest = data_dir.manifest()
    store = data_dir.open_graph()
    index = data_dir.open_index()
    try:
        summary = {
            "data_dir": str(data_dir.root),
            "documents": len(manifest["documents"]),
            "passages": index.count(),
            "search_engine": data_dir.engine,
            "graph": graph_stats(store),
        }
    finally:
        index.close()
        store.close()
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"Data directory: {summary['data_dir']}")
    click.echo(f"Documents: {summary['documents']}")
    click.echo(f"Passages: {summary['passages']} ({summary['search_engine']})")
    for key, value in summary["graph"].items():
        if isinstance(value, dict):
            click.echo(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(value.items())))
        else:
            click.echo(f"{key}: {value}")


def _plain(html: str) -> str:
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [min(60, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    click.echo(line)
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join((cell if len(cell) <= w else cell[: w - 1] + "…").ljust(w) for cell, w in zip(row, widths)))


if __name__ == "__main__":  # pragma: no cover
    main()
