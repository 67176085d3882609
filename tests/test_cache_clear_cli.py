"""`kg cache clear`: what clear() itself finds (a database it has to delete) is reported."""
from click.testing import CliRunner

from kg import cache as cache_module
from kg.cli import main


def test_a_warning_raised_by_clear_itself_is_printed(tmp_path, monkeypatch):
    # A database that opens but that clear() finds malformed is deleted inside clear();
    # simulated here, since which damage SQLite notices on open and which later is chance.
    def clear(self):
        self._warn(f"cache database {self.path} was damaged (database disk image is malformed); deleted it")
        return 0

    monkeypatch.setattr(cache_module.AnalysisCache, "clear", clear)
    result = CliRunner().invoke(main, ["cache", "clear", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "removed 0 cached analyses" in result.stdout
    assert result.stderr.count("was damaged") == 1 and "deleted it" in result.stderr
