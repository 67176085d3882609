"""bench/peers.py: timed passes taken in turn across systems, and issue 17's speed ratio checked on every set."""
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def peers():
    spec = importlib.util.spec_from_file_location("kg_bench_peers", BENCH / "peers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("kg_bench_peers", None)


def _entry(chars_per_second: int, f: float = 0.9) -> dict:
    prf = {"p": f, "r": f, "f": f}
    return {"chars_per_second": chars_per_second, "characters": 1000, "labelled": prf, "per_org": prf, "f": f,
            "per_label": {}}


def _row(system: str, speeds: dict, f: float) -> dict:
    sets = {name: _entry(v, f) for name, v in speeds.items()}
    return {"system": system, "version": system, "notes": "", "sets": sets, "other_processes_cores": 0.0,
            "chars_per_second": sets["pd_dev"]["chars_per_second"], "f": f}


def test_every_set_has_its_own_speed_line_for_lac(peers):
    kg = _row("kg", {"pd_dev": 60000, "weibo_dev": 40000, "resume_dev": 45000}, 0.9)
    lac = _row("lac", {"pd_dev": 30000, "weibo_dev": 30000, "resume_dev": 30000}, 0.7)
    lines = peers.checks([kg, lac], full=False)
    assert "PASS: kg 60,000 chars/s >= x1.5 lac 30,000 chars/s (x2.00)" in lines
    assert "FAIL: weibo_dev: kg 40,000 chars/s >= x1.5 lac 30,000 chars/s (x1.33)" in lines
    assert "PASS: resume_dev: kg 45,000 chars/s >= x1.5 lac 30,000 chars/s (x1.50)" in lines
    # the headline set is not repeated as a per-set line
    assert not any(line.startswith(("PASS: pd_dev: kg 6", "FAIL: pd_dev: kg 6")) for line in lines)


def test_speed_table_gives_each_set_and_ratio(peers):
    kg = _row("kg", {"pd_dev": 60000, "weibo_dev": 40000}, 0.9)
    lac = _row("lac", {"pd_dev": 30000, "weibo_dev": 32000}, 0.7)
    table = peers.speed_table([kg, lac]).splitlines()
    assert table[0] == "| set | characters | kg | lac | kg / lac |"
    assert table[2] == "| pd_dev | 1,000 | 60,000 | 30,000 | x2.00 |"
    assert table[3] == "| weibo_dev | 1,000 | 40,000 | 32,000 | x1.25 |"


def test_passes_go_round_the_systems_in_turn(peers, monkeypatch):
    calls = []

    def make_predictor(system, merge_nr, baseline_model=None):
        def predict(texts):
            calls.append((system, len(texts)))
            return [{(0, 2, "PERSON")} if system == "kg" else set() for _ in texts]
        return predict, system, ""

    monkeypatch.setattr(peers, "make_predictor", make_predictor)
    texts = ["张明说"] * 30
    gold = [{(0, 2, "PERSON")}] * 30
    rows = peers.run_systems(["kg", "lac"], {"pd_dev": (texts, gold, ("PERSON",))}, repeat=3, merge_nr=True)
    timed = [c for c in calls if c[1] == 30]  # the warm-ups read WARMUP_SENTENCES
    assert [s for s, _ in timed] == ["kg", "lac"] * 3
    assert [c for c in calls if c[1] != 30] == [("kg", peers.WARMUP_SENTENCES), ("lac", peers.WARMUP_SENTENCES)]
    kg, lac = rows
    assert len(kg["sets"]["pd_dev"]["seconds"]) == 3
    assert kg["sets"]["pd_dev"]["f"] == 1.0 and lac["sets"]["pd_dev"]["f"] == 0.0
    assert kg["chars_per_second"] > 0 and kg["characters"] == 90
