"""Bad input and faults, end to end with the shipped model: a corpus of bad inputs, --strict,
usage errors, a full disk, an unwritable output folder, signals midway, and the HTML map of
hostile text in a real browser."""
from __future__ import annotations

import codecs
import errno
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from lxml import etree

from kg.cache import decode_entry
from kg.cli import main
from kg.export import OWN_FILES
from kg.nlp import DEFAULT_MODEL, MODELS_DIR

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")]

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "沈阳市副市长张三在中国科学院沈阳自动化研究所调研，强调要加快机器人产业发展。"
# markup that cleaning keeps (it removes <script> elements and <img> tags from text, not a lone
# closing tag or <svg>): the page must still show it as text
HOSTILE_TXT = ("沈阳市副市长</script><svg onload=alert(1)>张三在中国科学院调研。\n"
               "<img src=x onerror=alert(1)>鞍钢集团董事长李四出席会议。\n")
HOSTILE_HTML = ("<html><head><title>&lt;script&gt;alert(3)&lt;/script&gt;</title></head><body><article>"
                "<p>沈阳市副市长&lt;script&gt;alert(1)&lt;/script&gt;张三在中国科学院调研。</p>"
                "<p>&lt;img src=x onerror=alert(1)&gt;鞍钢集团董事长李四出席会议。</p>"
                "<script>alert(2)</script></article></body></html>")


