"""BIO tag schemes: reading tag sequences into entities (with the illegal sequences named)
and writing entities as tags.

* IOB1: ``I-X`` starts or continues an X; ``B-X`` only starts an X right after another X.
* IOB2: every entity starts with ``B-X``; ``I-X`` continues it. ``I-X`` after ``O``, at a
  sentence start or after a Y is illegal.
* IOBES (and BILOU, read as its synonym: ``L-`` = ``E-``, ``U-`` = ``S-``): ``S-X`` is a
  one-token X; a longer one is ``B-X I-X… E-X``. ``E-``/``I-`` without ``B-``, and a ``B-``
  never closed by ``E-``, are illegal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Scheme = Literal["iob1", "iob2", "iobes"]
SCHEMES: tuple[Scheme, ...] = ("iob1", "iob2", "iobes")

_TAG = re.compile(r"^([BIESLU])-(\S+)$")
_SYNONYM = {"L": "E", "U": "S"}


@dataclass(frozen=True, slots=True)
class Tag:
    prefix: str  # O, B, I, E or S
    label: str  # "" for O


OUTSIDE = Tag("O", "")


def parse_tag(raw: str) -> Tag | None:
    """The tag ``raw`` names, or None when it is not a BIO tag."""
    if raw == "O":
        return OUTSIDE
    found = _TAG.match(raw)
    if found is None:
        return None
    prefix = found[1]
    return Tag(_SYNONYM.get(prefix, prefix), found[2])


def tag_problem(raw: str) -> str:
    return f"tag {raw!r} is neither O nor a B-, I-, E-, S- (or L-, U-) prefix followed by a class"


class SchemeSniffer:
    """Tells the scheme of a file from its tags (fed in order, sentence by sentence)."""

    def __init__(self) -> None:
        self.ends = False  # E-/S- seen
        self.b_starts = 0  # B-X opening an entity after O, a sentence start or a Y
        self.i_starts = 0  # I-X doing that
        self._last = OUTSIDE

    def feed(self, tag: Tag) -> None:
        if tag.prefix in ("E", "S"):
            self.ends = True
        opens = tag.prefix != "O" and (self._last.prefix == "O" or self._last.label != tag.label)
        if opens and tag.prefix == "B":
            self.b_starts += 1
        elif opens and tag.prefix == "I":
            self.i_starts += 1
        self._last = tag

    def end_sentence(self) -> None:
        self._last = OUTSIDE

    def scheme(self) -> Scheme:
        if self.ends:
            return "iobes"
        if self.i_starts and not self.b_starts:
            return "iob1"
        return "iob2"


@dataclass(frozen=True, slots=True)
class Entity:
    first: int  # token indexes, inclusive
    last: int
    label: str
    line: int  # of its first token


@dataclass
class _Open:
    first: int
    label: str
    line: int


class Decoder:
    """Entities from one sentence's tags; ``problems`` lists each illegal sequence as
    ``(line, message)``."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.entities: list[Entity] = []
        self.problems: list[tuple[int, str]] = []
        self._open: _Open | None = None
        self._last_index = -1

    def feed(self, tag: Tag, index: int, line: int) -> None:
        current = self._open
        if self.scheme == "iobes":
            self._feed_iobes(tag, index, line, current)
        elif tag.prefix in ("E", "S"):
            self.problems.append((line, f"{tag.prefix}-{tag.label} in an {self.scheme} file"))
            self._close()
        elif tag.prefix == "O":
            self._close()
        elif tag.prefix == "B":
            self._close()
            self._open = _Open(index, tag.label, line)
        elif current is not None and current.label == tag.label:
            pass  # I-X continues X
        elif self.scheme == "iob1":
            self._close()
            self._open = _Open(index, tag.label, line)
        else:
            after = "a sentence start" if current is None and index == 0 else None
            if after is None:
                after = "O" if current is None else f"{current.label} (line {current.line})"
            self.problems.append(
                (line, f"I-{tag.label} after {after}: in IOB2 an entity starts with B-")
            )
            # read on as if it opened one, so the I- after it are not reported again
            self._close()
            self._open = _Open(index, tag.label, line)
        self._last_index = index

    def _feed_iobes(self, tag: Tag, index: int, line: int, current: _Open | None) -> None:
        if tag.prefix in ("I", "E"):
            if current is None or current.label != tag.label:
                where = "O" if current is None else f"{current.label} (line {current.line})"
                if current is None and index == 0:
                    where = "a sentence start"
                self.problems.append(
                    (line, f"{tag.prefix}-{tag.label} without B-{tag.label} (after {where})")
                )
                # an I- reads on as if it opened one (its E- is not reported again)
                self._open = _Open(index, tag.label, line) if tag.prefix == "I" else None
                return
            if tag.prefix == "E":
                self.entities.append(Entity(current.first, index, current.label, current.line))
                self._open = None
            return
        if current is not None:
            self._unclosed(current)
        if tag.prefix == "B":
            self._open = _Open(index, tag.label, line)
        elif tag.prefix == "S":
            self.entities.append(Entity(index, index, tag.label, line))
            self._open = None
        else:
            self._open = None

    def _unclosed(self, current: _Open) -> None:
        self.problems.append(
            (
                current.line,
                f"B-{current.label} is never closed by E-{current.label} "
                f"(IOBES: a one-token entity is S-{current.label})",
            )
        )

    def _close(self) -> None:
        if self._open is not None:
            o = self._open
            self.entities.append(Entity(o.first, self._last_index, o.label, o.line))
        self._open = None

    def end(self) -> None:
        """The sentence is over: an entity still open ends here (IOB) or is illegal (IOBES)."""
        if self.scheme == "iobes" and self._open is not None:
            self._unclosed(self._open)
            self._open = None
        self._close()
        self._last_index = -1


def encode(count: int, entities: Sequence[tuple[int, int, str]], scheme: Scheme) -> list[str]:
    """The tags of ``count`` tokens holding ``entities`` (first, last inclusive, label;
    in order, not overlapping)."""
    tags = ["O"] * count
    previous: tuple[int, str] | None = None  # (last token, label) of the entity before
    for first, last, label in entities:
        if scheme == "iobes":
            if first == last:
                tags[first] = f"S-{label}"
            else:
                tags[first] = f"B-{label}"
                for k in range(first + 1, last):
                    tags[k] = f"I-{label}"
                tags[last] = f"E-{label}"
        else:
            # IOB1 marks a start with B- only where it touches an entity of its class
            touching = previous is not None and previous == (first - 1, label)
            start = "B" if scheme == "iob2" or touching else "I"
            tags[first] = f"{start}-{label}"
            for k in range(first + 1, last + 1):
                tags[k] = f"I-{label}"
        previous = (last, label)
    return tags
