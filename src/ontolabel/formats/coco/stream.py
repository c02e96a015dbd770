"""One JSON document read piece by piece: its top-level object's members, and the elements
of a top-level array a batch at a time.

So a COCO file's ``annotations`` never has to be in memory at once, while every value is
still decoded exactly as ``json.loads`` decodes it, and a broken file gets the same message,
line and column ``json.loads`` gives for the whole file. The text is held from the first
byte not yet consumed, in chunks.

Elements are decoded by the standard library's C scanner one at a time, or, where the text
held shows where a run of them ends, by one ``orjson`` call for the run (~3x faster). orjson
decodes every value json.loads decodes to the same value, except integers past 64 bits (it
makes them floats: a run with a 19-digit number is left to the scanner) and what it refuses
(NaN, Infinity, overflowing floats, lone surrogate escapes, nesting past 1024): any run it
refuses is decoded again element by element, so whatever is wrong there is reported exactly
as before, and whatever is odd but valid is read as json.loads reads it.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import orjson

CHUNK = 1 << 18  # bytes read at a time
# how far past an error the scanner may have looked ahead (``-Infinity``, a surrogate pair
# escape, ``1e+``): an error nearer the end of the text held than this may only mean that the
# text was cut there, so more is read and the value decoded again
LOOKAHEAD = 64
_WS = re.compile(r"[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
# what json.loads uses (strict, NaN allowed), and its string scanner (for keys); typeshed
# declares neither, so they are typed here
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_SCAN_STRING: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
# every digit made a 0, so that one find() spots a run of 19 digits: an integer orjson might
# not keep exact (it takes up to 2**64 - 1 and down to -2**63, which have 20 and 19 digits)
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
# runs orjson refuses in one array before it is no longer asked (each refusal costs a decode)
REFUSALS = 3
# characters of text per orjson call at most: enough to make the call's own cost nothing, and
# little for the scanner to decode again when a run is refused (the last run of an array,
# which reaches past its end, is)
RUN = 1 << 16


class JsonSyntaxError(ValueError):
    """Where and why the document is not JSON, as ``json.JSONDecodeError`` would say it."""

    def __init__(self, msg: str, lineno: int, colno: int):
        super().__init__(f"{msg}: line {lineno} column {colno}")
        self.msg = msg
        self.lineno = lineno
        self.colno = colno


class JsonStream:
    """Reads ``path`` as ``json.loads(path.read_bytes())`` would, but incrementally.

    Raises ``UnicodeDecodeError`` (the bytes are not text), ``RecursionError`` (nested too
    deeply) or ``JsonSyntaxError``; on either of the last two the rest of the file is still
    decoded first, so that a file that is not text says so wherever its bad bytes are, as it
    does when the whole file is decoded before parsing.
    """

    def __init__(self, path: Path, chunk: int | None = None):
        self._file: BinaryIO = path.open("rb")
        self._chunk = chunk or CHUNK
        head = self._file.read(max(self._chunk, 4))  # detect_encoding looks at 4 bytes
        # the encoding json.loads picks for bytes (UTF-8, with or without BOM, or UTF-16/32)
        codec = json.detect_encoding(head)
        self._decoder = codecs.getincrementaldecoder(codec)("surrogatepass")
        self.eof = False
        self.buf = ""
        self.pos = 0
        # the text already dropped from ``buf``: its newlines, and its characters after the
        # last one, so that a position in ``buf`` still converts to the file's line and column
        self._lines = 0
        self._tail = 0
        self._dropped = 0  # how many characters, so that a place survives a cut
        # a position in ``buf`` that must stay held (an opening brace or a comma that an
        # error message may have to point at), or None
        self._mark: int | None = None
        self._take(head)

    def close(self) -> None:
        self._file.close()

    # -- text held ---------------------------------------------------------------------------

    def _take(self, data: bytes) -> None:
        if data:
            text = self._decoder.decode(data)
        else:
            text = self._decoder.decode(b"", final=True)
            self.eof = True
        cut = self.pos if self._mark is None else min(self.pos, self._mark)
        # (the text dropped is looked at where it is held: no copy of it)
        newline = self.buf.rfind("\n", 0, cut)
        if newline >= 0:
            self._lines += self.buf.count("\n", 0, cut)
            self._tail = cut - newline - 1
        else:
            self._tail += cut
        self.buf = self.buf[cut:] + text
        self._dropped += cut
        self.pos -= cut
        if self._mark is not None:
            self._mark -= cut

    def _more(self) -> None:
        """Read on; at least as much again as is held, so a value longer than a chunk costs
        a few decode attempts, not one per chunk."""
        self._take(self._file.read(max(self._chunk, len(self.buf) - self.pos)))

    def _peek(self) -> str:
        """The next character after whitespace ('' at the end of the file)."""
        while True:
            # (whitespace or none: the pattern always matches)
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos : self.pos + 1]
            self._more()

    def _drain(self) -> None:
        while not self.eof:
            self.pos = len(self.buf)
            self._take(self._file.read(self._chunk))

    def _fail(self, msg: str, pos: int) -> NoReturn:
        before = self.buf.count("\n", 0, pos)
        if before:
            line, col = self._lines + before + 1, pos - self.buf.rfind("\n", 0, pos)
        else:
            line, col = self._lines + 1, self._tail + pos + 1
        self._drain()
        raise JsonSyntaxError(msg, line, col)

    def _like_json(self, prefix: str, opener: str = "") -> NoReturn:
        """Fail as json does at the character at ``pos`` in this place of the structure:
        ``prefix + opener`` puts its parser in the same state (``opener`` being the text at
        the mark, e.g. a comma), and its message and position are carried over (so its
        wording, which changes between Python versions, is never copied here)."""
        text = prefix + opener + self.buf[self.pos : self.pos + 1]
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            at = exc.pos - len(prefix)
            mark = self.pos if self._mark is None else self._mark
            self._fail(exc.msg, mark if at < len(opener) else self.pos)
        raise AssertionError(f"{text!r} is valid JSON")  # pragma: no cover

    # -- values ------------------------------------------------------------------------------

    def value(self) -> Any:
        """Decode the value at the current position (after whitespace) whole."""
        self._peek()
        while True:
            if not self.eof and len(self.buf) - self.pos < LOOKAHEAD:
                self._more()
                continue
            try:
                found, end = _SCAN(self.buf, self.pos)
            except StopIteration as exc:
                msg, at = "Expecting value", int(exc.value)
            except json.JSONDecodeError as exc:
                msg, at = exc.msg, exc.pos
            except RecursionError:
                self._drain()
                raise
            else:
                # a number may go on past the text held
                if end < len(self.buf) or self.eof:
                    self.pos = end
                    return found
                self._more()
                continue
            cut = at >= len(self.buf) - LOOKAHEAD or msg.startswith("Unterminated string")
            if self.eof or not cut:
                self._fail(msg, at)
            self._more()

    def is_object(self) -> bool:
        return self._peek() == "{"

    def is_array(self) -> bool:
        return self._peek() == "["

    def members(self) -> Iterator[str]:
        """The keys of the object at the current position, in file order; the caller reads
        (or skips) each one's value before asking for the next key."""
        if self._peek() != "{":
            raise ValueError("not at an object")
        self._mark = self.pos
        self.pos += 1
        char = self._peek()
        if char == "}":
            self._mark = None
            self.pos += 1
            return
        if char != '"':
            self._like_json("", "{")
        self._mark = None
        while True:
            key = self._key()
            if self._peek() != ":":
                self._like_json('{""')
            self.pos += 1
            yield key
            char = self._peek()
            if char == "}":
                self.pos += 1
                return
            if char != ",":
                self._like_json('{"":""')
            self._mark = self.pos
            self.pos += 1
            if self._peek() != '"':
                self._like_json('{"":""', ",")
            self._mark = None

    def _key(self) -> str:
        while True:
            try:
                key, end = _SCAN_STRING(self.buf, self.pos + 1, True)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - LOOKAHEAD or exc.msg.startswith("Unterminated")
                if self.eof or not cut:
                    self._fail(exc.msg, exc.pos)
                self._more()
                continue
            if end >= len(self.buf) and not self.eof:
                self._more()  # the text held ends at the key's closing quote: read on first
                continue
            self.pos = end
            return key

    def elements(self) -> Iterator[Any]:
        """The elements of the array at the current position, in order, decoded."""
        for run in self.runs():
            yield from run

    def runs(self) -> Iterator[list[Any]]:
        """``elements`` a list at a time: the elements one orjson call decoded together, or
        one the scanner decoded alone (so a caller may treat a run's elements at once)."""
        if self._peek() != "[":
            raise ValueError("not at an array")
        self.pos += 1
        if self._peek() == "]":
            self.pos += 1
            return
        # the text between two elements, with the last character of the one and the first of
        # the next (e.g. '},\n{'), once seen between two objects: where a run may end
        seam: str | None = None
        refusals = 0
        # where the last run orjson refused ends (a place in the file): the scanner's up to it
        scanner_until = -1
        while True:
            if seam is not None and self._dropped + self.pos >= scanner_until:
                run = self._run(seam)
                if run is not None:
                    yield run
                    continue
                refusals += 1
                if refusals >= REFUSALS:
                    seam = None
                else:
                    scanner_until = self._dropped + self._run_end(seam)
            # the usual case, without a call per step: an element well inside the text held,
            # then a comma and the next one; anything else takes the careful path below
            buf, pos = self.buf, self.pos
            quick = False
            if pos < len(buf) - LOOKAHEAD:
                try:
                    found, end = _SCAN(buf, pos)
                    quick = end < len(buf) - LOOKAHEAD
                except (StopIteration, json.JSONDecodeError, RecursionError):
                    pass  # decoded again below, which reports it
            if quick:
                comma = _COMMA.match(buf, end)
                following = -1 if comma is None else comma.end()
                if 0 <= following < len(buf) - LOOKAHEAD and buf[following] != "]":
                    if seam is None and not refusals and buf[end - 1] + buf[following] == "}{":
                        seam = buf[end - 1 : following + 1]
                    self.pos = following
                    yield [found]
                    continue
                self.pos = end
            else:
                found = self.value()
            yield [found]
            char = self._peek()
            if char == "]":
                self.pos += 1
                return
            if char != ",":
                self._like_json('[""')
            self._mark = self.pos
            self.pos += 1
            if self._peek() == "]":
                self._like_json('[""', ",")
            self._mark = None

    def _run_end(self, seam: str) -> int:
        """Where in ``buf`` the run ``_run`` would try from here ends."""
        cut = self.buf.rfind(seam, self.pos, self.pos + RUN + len(seam))
        if cut < 0:  # elements longer than a run: as many as the text held has
            cut = self.buf.rfind(seam, self.pos)
        return cut + 1  # (0: no seam)

    def _run(self, seam: str) -> list[Any] | None:
        """The elements from the current position to the last ``seam`` in the text held,
        decoded by orjson and the position moved past them; None (nothing moved) when there
        is no such seam or orjson refuses the run or might read it otherwise than json."""
        if not self.eof and len(self.buf) - self.pos < 2 * RUN:
            self._more()
        buf, pos = self.buf, self.pos
        cut = self._run_end(seam) - 1
        if cut < 0:
            return None
        # the run parses as an array only if it is whole elements (brackets balanced, no
        # string left open): a seam inside an element is refused, never misread
        try:
            data = f"[{buf[pos : cut + 1]}]".encode()
        except UnicodeEncodeError:  # a lone surrogate (an escape json keeps, or bad bytes)
            return None
        if data.translate(_DIGITS).find(_LONG_NUMBER) >= 0:
            return None
        try:
            run = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
        self.pos = cut + len(seam) - 1
        return run  # type: ignore[no-any-return]

    def skip(self) -> None:
        """Read past the value at the current position (an array element by element)."""
        if self.is_array():
            for _ in self.elements():
                pass
        else:
            self.value()

    def finish(self) -> None:
        """Check that nothing but whitespace follows the document."""
        if self._peek():
            self._like_json('""')