def make_bad_corpus(root: Path) -> dict[str, tuple[str, ...]]:
    """Writes one file per kind of bad input; returns, for each file kg should use, names of
    which the graph must hold at least one (proof that the file was read right)."""
    root.mkdir(parents=True)
    (root / "utf8.txt").write_text(SENTENCE, encoding="utf-8")
    (root / "bom.txt").write_bytes(codecs.BOM_UTF8 + "鞍钢集团董事长李四在鞍山市出席签约仪式。".encode())
    page = ('<html><head><meta charset="utf-8"><title>大连</title></head><body>'
            "<p>大连市市长王五会见东北大学校长赵六。</p></body></html>")
    (root / "gbk-labelled-utf8.html").write_bytes(page.encode("gbk"))
    (root / "big5.txt").write_bytes("臺北市政府今日宣布，將與中央研究院合作推動人工智慧產業發展。".encode("big5"))
    (root / "utf16le.txt").write_bytes("辽宁省人民政府省长刘七在沈阳市主持召开常务会议。\n".encode("utf-16-le"))
    (root / "utf16be.txt").write_bytes(codecs.BOM_UTF16_BE + "大连理工大学校长陈八在大连市出席论坛。\n".encode("utf-16-be"))
    (root / "attachment.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 2)
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    (root / "empty.txt").write_bytes(b"")
    (root / "pdf-extract.txt").write_text("国家发展和改革委员会主任\x02郑九在北京市\x01召开新闻发布会。\x0c\n" * 2,
                                          encoding="utf-8")
    (root / "damaged.txt").write_bytes("第一行没有问题。\n".encode() + "沈阳".encode() + b"\xff\xfe"
                                       + "市委书记孙十在浑南区调研。".encode())
    lines = [json.dumps({"id": "j1", "text": "哈尔滨工业大学校长周十一访问沈阳市。"}, ensure_ascii=False),
             "{not json", json.dumps({"title": "no text"}), json.dumps({"text": "  "})]
    (root / "news.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (root / "hostile.txt").write_text(HOSTILE_TXT, encoding="utf-8")
    (root / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (root / "broken-link.txt").symlink_to(root / "missing.txt")
    # hostile file names: they become document ids, shown in the map and written to the CSVs
    (root / "<img src=x onerror=alert(2)>.txt").write_text("本钢集团总经理钱世宏在本溪市出席会议。", encoding="utf-8")
    (root / "=cmd|' -c calc'!A0.txt").write_text("营口市市长孙十四会见营口港集团董事长冯十五。", encoding="utf-8")
    # one line of 1.2 MB (split into parts for the model); the name at its very end must be found
    repeated = "沈阳市副市长张三在中国科学院调研，强调要加快机器人产业发展。"
    (root / "one-line.txt").write_text(SENTENCE + repeated * (400_000 // len(repeated))
                                       + "大连市副市长吴十二在大连理工大学调研。", encoding="utf-8")
    return {
        "utf8.txt": ("张三", "沈阳市"), "bom.txt": ("鞍钢集团", "李四"),
        "gbk-labelled-utf8.html": ("王五", "东北大学", "赵六"), "big5.txt": ("臺北市政府", "臺北市", "中央研究院"),
        "utf16le.txt": ("辽宁省人民政府", "刘七"), "utf16be.txt": ("大连理工大学", "陈八"),
        "pdf-extract.txt": ("郑九", "北京市"), "damaged.txt": ("孙十", "浑南区"), "news.jsonl": ("周十一", "哈尔滨工业大学"),
        "one-line.txt": ("吴十二",), "<img src=x onerror=alert(2)>.txt": ("钱世宏", "本钢集团"),
        "=cmd|' -c calc'!A0.txt": ("孙十四", "冯十五", "营口市"),
    }


EXPECTED_SKIPS = {
    ("attachment.txt", "binary file (NUL bytes)", None),
    ("photo.jpg", "unsupported file type .jpg", None),
    ("empty.txt", "empty file", None),
    ("broken-link.txt", "unreadable: broken symbolic link", None),
    ("damaged.txt", "2 undecodable byte(s) (not valid utf-8) replaced by U+FFFD; the rest of the file was used", 2),
    ("news.jsonl", "invalid JSON line: Expecting property name enclosed in double quotes", 2),
    ("news.jsonl", "JSON line has no string field 'text'", 3),
    ("news.jsonl", "empty text", 4),
}


def kg(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert "Traceback" not in result.output, result.output
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    expected = make_bad_corpus(base / "in")
    result = kg("build", base / "in", "--out", base / "out", "--jobs", "1", "--cache-dir", base / "cache")
    return base, expected, result


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """The outputs of an earlier run, to check that failed or interrupted runs keep them."""
    base = tmp_path_factory.mktemp("earlier")
    (base / "in").mkdir()
    (base / "in" / "a.txt").write_text("大连市市长王五会见东北大学校长赵六。", encoding="utf-8")
    result = kg("build", base / "in", "--out", base / "out", "--jobs", "1", "--no-cache", "--quiet")
    assert result.exit_code == 0, result.output
    return snapshot(base / "out")


def put_earlier(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


# ---- the bad-input corpus ------------------------------------------------------------------


def test_bad_corpus_builds_and_reports_every_skip(bad):
    base, expected, result = bad
    assert result.exit_code == 0, result.output
    summary = json.loads((base / "out" / "summary.json").read_text(encoding="utf-8"))
    skips = {(Path(s["path"]).name, s["reason"], s["line"]) for s in summary["skipped"]}
    assert skips == EXPECTED_SKIPS
    assert len(summary["skipped"]) == len(EXPECTED_SKIPS)
    assert summary["documents"] >= len(expected)
    for name, reason, line in EXPECTED_SKIPS:  # each also a warning on stderr, with file and line
        where = f"{name}:{line}" if line else name
        assert f"skipped {base / 'in' / where}: {reason}" in result.output
    for name in OWN_FILES:
        assert (base / "out" / name).stat().st_size > 0


def test_every_usable_file_was_decoded_right(bad):
    base, expected, _ = bad
    names = {n["name"] for n in json.loads((base / "out" / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    missing = {file: wanted for file, wanted in expected.items() if not names & set(wanted)}
    assert not missing, f"no entity from {missing}; nodes: {sorted(names)}"


def test_no_entity_name_holds_replacement_or_control_characters(bad):
    base, _, _ = bad
    graph = json.loads((base / "out" / "graph.json").read_text(encoding="utf-8"))
    for node in graph["nodes"]:
        for text in [node["name"], *node["aliases"].split("|")]:
            assert "\ufffd" not in text and not any(ord(ch) < 32 for ch in text), node


def test_xml_outputs_of_the_bad_corpus_parse_strictly(bad):
    base, _, _ = bad
    parser = etree.XMLParser(recover=False)
    for name, read in (("graph.graphml", nx.read_graphml), ("graph.gexf", nx.read_gexf)):
        etree.parse(str(base / "out" / name), parser)
        graph = read(base / "out" / name)
        data = json.loads((base / "out" / "graph.json").read_text(encoding="utf-8"))
        assert graph.number_of_nodes() == len(data["nodes"]) and graph.number_of_edges() == len(data["edges"])


def test_csvs_of_the_bad_corpus_hold_no_formula(bad):
    import csv

    base, _, _ = bad
    documents = set()
    for name in ("entities.csv", "edges.csv", "relations.csv"):
        with open(base / "out" / name, encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
        for row in table[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or float(cell) == float(cell), (name, cell)
        if name == "relations.csv":
            documents = {row[4] for row in table[1:]}
    assert "'=cmd|' -c calc'!A0.txt" in documents  # the hostile file name, neutralised


def test_hostile_text_is_never_markup_in_the_html(bad):
    base, _, _ = bad
    page = (base / "out" / "graph.html").read_text(encoding="utf-8")
    evidence = json.loads((base / "out" / "graph.json").read_text(encoding="utf-8"))
    assert any("</script><svg onload=alert(1)>" in (n.get("evidence") or "") for n in evidence["nodes"])  # in the data
    assert "<svg" not in page and "<img" not in page  # ... but never raw in the page
    assert "\\u003cimg src=x onerror=alert(2)\\u003e.txt" in page  # the hostile file name, escaped in the data


def test_strict_fails_listing_the_skips_and_writes_nothing(bad, earlier, tmp_path):
    base, _, _ = bad
    out = put_earlier(tmp_path / "out", earlier)
    result = kg("build", base / "in", "--out", out, "--jobs", "1", "--cache-dir", base / "cache", "--strict")
    assert result.exit_code == 1
    assert "kg: error: 8 input problem(s) under --strict; no outputs written" in result.output
    assert f"{base / 'in' / 'damaged.txt'}:2: 2 undecodable byte(s)" in result.output
    assert snapshot(out) == earlier
    result = kg("build", base / "in", "--out", tmp_path / "new" / "out", "--jobs", "1", "--cache-dir", base / "cache",
                "--strict")
    assert result.exit_code == 1 and not (tmp_path / "new" / "out").exists()  # no empty folder left behind


def test_strict_passes_on_clean_input(earlier, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SENTENCE, encoding="utf-8")
    result = kg("build", tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1", "--no-cache", "--strict", "-q")
    assert result.exit_code == 0, result.output


# ---- usage errors and failed runs ----------------------------------------------------------


@pytest.mark.parametrize("args", [["build"], ["build", "x", "--formats", "pdf"], ["build", "x", "--jobs", "-1"],
                                  ["build", "x", "--window", "page"], ["nosuchcommand"]])
def test_usage_errors_exit_2(args):
    assert kg(*args).exit_code == 2


def test_nothing_usable_fails_and_keeps_earlier_outputs(earlier, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "binary.txt").write_bytes(bytes(range(256)))
    out = put_earlier(tmp_path / "out", earlier)
    result = kg("build", tmp_path / "in", "--out", out, "--jobs", "1", "--no-cache")
    assert result.exit_code == 1
    assert "kg: error: no documents to build from (2 input problem(s)); nothing written" in result.output
    assert snapshot(out) == earlier


def test_output_folder_that_cannot_be_made_fails_before_any_analysis(tmp_path, monkeypatch):
    from kg import build as build_module

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded before the output folder was checked")

    monkeypatch.setattr(build_module, "load_pipeline", no_model)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = kg("build", ROOT / "kg" / "data" / "sample", "--out", tmp_path / "file" / "out", "--jobs", "1", "--no-cache")
    assert result.exit_code == 1
    assert result.output.startswith(f"kg: error: cannot write outputs to {tmp_path / 'file' / 'out'}: ")


def test_disk_full_fails_cleanly_and_keeps_earlier_outputs(earlier, tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SENTENCE, encoding="utf-8")
    out = put_earlier(tmp_path / "out", earlier)
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith("graph.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    result = kg("build", tmp_path / "in", "--out", out, "--jobs", "1", "--no-cache", "--quiet")
    assert result.exit_code == 1
    assert result.output.strip() == (f"kg: error: cannot write outputs to {out}: no space left on device; "
                                     "earlier outputs there are unchanged")
    assert snapshot(out) == earlier


def test_damaged_cache_is_replaced_with_a_warning(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "analysis.sqlite").write_bytes(b"not a database" * 100)
    result = kg("build", tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1", "--cache-dir", tmp_path / "cache", "-q")
    assert result.exit_code == 0 and "kg: warning: cache database" in result.output and "damaged" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["cache_misses"] == 1 and len(summary["warnings"]) == 1


# ---- signals midway ------------------------------------------------------------------------

PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
ORGS = ["鞍钢集团", "中国科学院沈阳自动化研究所", "东北大学", "辽宁省人民政府", "新松机器人自动化股份有限公司"]
PLACES = ["沈阳市", "大连市", "浑南区", "辽宁省", "鞍山市"]
TITLES = ["副市长", "董事长", "院长", "总经理", "主任"]


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """300 short articles: a build of a few seconds."""
    root = tmp_path_factory.mktemp("many")
    for i in range(300):
        lines = []
        for j in range(6):
            k = i * 6 + j
            lines.append(f"{i % 12 + 1}月{j + 1}日，{ORGS[k % 5]}{TITLES[k % 5]}{PEOPLE[k % 8]}在{PLACES[k % 5]}"
                         f"调研第{k}号项目，强调要加快产业发展。")
        (root / f"doc{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return root


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def stop_leftover_builds():
    """A failing test must not leave a build (or its workers) running."""
    yield
    while STARTED:
        proc = STARTED.pop()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: the group is the build and its workers
        except ProcessLookupError:
            pass
        proc.communicate()


def start_build(corpus: Path, out: Path, cache: Path, jobs: int = 1) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "--jobs", str(jobs),
         "--cache-dir", str(cache), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    STARTED.append(proc)
    return proc


def cached_entries(cache: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{cache / 'analysis.sqlite'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM analysis").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def wait_for_cache(proc: subprocess.Popen, cache: Path, timeout: float = 90) -> None:
    """Until the build has committed its first chunk of analyses (it is then midway)."""
    deadline = time.monotonic() + timeout
    while cached_entries(cache) == 0:
        assert proc.poll() is None, f"build ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "no analysis was cached in time"
        time.sleep(0.02)
    assert proc.poll() is None, "the build finished before it could be interrupted"


def check_cache_whole(cache: Path) -> int:
    db = sqlite3.connect(cache / "analysis.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT data FROM analysis").fetchall()
    finally:
        db.close()
    for (blob,) in rows:
        decode_entry(blob)  # every entry whole
    return len(rows)


def no_leftovers(out: Path) -> None:
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("sig,code,words", [(signal.SIGINT, 130, "interrupted"),
                                            (signal.SIGTERM, 143, "stopped by SIGTERM")])
def test_signal_midway_keeps_outputs_and_cache_then_a_rerun_completes(many, earlier, tmp_path, sig, code, words):
    out, cache = put_earlier(tmp_path / "out", earlier), tmp_path / "cache"
    proc = start_build(many, out, cache)
    wait_for_cache(proc, cache)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert stderr.strip() == f"kg: {words}; earlier outputs in {out} are unchanged; the analysis cache is consistent"
    assert snapshot(out) == earlier
    no_leftovers(out)
    kept = check_cache_whole(cache) // 2  # each document: its analysis and its facts
    assert 0 < kept < 300
    if sig == signal.SIGINT:  # the rerun picks up the cached analyses and finishes
        proc = start_build(many, out, cache)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["documents"] == 300 and summary["cache_hits"] >= kept
        assert set(snapshot(out)) == set(OWN_FILES)
        no_leftovers(out)


def test_sigkill_midway_keeps_outputs_and_cache(many, earlier, tmp_path):
    out, cache = put_earlier(tmp_path / "out", earlier), tmp_path / "cache"
    proc = start_build(many, out, cache)
    wait_for_cache(proc, cache)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == earlier
    no_leftovers(out)
    assert 0 < check_cache_whole(cache) < 600  # analyses and facts


def test_ctrl_c_to_the_process_group_with_two_processes(many, earlier, tmp_path):
    out, cache = put_earlier(tmp_path / "out", earlier), tmp_path / "cache"
    proc = start_build(many, out, cache, jobs=2)
    wait_for_cache(proc, cache, timeout=120)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: parent and workers
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert snapshot(out) == earlier
    check_cache_whole(cache)
    deadline = time.monotonic() + 15
    while True:  # the workers (and the forkserver) are gone too
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "processes of the build outlived it"
        time.sleep(0.1)


# ---- shared output folders and killed commits ----------------------------------------------


def kg_process(*args, env: dict | None = None) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True,
                            env={**os.environ, **(env or {})})
    STARTED.append(proc)
    return proc


def without_summary(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if name != "summary.json"}


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory):
    """Two corpora (one and two documents) and the complete output set of each; their
    analyses and outputs are cached in `cache`, so later builds of them start no model."""
    base = tmp_path_factory.mktemp("sets")
    (base / "a").mkdir()
    (base / "a" / "a.txt").write_text("大连市市长王五会见东北大学校长赵六。", encoding="utf-8")
    (base / "b").mkdir()
    (base / "b" / "b1.txt").write_text(SENTENCE, encoding="utf-8")
    (base / "b" / "b2.txt").write_text("鞍钢集团董事长李四在鞍山市出席签约仪式。", encoding="utf-8")
    sets = {}
    for name in ("a", "b"):
        proc = kg_process("build", base / name, "--out", base / f"ref-{name}", "--jobs", "1", "--cache-dir",
                          base / "cache", "--quiet")
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        sets[name] = snapshot(base / f"ref-{name}")
    assert without_summary(sets["a"]) != without_summary(sets["b"])
    return base, sets


def which_set(out: Path, sets: dict) -> str:
    """The name of the run whose complete set `out` holds (fails on a mixed or partial set)."""
    files = snapshot(out)
    documents = json.loads(files["summary.json"])["documents"] if "summary.json" in files else None
    for name, wanted in sets.items():
        if without_summary(files) == without_summary(wanted) and documents == json.loads(wanted["summary.json"])["documents"]:
            return name
    mixed = {n: [f for f in files if f in wanted and files[f] == wanted[f]] for n, wanted in sets.items()}
    raise AssertionError(f"{out} holds no complete set: files equal to each run's: {mixed}; all files: {sorted(files)}")


def test_two_builds_racing_on_one_folder_end_with_one_complete_set(two_sets, tmp_path):
    base, sets = two_sets
    out = tmp_path / "out"
    args = ("--out", out, "--jobs", "1", "--cache-dir", base / "cache", "--quiet")
    # a slow commit (about 28 s: a loaded 2-core machine can take 14 s to start the fast build and
    # load the model), and a fast one that gets to its commit while the slow one is under way
    slow = kg_process("build", base / "a", *args, env={"KG_TEST_COMMIT_DELAY": "2.0"})

    def staged() -> set[str]:  # staging folders holding every file (summary.json is written last)
        return {p.parent.name for p in out.glob(".kg-staging-*/summary.json")}

    deadline = time.monotonic() + 60
    while not staged():
        assert slow.poll() is None, slow.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    first = staged()
    fast = kg_process("build", base / "b", *args)
    while not staged() - first and fast.poll() is None:
        time.sleep(0.01)
    assert slow.poll() is None, "the slow commit ended before the fast one was ready: no race"
    for proc in (slow, fast):
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
    assert which_set(out, sets) == "b"  # the second waited for the first, then replaced its set whole
    no_leftovers(out)


def test_a_build_gives_up_on_a_folder_another_build_holds(two_sets, tmp_path):
    base, sets = two_sets
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(out)],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    STARTED.append(holder)
    assert holder.stdout.readline().strip() == "held"
    proc = kg_process("build", base / "a", "--out", out, "--jobs", "1", "--cache-dir", base / "cache", "--quiet",
                      env={"KG_LOCK_TIMEOUT": "1"})
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert stderr.strip() == (f"kg: error: another kg build is writing {out}; gave up after waiting 1 s "
                              "(KG_LOCK_TIMEOUT); earlier outputs there are unchanged")
    assert snapshot(out) == {}


def commit_steps(sets: dict) -> int:
    """Steps of a commit of set b over set a: one per file moved in or away, and the end."""
    return len(sets["b"]) + len(set(sets["a"]) - set(sets["b"])) + 1


def test_sigkill_at_every_step_of_the_commit_then_any_kg_run_completes_the_set(two_sets, tmp_path):
    base, sets = two_sets
    steps = commit_steps(sets)
    assert steps >= 10
    for step in range(1, steps + 1):
        out = put_earlier(tmp_path / f"out{step}", sets["a"])
        proc = kg_process("build", base / "b", "--out", out, "--jobs", "1", "--cache-dir", base / "cache", "--quiet",
                          env={"KG_TEST_COMMIT_KILL": str(step)})
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL, (step, stderr)
        # the next run fails before it writes anything (no documents), yet repairs the folder
        (tmp_path / "nothing").mkdir(exist_ok=True)
        proc = kg_process("build", tmp_path / "nothing", "--out", out, "--jobs", "1", "--no-cache", "--quiet")
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 1 and "no documents to build from" in stderr, stderr
        assert which_set(out, sets) == "b", step  # the killed commit completed, nothing mixed
        no_leftovers(out)


def test_sigkill_at_random_moments_of_a_slow_commit_always_leaves_a_complete_set(two_sets, tmp_path):
    import random

    base, sets = two_sets
    rng = random.Random(16)
    delay = 0.05
    window = commit_steps(sets) * delay
    results = []
    for run in range(20):
        out = put_earlier(tmp_path / f"out{run}", sets["a"])
        proc = kg_process("build", base / "b", "--out", out, "--jobs", "1", "--cache-dir", base / "cache", "--quiet",
                          env={"KG_TEST_COMMIT_DELAY": str(delay)})
        deadline = time.monotonic() + 60
        while not (out / ".kg-commit.json").exists():  # the commit has begun
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(rng.uniform(0, window))
        proc.kill()
        proc.communicate(timeout=60)
        from kg.export import check_output_dir

        check_output_dir(out)  # what every kg build does first
        results.append(which_set(out, sets))
        no_leftovers(out)
    assert set(results) <= {"a", "b"} and "b" in results


# ---- shared and damaged caches -----------------------------------------------------------


def test_two_builds_sharing_one_cache_both_succeed_while_one_trims_what_the_other_reads(two_sets, tmp_path):
    import shutil

    base, sets = two_sets
    cache = tmp_path / "cache"
    shutil.copytree(base / "cache", cache)
    proc = kg_process("build", base / "a", "--out", tmp_path / "warm", "--jobs", "1", "--cache-dir", cache, "--quiet")
    assert proc.communicate(timeout=120) and proc.returncode == 0  # a's files are now the cached set
    # a serves its files from the cache, slowly; b meanwhile renders and replaces the cached set
    reader = kg_process("build", base / "a", "--out", tmp_path / "out-a", "--jobs", "1", "--cache-dir", cache, "--quiet",
                        env={"KG_TEST_LOAD_DELAY": "1.0"})
    deadline = time.monotonic() + 60
    while not list((tmp_path / "out-a").glob(".kg-staging-*/*")):
        assert reader.poll() is None, reader.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    writer = kg_process("build", base / "b", "--out", tmp_path / "out-b", "--jobs", "1", "--cache-dir", cache, "--quiet",
                        "--max-html-nodes", "299")  # other options: b's files are not in the cache
    _, stderr = writer.communicate(timeout=120)
    assert writer.returncode == 0, stderr
    assert reader.poll() is None, "the reader finished before the writer trimmed the cache: no race"
    _, stderr = reader.communicate(timeout=120)
    assert reader.returncode == 0, stderr
    assert json.loads((tmp_path / "out-a" / "summary.json").read_text(encoding="utf-8"))["outputs_from_cache"]
    assert which_set(tmp_path / "out-a", sets) == "a"


def damage_at(path: Path, offsets: list[int], rng) -> None:
    data = bytearray(path.read_bytes())
    for at in offsets:
        length = rng.randint(1, 64)
        data[at : at + length] = rng.randbytes(length)
    path.write_bytes(bytes(data[: len(path.read_bytes())]))


def test_random_damage_to_a_warm_cache_never_fails_a_build_nor_changes_its_graph(many, tmp_path):
    import random
    import shutil

    corpus = tmp_path / "in"
    shutil.copytree(many, corpus, ignore=lambda folder, names: [n for n in names if n >= "doc040"])
    result = kg("build", corpus, "--out", tmp_path / "ref", "--jobs", "1", "--no-cache", "--quiet")
    assert result.exit_code == 0, result.output
    wanted = (tmp_path / "ref" / "edges.csv").read_bytes()
    warm = tmp_path / "warm"
    result = kg("build", corpus, "--out", tmp_path / "out", "--jobs", "1", "--cache-dir", warm, "--quiet")
    assert result.exit_code == 0, result.output
    size = (warm / "analysis.sqlite").stat().st_size
    assert size > 100_000 and not (warm / "analysis.sqlite-wal").exists()
    rng = random.Random(1616)
    for round_ in range(6):
        cache = tmp_path / f"cache{round_}"
        shutil.copytree(warm, cache)
        low, high = [(0.4, 0.9), (0.1, 0.25), (0.0, 1.0)][round_ % 3]
        damage_at(cache / "analysis.sqlite", sorted(rng.randrange(int(size * low), int(size * high)) for _ in range(20)),
                  rng)
        summaries = []
        for attempt in range(3):  # the damaged run, the next (re-analyses what was lost), the one after
            out = tmp_path / f"out{round_}-{attempt}"
            result = kg("build", corpus, "--out", out, "--jobs", "1", "--cache-dir", cache, "--quiet")
            assert result.exit_code == 0, (round_, attempt, result.output)
            assert (out / "edges.csv").read_bytes() == wanted, (round_, attempt)
            summaries.append(json.loads((out / "summary.json").read_text(encoding="utf-8")))
        assert summaries[1]["warnings"] == [] and summaries[2]["warnings"] == [], (round_, summaries[1]["warnings"])
        assert summaries[2]["cache_misses"] == 0 and summaries[2]["outputs_from_cache"], round_
        result = kg("cache", "clear", "--cache-dir", cache)
        assert result.exit_code == 0, result.output


def test_output_cache_write_failures_are_warnings_in_the_summary(tmp_path, monkeypatch):
    from kg import build as build_module

    opened = []
    real_open = build_module._open_cache

    class DiskFull:
        """The connection of the output cache on a full disk (reads work, writes fail)."""

        def __init__(self, db):
            self.db = db

        def __getattr__(self, name):
            return getattr(self.db, name)

        def __enter__(self):
            return self.db.__enter__()

        def __exit__(self, *exc):
            return self.db.__exit__(*exc)

        def executemany(self, *args):
            raise sqlite3.OperationalError("database or disk is full")

    def open_cache(options, summary):
        cache = real_open(options, summary)
        opened.append(cache)
        if len(opened) == 2:  # the second one of a build stores the output files
            cache._db = DiskFull(cache._db)
        return cache

    monkeypatch.setattr(build_module, "_open_cache", open_cache)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SENTENCE, encoding="utf-8")
    result = kg("build", tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1", "--cache-dir", tmp_path / "cache", "-q")
    assert result.exit_code == 0, result.output
    warnings = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["warnings"]
    assert len(warnings) == 1 and "database or disk is full" in warnings[0], warnings
    assert result.output.count("database or disk is full") == 1


# ---- odd file names, invisible characters, the output folder among the inputs ---------------

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202c\u0301"


def test_odd_file_names_and_invisible_characters_build_and_no_name_holds_one(tmp_path):
    import unicodedata

    corpus = tmp_path / "in"
    corpus.mkdir()
    root = os.fsencode(corpus)
    texts = {
        b"\xff\xfe.txt": "沈阳市副市长刘\u200c波在浑南区调研。赵\u200f刚出席。",
        b"line\nkg: warning: forged.txt": "大连市市长王\u200d五会见东北大学校长赵\u2060六。\u2028阜新市市长陈七讲话。",
        b"pdf.txt": "北方\x00智造\x1f机器人股份有限公司董事长孙\u0301八在沈阳市出席签约仪式。",
        b"\xe6\xb2\x88\xe9\x98\xb3\xff.bin": "not read",
    }
    for name, text in texts.items():
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(text.encode("utf-8"))
    result = kg("build", corpus, "--out", tmp_path / "out", "--jobs", "1", "--no-cache", "--quiet")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in summary["skipped"]] == [str(corpus / "沈阳\\xff.bin")]
    lines = result.output.splitlines()
    assert lines == [f"kg: warning: skipped {corpus / '沈阳'}\\xff.bin: unsupported file type .bin"]  # one line, no forgery
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    for node in graph["nodes"]:
        for text in [node["name"], *node["aliases"].split("|")]:
            assert not any(ch in INVISIBLE or ch in "\u2028\x00\x1f" or unicodedata.category(ch) in ("Cf", "Cc", "Mn")
                           for ch in text), node
    evidence = " ".join(node.get("evidence") or "" for node in graph["nodes"])
    assert "[\\xff\\xfe.txt] " in evidence  # the escaped file name is the document id (some entity came from it)
    assert "[line\\nkg: warning: forged.txt] " in evidence or "[pdf.txt] " in evidence


def test_out_equal_to_the_input_folder_builds_from_the_inputs_again_and_again(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(SENTENCE, encoding="utf-8")
    for run in range(2):  # the second run finds the first one's outputs among the inputs
        result = kg("build", folder, "--out", folder, "--jobs", "1", "--no-cache", "--quiet")
        assert result.exit_code == 0, result.output
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert summary["documents"] == 1 and summary["skipped"] == [], (run, summary["skipped"])
        assert any("kg's own output files there are not" in w for w in summary["warnings"])
    # --out its parent: the inputs are read, and the earlier run's outputs in the input folder are not
    result = kg("build", folder, "--out", tmp_path, "--jobs", "1", "--no-cache", "--quiet")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 1 and summary["skipped"] == [], summary["skipped"]


# ---- the HTML map in a real browser --------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
def test_map_of_the_bad_corpus_runs_no_input_as_code(bad, browser):
    base, _, _ = bad
    path = base / "out" / "graph.html"
    remote, dialogs, errors = [], [], []
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    def dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("dialog", dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_function("() => window.kg && window.kg.ready", timeout=60_000)
        assert page.evaluate("window.kg.search('张三')") is not None  # show the hostile evidence in the panel
        page.wait_for_timeout(300)
        panel = page.evaluate("document.getElementById('kg-panel').textContent")
        assert "</script><svg onload=alert(1)>" in panel  # shown as text
        assert page.evaluate("window.kg.search('钱世宏')") is not None
        page.wait_for_timeout(300)
        assert "<img src=x onerror=alert(2)>.txt" in page.evaluate("document.getElementById('kg-panel').textContent")
        counts = page.evaluate("""() => ({
            img: document.querySelectorAll('img, svg').length,
            iframe: document.querySelectorAll('iframe, object, embed').length,
            script: document.querySelectorAll('script').length,
            handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        })""")
        assert counts["img"] == 0 and counts["iframe"] == 0 and counts["handlers"] == 0
        assert counts["script"] == path.read_text(encoding="utf-8").count("<script")  # only the page's own
        assert remote == [] and dialogs == [] and errors == []
    finally:
        page.close()
