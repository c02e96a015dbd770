"""CoNLL files saved as UTF-16: one problem for the file, not one per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontolabel.formats import ErrorPolicy, ImportRecord, get_format

FORMAT = get_format("conll")
UTF16 = "not UTF-8 text: the file is UTF-16 (it holds NUL bytes); save it as UTF-8"
NUL = "the line holds a NUL byte, which ontolabel does not store"
CONLL = "-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n"


def read(path: Path) -> tuple[list[ImportRecord], list[tuple[str, str | None, int | None]]]:
    policy = ErrorPolicy("collect")
    records = list(FORMAT.read(path, policy))
    return records, [(v.message, v.location.file, v.location.line) for v in policy.violations]


# Windows' editors save "Unicode" as UTF-16 with a byte order mark; without one, it is
# UTF-16 still (PowerShell's Out-File, some exporters)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_one_problem_at_its_first_line(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ner.conll"
    path.write_bytes((CONLL * 50).encode(encoding))
    records, problems = read(path)
    assert records == []
    assert problems == [(UTF16, "ner.conll", 1)]


def test_a_nul_byte_in_a_utf8_file_is_its_lines_problem_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ner.conll"
    lines = ["EU B-ORG", "rejects O", "", "Pet\x00er B-PER", "", "Bob B-PER", "left O", ""]
    path.write_bytes("\n".join(lines).encode("utf-8"))
    records, problems = read(path)
    # the sentences before and after are read; the one with the NUL is left out, said so
    assert [r.text for r in records] == ["EU rejects", "Bob left"]
    assert problems == [(NUL, "ner.conll", 4)]


def test_a_nul_on_the_first_line_among_letters_is_not_utf16(tmp_path: Path) -> None:
    path = tmp_path / "ner.conll"
    path.write_bytes(b"Pet\x00er B-PER\n\nBob B-PER\n")
    records, problems = read(path)
    assert [r.text for r in records] == ["Bob"]
    assert problems == [(NUL, "ner.conll", 1)]
