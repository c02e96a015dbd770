"""A file that is not valid JSON is said so in json's own words and the place, read well:
"Unterminated string starting at line 2, column 29", never "starting at at column 29" nor
"starting at" with no place at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, get_format
from ontolabel.formats.json_syntax import not_json
from ontolabel.formats.labelstudio import stream as labelstudio_stream
from ontolabel.formats.spacy import jsonstream as spacy_stream


@pytest.mark.parametrize(
    ("msg", "column", "line", "said"),
    [
        (
            "Unterminated string starting at",
            61,
            None,
            "not valid JSON: Unterminated string starting at column 61",
        ),
        (
            "Unterminated string starting at",
            61,
            1,
            "not valid JSON: Unterminated string starting at line 1, column 61",
        ),
        (
            "Invalid control character at",
            5,
            3,
            "not valid JSON: Invalid control character at line 3, column 5",
        ),
        ("Expecting value", 10, None, "not valid JSON: Expecting value at column 10"),
        ("Expecting value", 10, 2, "not valid JSON: Expecting value at line 2, column 10"),
    ],
)
def test_not_json_says_json_s_words_then_the_place(
    msg: str, column: int, line: int | None, said: str
) -> None:
    assert not_json(msg, column, line) == said


def reported(fmt: str, path: Path) -> list[str]:
    policy = ErrorPolicy("collect")
    list(get_format(fmt).read(path, policy))
    return [str(v) for v in policy.violations]


def refused(fmt: str, path: Path) -> tuple[str, int | None]:
    with pytest.raises(FormatError) as caught:
        list(get_format(fmt).read(path, ErrorPolicy("collect")))
    assert caught.value.location is not None
    return caught.value.message, caught.value.location.line


# the formats of one JSON document a line: the line is the location's, json's is always 1
LINE_FORMATS = [
    ("jsonl", '{"format": "ontolabel.jsonl", "version": 1}\n', 2),
    ("doccano", "", 1),
    ("spacy", "", 1),
]


@pytest.mark.parametrize(("fmt", "before", "line"), LINE_FORMATS, ids=[f[0] for f in LINE_FORMATS])
def test_a_line_of_broken_json_is_said_with_its_column(
    tmp_path: Path, fmt: str, before: str, line: int
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(before + '{"text": "a\tb"}\n{"text": "Hello world', encoding="utf-8")
    assert reported(fmt, path) == [
        f"in.jsonl:{line}: not valid JSON: Invalid control character at column 12",
        f"in.jsonl:{line + 1}: not valid JSON: Unterminated string starting at column 10",
    ]


def test_label_studio_says_where_a_string_is_left_open(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('[\n{"id": 1, "data": {"text": "Hello wor', encoding="utf-8")
    assert refused("labelstudio", path) == (
        "not valid JSON: Unterminated string starting at line 2, column 28",
        2,
    )


def test_coco_says_where_a_string_is_left_open(tmp_path: Path) -> None:
    path = tmp_path / "instances.json"
    path.write_text('{"images": [{"id": 1, "file_name": "a.jpg', encoding="utf-8")
    assert refused("coco", path) == (
        "not valid JSON: Unterminated string starting at line 1, column 36",
        1,
    )


def test_labelme_says_where_a_string_is_left_open(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"shapes": [],\n "imagePath": "a.jpg', encoding="utf-8")
    assert reported("labelme", tmp_path / "a.json") == [
        "a.json:2, item a: not valid JSON: Unterminated string starting at line 2, column 15"
    ]


def test_a_spacy_array_says_where_a_string_is_left_open(tmp_path: Path) -> None:
    path = tmp_path / "docs.json"
    path.write_text('[\n{"text": "ok"},\n  {"text": "Hello wor', encoding="utf-8")
    assert reported("spacy", path) == [
        "docs.json:3: not valid JSON: Unterminated string starting at line 3, column 12 "
        "(element 1); the rest of the file is not read"
    ]


# long lines, lines of one character, multi-byte text, strings that hold escapes: read in
# chunks of a few bytes, the place of a problem is still json.loads's
DOCUMENT = json.dumps(
    [
        {"id": 1, "data": {"text": "東京 " * 9 + "café"}},
        {"id": 2, "data": {"text": 'say "hi"\tthere'}},
        {"id": 3, "data": {"text": "x" * 40}, "annotations": []},
    ],
    ensure_ascii=False,
    indent=1,
).replace('"data"', '\n\n"data"')


def json_error(text: str) -> json.JSONDecodeError:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc
    raise AssertionError("valid JSON")


@pytest.mark.parametrize("chunk", [3, 7, 1 << 16])
def test_the_place_is_json_s_however_the_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(labelstudio_stream, "CHUNK", chunk)
    monkeypatch.setattr(spacy_stream, "CHUNK", chunk)
    path = tmp_path / "cut.json"
    said = spacy_said = 0
    for cut in range(2, len(DOCUMENT) - 1):
        text = DOCUMENT[:cut]
        path.write_text(text, encoding="utf-8")
        exc = json_error(text)
        expected = not_json(exc.msg, exc.colno, exc.lineno)
        message, line = refused("labelstudio", path)
        if message.startswith("not valid JSON"):  # else the reader's own words (a cut at a ',')
            assert (message, line) == (expected, exc.lineno), cut
            said += 1
        problems = [p for p in reported("spacy", path) if "not valid JSON" in p]
        for problem in problems:
            assert problem.startswith(f"cut.json:{exc.lineno}: {expected} (element "), cut
            spacy_said += 1
    assert said > len(DOCUMENT) // 2 and spacy_said > len(DOCUMENT) // 2
