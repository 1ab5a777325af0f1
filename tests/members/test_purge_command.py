"""`bukve members purge` as the library's scheduler runs it."""

from __future__ import annotations

from tests.test_cli import bukve


def test_it_purges_from_the_command_line(tmp_path):
    database = tmp_path / "bukve.sqlite3"
    assert bukve("library", "load", "tolmin", database=database).returncode == 0

    result = bukve("members", "purge", "--date", "2026-06-10", database=database)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tolmin 2026-06-10: 0 members purged"
    unknown = bukve("members", "purge", "--library", "nowhere", database=database)
    assert unknown.returncode == 2
    assert "unknown library 'nowhere'" in unknown.stderr
