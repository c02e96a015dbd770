"""Reading a JSON array element by element, so a large Label Studio export is never held whole.

Label Studio exports one JSON array of tasks. The file is decoded in chunks; each element is
parsed as soon as its text is complete and the consumed text is dropped, so memory follows
the largest task, not the file. Each element comes with the line it starts on, for errors.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ontolabel.formats.json_syntax import not_json

CHUNK = 1 << 16
_WHITESPACE = " \t\r\n"
_DECODER = json.JSONDecoder()


class JsonStreamError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Element:
    index: int
    line: int
    value: Any


class _Buffer:
    def __init__(self, f: IO[bytes]):
        self.f = f
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.line = 1  # the line of ``pos``
        self.column0 = 0  # the column of ``text[0]``: what came before it on its line is dropped
        self.eof = False
        self.chunk = CHUNK

    def more(self) -> bool:
        """Read another chunk (twice as large each time one element needs more)."""
        if self.eof:
            return False
        raw = self.f.read(self.chunk)
        try:
            decoded = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise JsonStreamError("not UTF-8 text", self.line) from exc
        self.column0 = self.column(self.pos)
        self.text = self.text[self.pos :] + decoded
        self.pos = 0
        self.eof = not raw
        return True

    def column(self, pos: int) -> int:
        """The 0-based column of ``text[pos]`` in its line of the file."""
        start = self.text.rfind("\n", 0, pos)
        return pos - start - 1 if start >= 0 else self.column0 + pos

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos : self.pos + 1]

    def value(self) -> Any:
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.more():
                    self.chunk *= 2
                    continue
                line = self.line + self.text.count("\n", self.pos, exc.pos)
                message = not_json(exc.msg, self.column(exc.pos) + 1, line)
                raise JsonStreamError(message, line) from exc
            except RecursionError as exc:
                raise JsonStreamError("the JSON is nested too deeply", self.line) from exc
            if end == len(self.text) and not self.eof and self.more():
                continue  # a number or literal may go on in the next chunk
            self.chunk = CHUNK
            self.line += self.text.count("\n", self.pos, end)
            self.pos = end
            return value


def elements(path: Path) -> Iterator[Element]:
    """The elements of the JSON array in ``path``; a single object is one element."""
    with path.open("rb") as f:
        buf = _Buffer(f)
        first = buf.peek()
        if first == "{":
            yield Element(0, buf.line, buf.value())
            if buf.peek():
                raise JsonStreamError("more text after the JSON object", buf.line)
            return
        if first != "[":
            raise JsonStreamError("a Label Studio export is a JSON array of tasks", buf.line)
        buf.pos += 1
        index = 0
        while True:
            char = buf.peek()
            if char == "]":
                buf.pos += 1
                break
            if index:
                if char != ",":
                    raise JsonStreamError("expected ',' or ']' after a task", buf.line)
                buf.pos += 1
                buf.peek()
            line = buf.line
            yield Element(index, line, buf.value())
            index += 1
        if buf.peek():
            raise JsonStreamError("more text after the JSON array", buf.line)
