"""The public SPARQL 1.1 Protocol endpoint ``/sparql``: read-only, time- and row-limited.

Updates (``INSERT``, ``LOAD``, ``DROP``...) and federation (``SERVICE``) are refused before
anything runs, whatever their spelling. A query whose text cannot name SERVICE and nests
shallowly (`needs_grammar_check`) goes straight to Oxigraph's own parser, in a worker process (web.sparql_worker) over the
read-only store snapshot, which parses queries only, never updates; any other query, and any
query Oxigraph refuses, is parsed with rdflib's SPARQL grammar first, for its verdict and its
message. The union of the named graphs is the default graph.
"""
from __future__ import annotations

import atexit
import io
import json
import re
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from pyparsing import ParseException
from rdflib import XSD, BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result

from web.errors import ApiError
from web.params import is_valid_iri
from web.resources import get_data_dir, settings
from web.sparql_worker import QueryAnswer, QueryFailed, QueryTimeout, StoreUnavailable, WorkerPool

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/x-turtle": "turtle",
    "text/plain": "nt",
    "application/json": "json-ld",
}
# Values of the `format`/`output` parameters (SPARQLWrapper and other clients) -> media type.
FORMAT_PARAM = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "json-ld": (None, "application/ld+json"),
    "jsonld": (None, "application/ld+json"),
    "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "rdf+xml": (None, "application/rdf+xml"),
    "rdf": (None, "application/rdf+xml"),
}
DEFAULT_SELECT = "application/sparql-results+json"
DEFAULT_GRAPH = "text/turtle"
FORBIDDEN_PATTERNS = {"ServiceGraphPattern": "SERVICE (federated query) is not allowed on this endpoint"}


def _find_forbidden(node: Any) -> str | None:
    """Walk rdflib's parse tree for constructs the public endpoint refuses."""
    if isinstance(node, CompValue):
        if node.name in FORBIDDEN_PATTERNS:
            return FORBIDDEN_PATTERNS[node.name]
        children = list(node.values())
    elif isinstance(node, dict):
        children = list(node.values())
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        children = list(node)
    else:
        return None
    for child in children:
        found = _find_forbidden(child)
        if found:
            return found
    return None


# SPARQL resolves \u and \U escapes anywhere in a query before it parses it, so the keyword
# SERVICE is written either with these letters or with an escape.
_NAMES_SERVICE = re.compile(r"service|\\u", re.IGNORECASE)
# rdflib's grammar turns deep nesting into a clear 400 (RecursionError); a query that nests at
# most this many brackets deep (counted as brackets in all) cannot need that.
_SHALLOW_BRACKETS = 64
_XSD_STRING = str(XSD.string)  # plain literals: no datatype written
# What a worker's answer says of the query's form, for content negotiation after the run.
_ANSWER_FORMS = {"boolean": "ASK", "solutions": "SELECT", "triples": "CONSTRUCT"}


def needs_grammar_check(sparql: str) -> bool:
    """Whether rdflib's grammar must check ``sparql`` before it runs: its text may name SERVICE
    (anywhere: a literal "Social Services" counts, the check is conservative) or nests deeply.

    rdflib's parser costs 5-8 ms for a short query (pyparsing; its packrat cache made it slower),
    85 % of the endpoint's time for the inspector question; Oxigraph parses the same in well
    under a millisecond, and refuses updates itself (its ``query`` grammar has none)."""
    if _NAMES_SERVICE.search(sparql):
        return True
    return sum(sparql.count(c) for c in "({[") > _SHALLOW_BRACKETS


def check_query(sparql: str) -> str:
    """Validate an untrusted query; returns its form (SELECT, ASK, CONSTRUCT, DESCRIBE) or raises a 400 ApiError."""
    try:
        parsed = parseQuery(sparql)
    except ParseException as exc:
        try:
            parseUpdate(sparql)
        except ParseException:
            raise ApiError(400, f"Malformed SPARQL query: {exc}", [{"param": "query", "message": str(exc)}]) from None
        except Exception:  # noqa: BLE001 - rdflib raises assorted errors on odd input; it is still not a query
            raise ApiError(400, f"Malformed SPARQL query: {exc}", [{"param": "query", "message": str(exc)}]) from None
        raise ApiError(400, "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) is not allowed: this endpoint is read-only.",
                       [{"param": "query", "message": "updates are refused"}]) from None
    except RecursionError:
        raise ApiError(400, "SPARQL query is nested too deeply.", [{"param": "query", "message": "too deeply nested"}]) from None
    except Exception as exc:  # noqa: BLE001 - the grammar may raise non-ParseException errors on hostile input
        raise ApiError(400, "Malformed SPARQL query.", [{"param": "query", "message": type(exc).__name__}]) from None
    forbidden = _find_forbidden(parsed)
    if forbidden:
        raise ApiError(400, forbidden, [{"param": "query", "message": forbidden}])
    form = parsed[1].name  # SelectQuery | AskQuery | ConstructQuery | DescribeQuery
    return form.removesuffix("Query").upper()


