"""Collapsed stacks (py-spy raw) summed the way a flame graph reads them."""

from pathlib import Path

from bench.profiling import inclusive, self_time

STACKS = """\
main;serve;save;sql 3
main;serve;save 2
main;serve;auth;save 5
not a stack line
"""


def test_inclusive_counts_each_frame_once_per_stack(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text(STACKS)
    total, top = inclusive(f)
    assert total == 10
    assert dict(top) == {"main": 10, "serve": 10, "save": 10, "auth": 5, "sql": 3}
    assert dict(inclusive(f, only="s")[1]) == {"serve": 10, "save": 10, "sql": 3}


def test_self_time_is_the_leaf(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text(STACKS)
    assert self_time(f) == [("save", 7), ("sql", 3)]
