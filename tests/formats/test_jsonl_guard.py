"""Lines that JSON lets through but no database of ontolabel's can store are each one bad
line, reported where they are, and the good lines around them import. Each case here once
crashed an import (a traceback, an HTTP 500) or every later export of the project."""

from __future__ import annotations

import json
from pathlib import Path

from ontolabel.formats import ErrorPolicy, get_format

MEDIA = (
    '{"modality": "image", "mime": "image/png", "sha256": "' + "ab" * 32 + '", "size": 9, '
    '"name": "a.png", "width": 4, "height": 3%s}'
)


def line(external_id: str, *, meta: str = "{}", media: str = "", annotated: bool = False) -> str:
    """An item line as raw JSON text (``external_id`` as it is written between quotes)."""
    annotations = '[{"document": {"objects": []}}]' if annotated else "[]"
    return (
        f'{{"external_id": "{external_id}", "modality": "image", "meta": {meta}, '
        f'"media": [{MEDIA % media}], "annotations": {annotations}}}'
    )


def deep(depth: int) -> str:
    return '{"k": ' * depth + "1" + "}" * depth


# (raw line, the start of the problem reported at it); None: the line imports
CASES: list[tuple[str, str | None]] = [
    (line("ok"), None),
    (line("nan", meta='{"v": NaN}'), "the line holds NaN, which JSON does not have"),
    (line("inf", meta='{"v": -Infinity}'), "the line holds -Infinity"),
    (line("big", meta='{"v": 1e400}'), "meta holds a number too large for a float"),
    (line("big, annotated", meta='{"v": 1e400}', annotated=True), "meta holds a number too"),
    (line("nul \\u0000"), "the line holds a NUL character"),
    (line("nul in meta", meta='{"k": "a\\u0000"}'), "the line holds a NUL character"),
    (line("lone \\ud800 surrogate"), "the line holds a lone surrogate escape"),
    (line("pair \\ud83d\\ude97"), None),  # an escaped pair is one character (a car)
    (line("NaN and Infinity as text"), None),
    (
        line("size", media=', "extra": {"n": 1}').replace('"size": 9', f'"size": {2**70}'),
        "media[0].size: Input should be less than or equal to",
    ),
    (line("extra", media=f', "extra": {{"big": {2**70}}}'), None),
    (line("extra inf", media=', "extra": {"v": 1e400}'), "media[0].extra holds a number"),
    (line("duration", media=', "duration": 1e400'), "media[0].duration: Input should be a finite"),
    (line("width").replace('"width": 4', '"width": -5'), "media[0].width: Input should be greater"),
    (line("deep", meta=deep(70)), "meta is nested more than 64 levels deep"),
    (line("i" * 501), "external_id: String should have at most 500 characters"),
    (
        line("stray format").replace('"modality"', '"format": "png", "modality"'),
        "format: Extra inputs are not permitted",
    ),
    ("[" * 5000 + "]" * 5000, "not readable: the JSON is nested too deeply"),
]


def test_lines_no_database_can_store_are_reported_at_their_line(tmp_path: Path) -> None:
    header = json.dumps({"format": "ontolabel.jsonl", "version": 1})
    utf16 = line("utf16").encode("utf-16-be")
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        "\n".join([header, *(raw for raw, _ in CASES)]).encode() + b"\n" + utf16 + b"\n"
    )
    policy = ErrorPolicy("collect")
    records = list(get_format("jsonl").read(path, policy))
    reported = {
        v.location.line: f"{v.location.path}: {v.message}" if v.location.path else v.message
        for v in policy.violations
    }
    for number, (_, problem) in enumerate(CASES, start=2):
        if problem is None:
            assert number not in reported, (number, reported[number])
        else:
            assert reported.get(number, "").startswith(problem), (number, reported.get(number))
    # never half-read as UTF-16
    assert reported[len(CASES) + 2].startswith("not UTF-8 text: the line holds NUL bytes")
    assert [r.external_id for r in records] == [
        "ok",
        "pair \U0001f697",
        "NaN and Infinity as text",
        "extra",
    ]