def negotiate(form: str, format_param: str | None) -> str:
    """The response media type: `format`/`output` parameter first, then Accept, then the default."""
    graph_form = form in {"CONSTRUCT", "DESCRIBE"}
    offered = GRAPH_TYPES if graph_form else SELECT_TYPES
    label = "CONSTRUCT or DESCRIBE" if graph_form else form
    if format_param:
        value = format_param.strip().lower()
        if value in offered:
            return value
        pair = FORMAT_PARAM.get(value)
        chosen = pair and (pair[1] if graph_form else pair[0])
        if not chosen:
            raise ApiError(406, f"Format {format_param[:40]!r} is not available for a {label} query; use one of: "
                                + ", ".join(sorted(set(offered))))
        return chosen
    accept = request.accept_mimetypes
    if not request.headers.get("Accept", "").strip():
        return DEFAULT_GRAPH if graph_form else DEFAULT_SELECT
    default = DEFAULT_GRAPH if graph_form else DEFAULT_SELECT
    # Put the default first so `*/*` picks it.
    choices = [default] + [m for m in offered if m != default]
    best = accept.best_match(choices)
    if not best:
        raise ApiError(406, "None of the accepted media types can be produced; use one of: " + ", ".join(choices))
    return best


def _rdf_term(term: Any):
    if term is None:
        return None
    kind = term[0]
    if kind == "uri":
        return URIRef(term[1])
    if kind == "bnode":
        return BNode(term[1])
    value, lang, datatype = term[1], term[2], term[3]
    if lang:
        return Literal(value, lang=lang)
    if datatype and datatype != _XSD_STRING:
        # lexical form kept as is: rdflib must not re-normalise the store's values
        return Literal(value, datatype=URIRef(datatype), normalize=False)
    return Literal(value)


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    return term.n3().replace("\t", "\\t").replace("\n", "\\n")


def _json_term(term: Any) -> dict[str, str]:
    kind = term[0]
    if kind != "literal":
        return {"type": kind, "value": term[1]}
    out = {"type": "literal", "value": term[1]}
    if term[2]:
        out["xml:lang"] = term[2]
    elif term[3] and term[3] != _XSD_STRING:
        out["datatype"] = term[3]
    return out


