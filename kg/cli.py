"""Command line: a thin face over kg.build, kg.nlp and kg.evaluate.

Exit codes: 0 ok; 1 input errors under --strict, or a run that failed (message on stderr,
earlier outputs left as they were); 2 usage errors; 130 interrupted (Ctrl-C), 143 stopped
by SIGTERM. No command prints a traceback (set KG_DEBUG=1 to see one).
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

import click

from . import __version__
from .graph import WINDOWS

MODEL_OPTION = click.option("--model", "model", default=None, metavar="NAME_OR_PATH",
                            help="spaCy pipeline to use (default: kg's shipped zh_kg_news).")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
EXIT_CODES_HELP = ("Exit codes: 0 ok; 1 input errors under --strict, or a failed run (earlier outputs "
                   "kept); 2 usage error; 130 interrupted (Ctrl-C); 143 stopped by SIGTERM.")


def _fail(message: str, code: int = EXIT_FAILED) -> None:
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(code)


class _Stopped:
    """Which signal stopped the run (SIGTERM is turned into KeyboardInterrupt like SIGINT)."""

    signum: int | None = None


def _on_stop_signal(signum, frame):
    _Stopped.signum = signum
    # a second Ctrl-C or SIGTERM during the clean-up stops kg at once
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise KeyboardInterrupt


class _Guarded(click.Group):
    """Turns any unexpected exception into a one-line error and exit 1, and an interrupt
    into exit 130 (KG_DEBUG=1 shows the traceback instead)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("kg: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            if isinstance(exc, OSError):  # a file kg was asked to use: not a bug
                _fail(str(exc))
            if isinstance(exc, ValueError):  # most often bad input (a malformed file)
                _fail(f"{type(exc).__name__}: {exc}")
            _fail(f"{type(exc).__name__}: {exc} (this is a bug in kg; run with KG_DEBUG=1 for the traceback)")


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: Chinese news -> knowledge graph of organisations, officials and places.

    \b
    Examples:
      kg build news/ --out outputs          # a folder, read recursively
      kg build 'feeds/*.jsonl' --out out2   # a glob (quoted)
      kg info                               # the model in use and its scores
      kg export --out outputs               # the export files again from graph.json

    \b
    Inputs: .txt .md .html/.htm (visible text; <meta>/<time> dates) and .jsonl/.json
    (one article per line: text, and optional id, title, date, url, source).
    """


def _stamp(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Output folder.")
@MODEL_OPTION
@click.option("--window", type=click.Choice(WINDOWS), default="sentence", show_default=True,
              help="Co-occurrence unit.")
@click.option("--min-weight", type=click.IntRange(min=1), default=1, show_default=True,
              help="Drop co-occurrence edges seen in fewer units.")
@click.option("--min-npmi", type=click.FloatRange(-1.0, 1.0), default=-1.0, show_default=True,
              help="Drop co-occurrence edges with a lower NPMI (0 drops pairs seen together less than chance).")
@click.option("--max-edges", type=click.IntRange(min=0), default=100_000, show_default=True,
              help="Keep at most this many co-occurrence edges, the strongest (0: all); positions are always kept.")
@click.option("--max-html-nodes", type=click.IntRange(min=1), default=300, show_default=True,
              help="The HTML map shows at most this many nodes (top by weighted degree); exports keep all.")
@click.option("--formats", default="html,graphml,gexf,json,csv", show_default=True,
              help="Comma-separated: html, graphml, gexf, json, csv.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True, help="Processes for NER (0: all cores).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Analysis cache folder (default: $KG_CACHE_DIR or ~/.cache/kg).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the analysis cache.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV or YAML of alias,canonical[,type]; a canonical written !name forbids that merge.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) when any input is skipped.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the NER on a Dask cluster: a scheduler's address (tcp://host:8786), or local:N for N worker "
                   "processes here (needs pip install 'kg[dask]'; --jobs is then unused).")
def build(paths, out_dir, model, window, min_weight, min_npmi, max_edges, max_html_nodes, formats, jobs, cache_dir, no_cache,
          aliases, strict, quiet, scheduler):
    """Build the graph of the articles in PATHS (files, folders, globs).

    Inputs kg cannot use (unreadable, binary, undecodable, empty, invalid JSON lines) are
    skipped with a warning and listed in summary.json; --strict makes any skip an error.

    \b
    Inputs: .txt .md .html/.htm (visible text; dates from <meta>/<time> or the dateline)
    and .jsonl/.json (one article per line: text, optional id, title, date, url, source).

    \b
    Examples:
      kg build news/ --out outputs                      # a folder, read recursively
      kg build 'feeds/*.jsonl' --out outputs --jobs 2   # a glob (quoted), two processes
      kg build news/ --min-weight 2 --max-html-nodes 1000 --formats html,gexf
    """
    # A thin face over the Python API: kg.build(...) makes the same BuildOptions and runs
    # the same kg.build.run; every check of a value is BuildOptions'.
    from .api import build_from_options
    from .build import InputErrors, NoDocuments
    from .export import OutputError
    from .nlp import ModelNotFound
    from .options import BuildOptions, OptionError

    try:
        options = BuildOptions(out_dir=out_dir, model=model, window=window, min_weight=min_weight, min_npmi=min_npmi,
                               max_edges=max_edges, max_html_nodes=max_html_nodes, formats=formats, jobs=jobs,
                               cache_dir=cache_dir, use_cache=not no_cache, aliases=aliases, strict=strict,
                               progress=not quiet, scheduler=scheduler)
    except OptionError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.flag) from None
    before = _stamp(out_dir / "summary.json")
    previous = {}
    if _main_thread():
        _Stopped.signum = None
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _on_stop_signal)
    try:
        summary = build_from_options(list(paths), options).summary
    except (InputErrors, NoDocuments, ModelNotFound, OutputError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        written = _stamp(out_dir / "summary.json") not in (before, None)
        what = (f"the new outputs in {out_dir} were complete" if written
                else f"earlier outputs in {out_dir} are unchanged")
        stopped_by = "stopped by SIGTERM" if _Stopped.signum == signal.SIGTERM else "interrupted"
        click.echo(f"kg: {stopped_by}; {what}; the analysis cache is consistent", err=True)
        sys.exit(EXIT_TERMINATED if _Stopped.signum == signal.SIGTERM else EXIT_INTERRUPTED)
    except (OSError, ValueError) as exc:
        _fail(f"{exc} (earlier outputs in {out_dir} are unchanged)")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    for item in summary.skipped:
        where = f"{item['path']}:{item['line']}" if item.get("line") else item["path"]
        click.echo(f"kg: warning: skipped {where}: {item['reason']}", err=True)
    for line in summary.warnings:
        click.echo(f"kg: warning: {line}", err=True)
    if "html" in options.formats:
        from .fonts import FONT_HINT, cjk_font_missing

        if cjk_font_missing():
            click.echo(f"kg: warning: {FONT_HINT}", err=True)
    if not quiet and summary.map:
        click.echo(summary.map + (" (the exports keep every node)" if summary.html.get("truncated") else ""), err=True)
    if not quiet:
        click.echo(
            f"{summary.documents} documents, {summary.characters} characters, "
            f"{summary.duplicate_passages_dropped} duplicate passages dropped, {len(summary.skipped)} skipped\n"
            f"{summary.entities} entities, {summary.edges} edges ({summary.relations} holds_position_at"
            + (f"; {summary.edges_over_max_edges} weaker pairs over --max-edges left out" if summary.edges_over_max_edges else "")
            + f"), {summary.events} typed relations (events.csv) "
            f"in {summary.seconds:.1f} s with {summary.jobs} process(es); cache {summary.cache_hits} hits, "
            f"{summary.cache_misses} misses\n" + "\n".join(f"  {p}" for p in summary.outputs),
            err=True,
        )


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


@main.command()
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info(model, as_json):
    """The pipeline in use: name, version, labels, size and its measured scores (P/R/F
    per evaluation set: the 1990s People's Daily and MSRA sets, and the modern ones)."""
    from .nlp import ModelNotFound, model_info

    try:
        details = model_info(model).as_dict()
    except ModelNotFound as exc:
        _fail(str(exc), 1)
    if as_json:
        click.echo(json.dumps(details, ensure_ascii=False, indent=2))
        return
    click.echo(_info_table(details))


@main.command("eval")
@click.option("--data", "data", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["bio", "spacy", "cluener", "weibo", "resume", "announcements",
                                                   "exec_bio", "seg"]), default=None,
              help="Default: from the file name (.spacy; .json -> cluener; weibo, .bmes -> resume, "
                   "announcements, exec_bio; else bio).")
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True)
def eval_command(data, fmt, model, as_json):
    """Strict entity P/R/F (overall and per label), or segmentation P/R/F with --format seg."""
    from .corpora import CorpusFormatError, guess_format
    from .evaluate import evaluate_ner, evaluate_segmentation
    from .nlp import ModelNotFound, load_pipeline

    fmt = fmt or guess_format(data)
    try:
        if fmt == "seg":
            from .segment import load_segmenter

            segment = load_segmenter(model)
            result = evaluate_segmentation(segment, data)
        else:
            result = evaluate_ner(load_pipeline(model), data, fmt)
    except CorpusFormatError as exc:
        _fail(str(exc), 1)
    except ModelNotFound as exc:
        _fail(str(exc), 1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    o = result["overall"]
    click.echo(f"{result['data']} ({result['format']}, {result['sentences']} sentences, {result['chars_per_second']} chars/s)")
    click.echo(f"{'':8} {'P':>7} {'R':>7} {'F':>7}")
    click.echo(f"{'overall':8} {o['p']:7.4f} {o['r']:7.4f} {o['f']:7.4f}")
    for label, s in result.get("per_label", {}).items():
        click.echo(f"{label:8} {s['p']:7.4f} {s['r']:7.4f} {s['f']:7.4f}")
    if "per_org" in result:
        s = result["per_org"]
        click.echo(f"{'PER+ORG':8} {s['p']:7.4f} {s['r']:7.4f} {s['f']:7.4f}")


@main.command()
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="A gold set: per-document (tests/gold/sample_gold.json) or corpus-level (news_dev/gold_news.json).")
@click.option("--out", "out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="A folder written by kg build.")
@click.option("--json", "as_json", is_flag=True)
def score(gold, out_dir, as_json):
    """Score a built graph against a gold set (per-document or corpus-level layout)."""
    from .scoring import ScoreError, score_graph

    try:
        result = score_graph(gold, out_dir)
    except ScoreError as exc:
        _fail(str(exc), 1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif result["layout"] == "corpus":
        _echo_corpus_score(result)
    else:
        _echo_document_score(result)


def _echo_corpus_score(result: dict) -> None:
    s, c = result["scores"], result["counts"]
    click.echo(f"required-entity recall  {s['recall']:.3f}  ({c['required_found']} of {c['required']}; any entity {c['recall_all']:.3f})")
    click.echo(f"node precision          {s['precision']:.3f}  ({c['nodes']} nodes, {len(result['unmatched_nodes'])} match no gold entity)")
    click.echo(f"alias merges            {s['merge']:.3f}  ({c['merge_cases']} cases; merge precision {c['merge_p']:.3f})")
    click.echo(f"officials' relations F  {s['rel']:.3f}  (P {c['rel_p']:.3f}  R {c['rel_r']:.3f}, {c['gold_relations']} gold)")
    click.echo(f"gold pairs connected    {s['cooc']:.3f}  ({c['pairs']} pairs)")
    click.echo(f"subtype accuracy        {s['subtype']:.3f}  (type accuracy {c['type_accuracy']:.3f})")
    if "events" in s:
        e = c["events"]
        click.echo(f"events F                {s['events']:.3f}  (P {e['p']:.3f}  R {e['r']:.3f}, {e['gold']} gold, {e['predicted']} predicted)")
        for kind, t in e.get("types", {}).items():
            click.echo(f"  {kind:<22}{t['f']:.3f}  (P {t['p']:.3f}  R {t['r']:.3f}, {t['gold']} gold, {t['predicted']} predicted)")
    for key, label in (("missed_required", "missing entity"), ("unmatched_nodes", "spurious node"),
                       ("negatives_present", "negative as node"), ("subtype_errors", "subtype"),
                       ("missed_merges", "missed merge"), ("wrong_merges", "wrong merge"),
                       ("missed_relations", "missed relation"), ("wrong_relations", "wrong relation"),
                       ("missed_pairs", "pair not connected"), ("missed_events", "missed event"),
                       ("wrong_events", "wrong event")):
        for item in result.get(key, []):
            click.echo(f"  {label}: {item}")
    click.echo("targets: " + " ".join(f"{k}={v:.3f}/{result['targets'][k]:.2f}" for k, v in s.items())
               + (" short: " + ",".join(result["short"]) if result["short"] else " all met"))


def _echo_document_score(result: dict) -> None:
    e, m, r = result["entities"], result["merge"], result["relations"]
    click.echo(f"entities   P {e['p']:.3f}  R {e['r']:.3f}  ({e['gold']} gold, {e['nodes']} nodes)")
    click.echo(f"subtypes   accuracy {result['subtype_accuracy']:.3f}")
    click.echo(f"merges     P {m['p']:.3f}  R {m['r']:.3f}  ({m['gold_pairs']} gold pairs)")
    click.echo(f"relations  P {r['p']:.3f}  R {r['r']:.3f}  ({r['gold']} gold)")
    for name in e["missing"]:
        click.echo(f"  missing entity: {name}")
    for name in e["spurious"]:
        click.echo(f"  spurious node: {name}")
    for line in result["subtype_errors"]:
        click.echo(f"  subtype: {line}")
    for a, b in m["missed_pairs"]:
        click.echo(f"  missed merge: {a} = {b}")
    for a, b in m["wrong_pairs"]:
        click.echo(f"  wrong merge: {a} = {b}")
    for item in r["missed"]:
        click.echo(f"  missed relation: {item}")
    for item in r["wrong"]:
        click.echo(f"  wrong relation: {item}")


def _info_table(details: dict) -> str:
    """`kg info` for people: the model, then one row per evaluation set."""
    lines = [f"model       {details['name']} {details['version']}",
             f"labels      {', '.join(details['labels'])}",
             f"components  {', '.join(details['components'])} (tokenizer: {details['tokenizer']})",
             f"size        {details['size_bytes'] / 2**20:.1f} MB", ""]
    scores = details.get("scores") or {}
    rows = []
    for name, value in scores.items():
        if not isinstance(value, dict) or not isinstance(value.get("overall"), dict):
            continue
        overall, per = value["overall"], value.get("per_label") or {}
        cell = lambda label: f"{per[label]['f']:.3f}" if isinstance(per.get(label), dict) and "f" in per[label] else "-"  # noqa: E731
        rows.append([name, f"{overall.get('p', 0):.3f}", f"{overall.get('r', 0):.3f}", f"{overall.get('f', 0):.3f}",
                     cell("PERSON"), cell("ORG"), cell("LOC"), f"{value.get('sentences', '-')}"])
    if not rows:
        lines.append("no measured scores stored with this model (kg eval measures them)")
        return "\n".join(lines)
    header = ["evaluation set", "P", "R", "F", "F PER", "F ORG", "F LOC", "sentences"]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    lines += [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
    lines.append("(kg info --json: every figure, and where the model is stored)")
    return "\n".join(lines)


@main.command("export")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="A folder written by kg build (its graph.json is read).")
@click.option("--formats", default="graphml,gexf,csv", show_default=True, help="Comma-separated: graphml, gexf, csv.")
def export_command(out_dir, formats):
    """Write the export files (GraphML, GEXF, CSV, Neo4j) again from an existing build's
    graph.json, without reading the articles or loading the model."""
    from .reexport import EXPORT_FORMATS, NoBuild, export_existing

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in EXPORT_FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from "
                                 f"{', '.join(EXPORT_FORMATS)}", param_hint="--formats")
    try:
        written = export_existing(out_dir, chosen)
    except NoBuild as exc:
        _fail(str(exc))
    click.echo("\n".join(str(p) for p in written))


@main.group()
def cache():
    """The analysis cache."""


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def cache_clear(cache_dir):
    """Delete every cached analysis."""
    import sqlite3

    from .cache import AnalysisCache

    try:
        store = AnalysisCache(cache_dir)
        shown = list(store.warnings)
        for line in shown:
            click.echo(f"kg: warning: {line}", err=True)
        removed = store.clear()
        store.close()
        # clear() may find the database malformed and delete it: say so, not just "removed 0"
        for line in store.warnings:
            if line not in shown:
                click.echo(f"kg: warning: {line}", err=True)
    except (OSError, sqlite3.Error) as exc:
        _fail(f"cannot clear the analysis cache: {exc}")
    click.echo(f"removed {removed} cached analyses from {store.path}")


def run() -> None:
    """The `kg` command: `main`, then the process ends without tearing the interpreter down.
    Freeing a loaded model and a built graph object by object took 0.3-0.5 s after a build's
    last file was written; the exit handlers still run (temporary files, the pool's
    finalisers), and where a thread is still alive the interpreter exits as usual."""
    try:
        main()  # click's standalone mode ends in SystemExit
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is None:
        code = 0
    elif not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what the interpreter would run at exit, before freeing everything
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
