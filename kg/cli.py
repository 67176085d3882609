"""Command line: a thin face over kg.build, kg.nlp and kg.evaluate.

Exit codes: 0 ok; 1 input errors under --strict, or a run that failed (message on stderr,
earlier outputs left as they were); 2 usage errors; 130 interrupted.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__

MODEL_OPTION = click.option("--model", "model", default=None, metavar="NAME_OR_PATH",
                            help="spaCy pipeline to use (default: kg's shipped zh_kg_news).")


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: Chinese news -> knowledge graph of organisations, officials and places."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Output folder.")
@MODEL_OPTION
@click.option("--window", type=click.Choice(["sentence", "paragraph", "document"]), default="sentence", show_default=True,
              help="Co-occurrence unit.")
@click.option("--min-weight", type=click.IntRange(min=1), default=1, show_default=True,
              help="Drop co-occurrence edges seen in fewer units.")
@click.option("--min-npmi", type=click.FloatRange(-1.0, 1.0), default=-1.0, show_default=True,
              help="Drop co-occurrence edges with a lower NPMI (0 drops pairs seen together less than chance).")
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
def build(paths, out_dir, model, window, min_weight, min_npmi, max_html_nodes, formats, jobs, cache_dir, no_cache,
          aliases, strict, quiet):
    """Build the graph of the articles in PATHS (files, folders, globs)."""
    from .build import BuildOptions, InputErrors, build as run_build
    from .export import FORMATS
    from .nlp import ModelNotFound

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}",
                                 param_hint="--formats")
    options = BuildOptions(out_dir=out_dir, model=model, window=window, min_weight=min_weight, min_npmi=min_npmi,
                           max_html_nodes=max_html_nodes, formats=chosen, jobs=jobs, cache_dir=cache_dir,
                           use_cache=not no_cache, aliases=aliases, strict=strict, progress=not quiet)
    try:
        summary = run_build(list(paths), options)
    except InputErrors as exc:
        _fail(str(exc), 1)
    except ModelNotFound as exc:
        _fail(str(exc), 1)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; earlier outputs and the cache are intact", err=True)
        sys.exit(130)
    except (OSError, ValueError) as exc:
        _fail(f"{exc} (earlier outputs in {out_dir} are unchanged)", 1)
    for item in summary.skipped:
        where = f"{item['path']}:{item['line']}" if item.get("line") else item["path"]
        click.echo(f"kg: warning: skipped {where}: {item['reason']}", err=True)
    if not quiet:
        click.echo(
            f"{summary.documents} documents, {summary.characters} characters, "
            f"{summary.duplicate_passages_dropped} duplicate passages dropped, {len(summary.skipped)} skipped\n"
            f"{summary.entities} entities, {summary.edges} edges ({summary.relations} holds_position_at) "
            f"in {summary.seconds:.1f} s with {summary.jobs} process(es); cache {summary.cache_hits} hits, "
            f"{summary.cache_misses} misses\n" + "\n".join(f"  {p}" for p in summary.outputs),
            err=True,
        )


@main.command()
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info(model, as_json):
    """The pipeline in use: path, version, labels, size and measured scores."""
    from .nlp import ModelNotFound, model_info

    try:
        details = model_info(model).as_dict()
    except ModelNotFound as exc:
        _fail(str(exc), 1)
    if as_json:
        click.echo(json.dumps(details, ensure_ascii=False, indent=2))
        return
    click.echo(f"pipeline:      {details['name']} {details['version']}")
    click.echo(f"pipeline_path: {details['pipeline_path']}")
    click.echo(f"components:    {', '.join(details['components'])} (tokenizer: {details['tokenizer']})")
    click.echo(f"labels:        {', '.join(details['labels'])}")
    click.echo(f"size:          {details['size_bytes'] / 2**20:.1f} MB")
    for name, value in details["scores"].items():
        click.echo(f"score {name}: {json.dumps(value, ensure_ascii=False)}")


@main.command("eval")
@click.option("--data", "data", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["bio", "spacy", "cluener", "seg"]), default=None,
              help="Default: from the file name (.spacy, .json -> cluener, else bio).")
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


@main.command()
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--out", "out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="A folder written by kg build.")
@click.option("--json", "as_json", is_flag=True)
def score(gold, out_dir, as_json):
    """Score a built graph against a document-level gold set."""
    from .evaluate import score_graph

    result = score_graph(gold, out_dir)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
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


@main.group()
def cache():
    """The analysis cache."""


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def cache_clear(cache_dir):
    """Delete every cached analysis."""
    from .cache import AnalysisCache

    store = AnalysisCache(cache_dir)
    removed = store.clear()
    store.close()
    click.echo(f"removed {removed} cached analyses from {store.path}")


if __name__ == "__main__":  # pragma: no cover
    main()
