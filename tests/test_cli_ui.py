"""What a person sees of the CLI: kg info's table, --help, kg export, make open, the
progress bar's total and the model-loading line (in a pseudo-terminal), the font warning."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import fonts
from kg.cli import _info_table, main
from kg.progress import estimate_documents

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kg" / "data" / "sample"
KG = Path(sys.executable).with_name("kg")


def test_info_is_a_table_of_scores():
    details = {"name": "zh_kg_news", "version": "0.2.0", "labels": ["LOC", "ORG", "PERSON"], "components": ["ner"],
               "tokenizer": "char", "size_bytes": 25 * 2**20, "pipeline_path": "/somewhere/private",
               "scores": {"people_daily_ner_dev": {"overall": {"p": 0.98, "r": 0.97, "f": 0.975},
                                                   "per_label": {"PERSON": {"f": 0.99}, "ORG": {"f": 0.96}},
                                                   "sentences": 2318},
                          "cluener_dev": {"overall": {"p": 0.7, "r": 0.6, "f": 0.646}, "sentences": 1343}}}
    text = _info_table(details)
    lines = text.splitlines()
    assert lines[0] == "model       zh_kg_news 0.2.0"
    header = next(line for line in lines if line.startswith("evaluation set"))
    assert header.split() == ["evaluation", "set", "P", "R", "F", "F", "PER", "F", "ORG", "F", "LOC", "sentences"]
    row = next(line for line in lines if line.startswith("people_daily_ner_dev"))
    assert row.split() == ["people_daily_ner_dev", "0.980", "0.970", "0.975", "0.990", "0.960", "-", "2318"]
    assert any(line.startswith("cluener_dev") and "0.646" in line for line in lines)
    assert "/somewhere/private" not in text and "{" not in text  # no developer paths, no JSON blobs


def test_help_has_examples_and_input_types():
    out = CliRunner().invoke(main, ["--help"]).output
    assert "kg build news/ --out outputs" in out and ".jsonl" in out and ".html" in out
    build_help = CliRunner().invoke(main, ["build", "--help"]).output
    assert "Examples" in build_help and ".jsonl" in build_help


def test_export_rewrites_the_export_files_from_graph_json(tmp_path):
    graph = {"directed": False, "multigraph": False, "graph": {},
             "nodes": [{"id": "PERSON:甲", "name": "甲", "type": "PERSON", "subtype": "official", "mentions": 2, "x": 1.0,
                        "y": 2.0},
                       {"id": "ORG:乙局", "name": "乙局", "type": "ORG", "subtype": "government", "mentions": 1, "x": 5.0,
                        "y": 6.0}],
             "edges": [{"source": "PERSON:甲", "target": "ORG:乙局", "relation": "holds_position_at", "weight": 1,
                        "directed": True}]}
    (tmp_path / "graph.json").write_text(json.dumps(graph, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "graph.html").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("graph.graphml", "graph.gexf", "entities.csv", "edges.csv", "neo4j/nodes.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "graph.html").read_text(encoding="utf-8") == "keep me"  # not rebuilt
    assert "PERSON:甲,ORG:乙局" in (tmp_path / "edges.csv").read_text(encoding="utf-8-sig")
    missing = CliRunner().invoke(main, ["export", "--out", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "graph.json not found" in missing.output


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_open_says_when_no_browser_opened(tmp_path):
    (tmp_path / "graph.html").write_text("<html></html>", encoding="utf-8")
    env = dict(os.environ, BROWSER="/bin/false", DISPLAY="", WAYLAND_DISPLAY="")
    run = subprocess.run(["make", "-s", "-C", str(ROOT), "open", f"OUT={tmp_path}"], capture_output=True, text=True,
                         env=env)
    assert run.returncode != 0
    assert str((tmp_path / "graph.html").resolve()) in run.stdout
    assert "no browser could be opened" in run.stderr


def test_estimated_total(tmp_path):
    (tmp_path / "a.txt").write_text("一篇。", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "一"}\n{"text": "二"}\n{"text": "三"}', encoding="utf-8")
    (tmp_path / "c.html").write_text("<p>三</p>", encoding="utf-8")
    assert estimate_documents([str(tmp_path)]) == 5
    assert estimate_documents([str(SAMPLE)]) == 23  # what the sample build reports


def _in_terminal(args: list[str], env: dict) -> str:
    """Run a command with a pseudo-terminal as its stderr and stdout; what it printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=slave, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_shows_the_total_and_a_line_while_the_model_loads(tmp_path):
    env = dict(os.environ, KG_CACHE_DIR=str(tmp_path / "cache"), COLUMNS="100")
    out = _in_terminal([str(KG), "build", str(SAMPLE), "--out", str(tmp_path / "out"), "--jobs", "1"], env)
    assert "loading the NER model" in out
    assert re.search(r"\d+/23 \[\d\d:\d\d<\d\d:\d\d", out), out  # done/total [elapsed<remaining
    assert "map shows" in out and "of" in out


def test_font_warning_when_fontconfig_lists_no_chinese_font(monkeypatch):
    class Done:
        returncode, stdout = 0, ""

    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-list")
    monkeypatch.setattr(fonts.subprocess, "run", lambda *a, **k: Done())
    assert fonts.cjk_font_missing() is True
    Done.stdout = "Noto Sans CJK SC\n"
    assert fonts.cjk_font_missing() is False
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    assert fonts.cjk_font_missing() is False  # no fontconfig: nothing known, nothing said
    assert "fonts-noto-cjk" in fonts.FONT_HINT


def test_the_command_ends_with_its_exit_code_and_all_of_its_output(tmp_path):
    """kg.cli.run ends the process without the interpreter's tear-down: what was printed
    still arrives through a pipe, and each exit code is the command's."""
    import subprocess

    shown = subprocess.run([str(KG), "--version"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "kg" in shown.stdout
    usage = subprocess.run([str(KG), "build", "--no-such-option"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "--no-such-option" in usage.stderr
    missing = subprocess.run([str(KG), "build", str(tmp_path / "none"), "--out", str(tmp_path / "out")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    exported = subprocess.run([str(KG), "export", "--out", str(tmp_path / "nothing-built")], capture_output=True,
                              text=True, timeout=120)
    assert exported.returncode != 0 and exported.stderr.strip()


def test_the_progress_bar_starts_no_thread(tmp_path):
    """A bar on a terminal leaves this process with one thread, so that kg.forked may still
    fork (tqdm's monitor thread would stop it)."""
    code = ("import threading, kg.progress as p, kg.forked as f\n"
            "bar = p.progress(iter(range(3)), True, 3)\n"
            "next(bar)\n"
            "print('THREADS', threading.active_count(), f.can_fork())\n"
            "list(bar)\n")
    out = _in_terminal([sys.executable, "-c", code], dict(os.environ, COLUMNS="100"))
    assert "0/3" in out or "1/3" in out, out  # a bar was drawn
    assert "THREADS 1 True" in out, out
