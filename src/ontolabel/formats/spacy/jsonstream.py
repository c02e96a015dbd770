"""Documents of a JSON file one at a time: the lines of a JSONL file, or the elements of a
top-level JSON array (decoded element by element, so memory holds one document at a time).

Each document comes with the line it starts on and its index. A document that is not valid
JSON is reported; in a JSONL file the next line goes on, in an array nothing after it can
be trusted, so reading stops there (reported too).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ontolabel.errors import Location
from ontolabel.formats.base import ErrorPolicy
from ontolabel.formats.json_syntax import not_json

CHUNK = 1 << 16
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


def first_char(head: bytes) -> str:
    """The first character of a JSON file that is not whitespace (or a BOM)."""
    return head.lstrip(b"\xef\xbb\xbf").lstrip()[:1].decode("latin-1")


def documents(path: Path, policy: ErrorPolicy) -> Iterator[tuple[int, int, Any]]:
    """(line, index, document) for each document of ``path``; problems go to ``policy``."""
    with path.open("rb") as f:
        is_list = first_char(f.read(CHUNK)) == "["
        f.seek(0)
        if is_list:
            yield from _array(f, path.name, policy)
        else:
            yield from _lines(f, path.name, policy)


def _lines(f: BinaryIO, name: str, policy: ErrorPolicy) -> Iterator[tuple[int, int, Any]]:
    index = 0
    for lineno, raw in enumerate(f, start=1):
        if lineno == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        at = Location(file=name, line=lineno)
        try:
            obj = json.loads(raw.rstrip(b"\r\n"))
        except UnicodeDecodeError:
            policy.report("not UTF-8 text", at)
        except json.JSONDecodeError as exc:
            policy.report(not_json(exc.msg, exc.colno), at)
        else:
            yield lineno, index, obj
        index += 1


class _Buffer:
    """Decoded text of the file read so far, with the line number of its start."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.text = ""
        self.pos = 0
        self.line = 1
        self.column0 = 0  # the column of ``text[0]``: what came before it on its line is dropped
        self.eof = False
        # keeps the bytes of a character cut at a chunk's end for the next chunk
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def more(self) -> bool:
        if self.eof:
            return False
        # read more than is left undecoded: a document larger than the buffer doubles it
        chunk = self.f.read(max(CHUNK, len(self.text) - self.pos))
        self.eof = not chunk
        decoded = self._decoder.decode(chunk, final=self.eof)
        self.column0 = self.column(self.pos)
        self.text = self.text[self.pos :] + decoded
        self.pos = 0
        return True

    def column(self, pos: int) -> int:
        """The 0-based column of ``text[pos]`` in its line of the file."""
        start = self.text.rfind("\n", 0, pos)
        return pos - start - 1 if start >= 0 else self.column0 + pos

    def skip(self, chars: str) -> str:
        """Skip ``chars`` (counting lines); the next other character, or "" at the end."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in chars:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""


def _array(f: BinaryIO, name: str, policy: ErrorPolicy) -> Iterator[tuple[int, int, Any]]:
    buf = _Buffer(f)
    try:
        buf.more()
        buf.text = buf.text.lstrip("\ufeff")
        buf.skip(_WS)
        buf.pos += 1  # the "["
        index = 0
        while True:
            ch = buf.skip(_WS)
            if ch == "]":
                return
            if index and ch != ",":
                policy.report(
                    f"expected ',' or ']' after element {index - 1}, found {ch or 'the end'!r}",
                    Location(file=name, line=buf.line),
                )
                return
            if index:
                buf.pos += 1
                buf.skip(_WS)
            line = buf.line
            while True:
                try:
                    obj, end = _DECODER.raw_decode(buf.text, buf.pos)
                    # a number may go on past the buffer: only a closed value is whole
                    if end < len(buf.text) or buf.eof or buf.text[end - 1] in '}]"':
                        break
                    buf.more()
                except json.JSONDecodeError as exc:
                    if not buf.more():
                        at = line + buf.text.count("\n", buf.pos, exc.pos)
                        policy.report(
                            f"{not_json(exc.msg, buf.column(exc.pos) + 1, at)} (element "
                            f"{index}); the rest of the file is not read",
                            Location(file=name, line=at),
                        )
                        return
            buf.line += buf.text.count("\n", buf.pos, end)
            buf.pos = end
            yield line, index, obj
            index += 1
    except UnicodeDecodeError:
        policy.report("not UTF-8 text", Location(file=name, line=buf.line))