def sparql_results_json(answer: QueryAnswer) -> bytes:
    """A SELECT or ASK answer in the SPARQL 1.1 Query Results JSON Format, written straight from
    the worker's term tuples: the same document rdflib's serialiser writes (tests compare them),
    without making an rdflib term of every value first (a third of the endpoint's time)."""
    if answer.kind == "boolean":
        document: dict[str, Any] = {"head": {}, "boolean": bool(answer.boolean)}
    else:
        names = answer.variables or []
        document = {"head": {"vars": names}, "results": {"bindings": [
            {name: _json_term(term) for name, term in zip(names, row) if term is not None} for row in answer.rows or []]}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def serialize_answer(answer: QueryAnswer, media_type: str) -> bytes:
    """Serialise a worker's answer in the negotiated media type."""
    if answer.kind != "triples" and SELECT_TYPES[media_type] == "json":
        return sparql_results_json(answer)
    return serialize_with_rdflib(answer, media_type)


def serialize_with_rdflib(answer: QueryAnswer, media_type: str) -> bytes:
    """`serialize_answer` by rdflib's serialisers, for every format."""
    if answer.kind == "triples":
        graph = Graph()
        for s, p, o in answer.rows or []:
            graph.add((_rdf_term(s), _rdf_term(p), _rdf_term(o)))
        return graph.serialize(format=GRAPH_TYPES[media_type], encoding="utf-8")
    fmt = SELECT_TYPES[media_type]
    if answer.kind == "boolean":
        if fmt in {"csv", "tsv"}:
            return ("_askResult\n" + ("true" if answer.boolean else "false") + "\n").encode()
        result = Result("ASK")
        result.askAnswer = bool(answer.boolean)
    else:
        variables = [Variable(v) for v in answer.variables or []]
        if fmt == "tsv":
            lines = ["\t".join(v.n3() for v in variables)]
            for row in answer.rows or []:
                lines.append("\t".join(_tsv_term(_rdf_term(t)) for t in row))
            return ("\n".join(lines) + "\n").encode("utf-8")
        result = Result("SELECT")
        result.vars = variables
        result.bindings = [
            {var: _rdf_term(t) for var, t in zip(variables, row) if t is not None} for row in answer.rows or []
        ]
    out = io.BytesIO()
    result.serialize(out, format=fmt, encoding="utf-8")
    return out.getvalue()


def _query_from_request() -> tuple[str | None, str | None, list[str]]:
    """(query, format parameter, default-graph-uri list) from GET args, a form POST or a sparql-query POST."""
    if "update" in request.values:
        raise ApiError(400, "SPARQL Update is not allowed: this endpoint is read-only.", [{"param": "update", "message": "updates are refused"}])
    format_param = request.values.get("format") or request.values.get("output")
    default_graphs = request.values.getlist("default-graph-uri")
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-query":
            return request.get_data(as_text=True), format_param, default_graphs
        if mimetype == "application/sparql-update":
            raise ApiError(400, "SPARQL Update is not allowed: this endpoint is read-only.")
        if mimetype not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            raise ApiError(415, "POST a query as application/x-www-form-urlencoded (query=...) or application/sparql-query.")
        return request.form.get("query"), format_param, default_graphs
    return request.args.get("query"), format_param, default_graphs


def get_pool() -> WorkerPool:
    """The app's SPARQL worker pool (started lazily)."""
    return current_app.extensions["councilgraph_sparql"]


def sparql_endpoint() -> Response:
    query, format_param, default_graphs = _query_from_request()
    config = settings()
    if query is None or not query.strip():
        if request.method == "GET" and wants_html_form():
            return Response(render_template("sparql.html", settings=config), mimetype="text/html")
        raise ApiError(400, "Missing `query`: send a SPARQL query as ?query=, a form field or an application/sparql-query body.",
                       [{"param": "query", "message": "required"}])
    if len(query) > config["max_query_chars"]:
        raise ApiError(400, f"Query too long: {len(query)} characters, at most {config['max_query_chars']} (setting max_query_chars).",
                       [{"param": "query", "message": "too long"}])
    bad_graphs = [g for g in default_graphs if not is_valid_iri(g)]
    if bad_graphs:
        raise ApiError(400, "`default-graph-uri` must be absolute http(s) IRIs.", [{"param": "default-graph-uri", "message": "not an IRI"}])
    data_dir = get_data_dir()
    if data_dir.remote:  # the remote server may federate: every query is checked
        return _forward_to_remote(query, negotiate(check_query(query), format_param), default_graphs, config)
    form = check_query(query) if needs_grammar_check(query) else None
    media_type = negotiate(form, format_param) if form else None
    try:
        store_path = str(data_dir.graph_path())
    except Exception as exc:  # noqa: BLE001 - a locked or missing data dir: no paths in the message
        current_app.logger.exception("no graph snapshot")
        raise ApiError(503, "The graph store is not available; try again later.") from exc
    try:
        answer = get_pool().run(store_path, query, timeout=float(config["sparql_timeout"]),
                                max_rows=int(config["sparql_max_rows"]), default_graphs=default_graphs)
    except QueryTimeout as exc:
        raise ApiError(503, f"Query stopped: {exc} (setting sparql_timeout = {config['sparql_timeout']:g} s).") from None
    except QueryFailed as exc:
        if form is None:
            check_query(query)  # rdflib's verdict and message for an update or a malformed query
        raise ApiError(400, f"The query cannot be evaluated: {exc}", [{"param": "query", "message": str(exc)}]) from None
    except StoreUnavailable as exc:
        raise ApiError(503, f"The graph store is not available: {exc}.") from None
    if media_type is None:
        media_type = negotiate(_ANSWER_FORMS[answer.kind], format_param)
    body = serialize_answer(answer, media_type)
    response = Response(body, mimetype=media_type)
    if media_type.startswith("text/") or media_type.endswith(("json", "xml", "triples")):
        response.charset = "utf-8"
    response.headers["Vary"] = "Accept"
    if answer.truncated:
        response.headers["X-Councilgraph-Truncated"] = f"true; sparql_max_rows={config['sparql_max_rows']}"
    return response


def _forward_to_remote(query: str, media_type: str, default_graphs: list[str], config: dict) -> Response:
    """Send a checked, read-only query to the remote endpoint (setting graph_endpoint) and relay its answer.

    The remote server enforces its own row limits; the time limit here bounds the wait.
    """
    import requests

    params: list[tuple[str, str]] = [("default-graph-uri", g) for g in default_graphs]
    if not default_graphs:
        params.append(("union-default-graph", ""))  # Oxigraph server: the union of the named graphs
    try:
        remote = requests.post(config["graph_endpoint"], params=params, data={"query": query},
                               headers={"Accept": media_type}, timeout=float(config["sparql_timeout"]))
    except requests.Timeout:
        raise ApiError(503, f"Query stopped: the remote endpoint did not answer within {config['sparql_timeout']:g} s "
                            "(setting sparql_timeout).") from None
    except requests.RequestException:
        raise ApiError(503, "The remote SPARQL endpoint is not reachable.") from None
    if remote.status_code >= 500:
        raise ApiError(503, f"The remote SPARQL endpoint failed (HTTP {remote.status_code}).")
    if remote.status_code >= 400:
        detail = remote.text[:500]
        raise ApiError(400, f"The remote endpoint refused the query: {detail}", [{"param": "query", "message": detail}])
    response = Response(remote.content, mimetype=remote.headers.get("Content-Type", media_type).split(";")[0])
    response.headers["Vary"] = "Accept"
    return response


def wants_html_form() -> bool:
    best = request.accept_mimetypes.best_match(["application/sparql-results+json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] >= 0.9


def init_app(app: Flask) -> None:
    pool = WorkerPool(size=max(1, int(app.config["COUNCILGRAPH"]["sparql_workers"])))
    app.extensions["councilgraph_sparql"] = pool
    atexit.register(pool.close)
    app.add_url_rule("/sparql", "sparql", sparql_endpoint, methods=["GET", "POST"])
