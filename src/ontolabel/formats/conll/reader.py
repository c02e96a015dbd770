"""Reading CoNLL/BIO files into text items with code-point spans.

Two layouts are read:

* token per line (CoNLL-2003 and its 2-column cousins): the token in the first column, its
  tag in the last, columns split at spaces or tabs; a blank line ends a sentence;
* sentence per line (spaCy's ``word|POS|tag`` form): tokens split at spaces, the token the
  first ``|`` field and the tag the last.

``-DOCSTART-`` lines separate documents. A file that has them gives one item per document,
its sentences joined by a newline; a file without them gives one item per sentence. CoNLL
carries no offsets, so the text is rebuilt by joining the tokens of a sentence with single
spaces; the tokens are kept in the item's meta (``tokens``), so an export gives them back,
and so are the columns between token and tag (``conll_columns``: POS, chunk), which the
``conll2003`` layout writes back.

The file is read twice, line by line: once to tell its scheme (IOB1, IOB2 or IOBES, see
``tags``), then to read it. A document with a bad line or an illegal tag sequence is
reported (file and line) and skipped whole; the others import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.modality import Modality
from ontolabel.errors import Location
from ontolabel.formats.base import (
    AnnotationRecord,
    ErrorPolicy,
    ImportRecord,
    content_external_id,
)
from ontolabel.formats.conll.tags import (
    Decoder,
    Scheme,
    SchemeSniffer,
    Tag,
    parse_tag,
    tag_problem,
)
from ontolabel.formats.conll.tokens import TOKENS_KEY

DOCSTART = "-DOCSTART-"


# the item meta key that keeps the columns between token and tag (POS, chunk), per token
COLUMNS_KEY = "conll_columns"

_Fields = tuple[str, Tag, tuple[str, ...]]  # token, tag, the columns between


@dataclass(frozen=True, slots=True)
class _Word:
    token: str
    tag: Tag
    line: int
    middle: tuple[str, ...]


@dataclass
class _Doc:
    first_line: int = 0
    sentences: list[list[_Word]] = field(default_factory=list)
    current: list[_Word] = field(default_factory=list)
    bad: bool = False

    def end_sentence(self) -> None:
        if self.current:
            self.sentences.append(self.current)
            self.current = []


_UTF16 = "not UTF-8 text: the file is UTF-16 (it holds NUL bytes); save it as UTF-8"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NUL = "the line holds a NUL byte, which ontolabel does not store"

# what one line of the file is: a document start, the end of a sentence, or words
_DOC, _END, _WORDS = "doc", "end", "words"


def is_sentence_per_line(line: str) -> bool:
    """Whether ``line`` is ``word|POS|tag`` tokens (spaCy's sentence-per-line form)."""
    fields = line.split()
    if not fields or not all("|" in f for f in fields):
        return False
    return all(parse_tag(f.rsplit("|", 1)[1]) is not None for f in fields)


class ConllReader:
    def __init__(self, path: Path, policy: ErrorPolicy) -> None:
        self.path = path
        self.file = path.name
        self.policy = policy
        self.pipes = False
        self.documents = False
        self.utf16_at: int | None = None  # the first line that shows the file is UTF-16
        self.nul_lines: set[int] = set()  # lines of a UTF-8 file holding a NUL byte

    def _at(self, line: int) -> Location:
        return Location(file=self.file, line=line)

    def _lines(self) -> Iterator[tuple[int, str | None]]:
        """Each line of the file without its line break (None: not UTF-8, or holding a
        NUL); a UTF-16 file is its first line alone (it is read no further)."""
        with self.path.open("rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                # UTF-16 text decodes as UTF-8 when it is ASCII, each character then beside
                # a NUL: every line would be a bad tag of its own. Its first line shows it
                # (a byte order mark, or NULs among its letters); a NUL later on is a bad
                # line of a UTF-8 file, and the lines after it are read on.
                nuls = raw.count(b"\x00")
                if lineno == 1 and (raw.startswith(_UTF16_BOMS) or nuls * 3 >= len(raw)):
                    self.utf16_at = lineno
                    yield lineno, None
                    return
                if nuls:
                    self.nul_lines.add(lineno)
                    yield lineno, None
                    continue
                try:
                    yield lineno, raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError:
                    yield lineno, None

    def _events(self, report: bool) -> Iterator[tuple[int, str, list[_Fields] | None]]:
        """(line, kind, words) per line; words None for a bad line (reported if ``report``)."""
        for lineno, line in self._lines():
            if line is None:
                if report:
                    message = (
                        _UTF16
                        if lineno == self.utf16_at
                        else _NUL
                        if lineno in self.nul_lines
                        else "not UTF-8 text"
                    )
                    self.policy.report(message, self._at(lineno))
                yield lineno, _WORDS, None
                continue
            if not line.strip():
                yield lineno, _END, []
                continue
            fields = line.split()
            first = fields[0].split("|", 1)[0] if self.pipes else fields[0]
            if first == DOCSTART:
                yield lineno, _DOC, []
                continue
            words = self._words(fields, lineno, report)
            yield lineno, _WORDS, words
            if self.pipes:
                yield lineno, _END, []

    def _words(self, fields: list[str], lineno: int, report: bool) -> list[_Fields] | None:
        if self.pipes:
            split = [f.split("|") for f in fields]
            pairs = [(p[0], p[-1], tuple(p[1:-1])) for p in split]
            if any(len(p) < 2 for p in split):
                if report:
                    self.policy.report("a token without a |tag (word|POS|tag)", self._at(lineno))
                return None
        elif len(fields) < 2:
            if report:
                self.policy.report(
                    f"the line has one column ({fields[0]!r}): a token needs a tag column",
                    self._at(lineno),
                )
            return None
        else:
            pairs = [(fields[0], fields[-1], tuple(fields[1:-1]))]
        words: list[_Fields] = []
        for token, raw, middle in pairs:
            tag = parse_tag(raw)
            if tag is None:
                if report:
                    self.policy.report(tag_problem(raw), self._at(lineno))
                return None
            words.append((token, tag, middle))
        return words

    def _sniff(self) -> Scheme:
        """The file's scheme and layout, from a first pass over its tags."""
        for _, line in self._lines():
            if line is not None and line.strip():
                head = line.split()[0]
                if head != DOCSTART and head.split("|", 1)[0] != DOCSTART:
                    self.pipes = is_sentence_per_line(line)
                    break
        sniffer = SchemeSniffer()
        for _, kind, words in self._events(report=False):
            if kind == _DOC:
                self.documents = True
                sniffer.end_sentence()
            elif kind == _END:
                sniffer.end_sentence()
            elif words:
                for _, tag, _ in words:
                    sniffer.feed(tag)
        return sniffer.scheme()

    def records(self) -> Iterator[ImportRecord]:
        scheme = self._sniff()
        doc = _Doc()
        for lineno, kind, words in self._events(report=True):
            if kind == _DOC:
                doc.end_sentence()
                yield from self._finish(doc, scheme)
                doc = _Doc()
            elif kind == _END:
                doc.end_sentence()
                if not self.documents:
                    yield from self._finish(doc, scheme)
                    doc = _Doc()
            elif words is None:
                doc.bad = True
                doc.first_line = doc.first_line or lineno
            else:
                doc.first_line = doc.first_line or lineno
                doc.current.extend(_Word(t, tag, lineno, middle) for t, tag, middle in words)
        doc.end_sentence()
        yield from self._finish(doc, scheme)

    def _finish(self, doc: _Doc, scheme: Scheme) -> Iterator[ImportRecord]:
        if not doc.sentences:
            return  # a document marker or blank lines with no tokens: nothing to import
        parts: list[str] = []
        tokens: list[list[int]] = []
        columns: list[list[str]] = []
        found: list[tuple[int, int, str, int]] = []  # start, end, class, line
        offset = 0
        for sentence in doc.sentences:
            if parts:
                parts.append("\n")
                offset += 1
            decoder = Decoder(scheme)
            base = len(tokens)
            for index, word in enumerate(sentence):
                if index:
                    parts.append(" ")
                    offset += 1
                tokens.append([offset, offset + len(word.token)])
                columns.append(list(word.middle))
                parts.append(word.token)
                offset += len(word.token)
                decoder.feed(word.tag, index, word.line)
            decoder.end()
            for line, message in decoder.problems:
                self.policy.report(message, self._at(line))
                doc.bad = True
            for e in decoder.entities:
                found.append((tokens[base + e.first][0], tokens[base + e.last][1], e.label, e.line))
        if doc.bad:
            return
        text = "".join(parts)
        spans = [
            AnnotationObject(
                id=f"e{k}",
                class_name=label,
                geometry=Span(start=start, end=end, text=text[start:end]),
            )
            for k, (start, end, label, _) in enumerate(found, start=1)
        ]
        # where each span's first token is, for problems the ontology finds later
        origins = tuple(f"line {line}" for *_, line in found)
        meta: dict[str, Any] = {TOKENS_KEY: tokens}
        if any(v != "_" for values in columns for v in values):  # "_" alone says nothing
            meta[COLUMNS_KEY] = columns
        yield ImportRecord(
            location=self._at(doc.first_line),
            modality=Modality.TEXT,
            external_id=content_external_id("conll", text, doc.first_line),
            text=text,
            meta=meta,
            annotations=[AnnotationRecord(document=Annotation(objects=spans), origins=origins)],
        )
