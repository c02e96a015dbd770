"""Tokens of a stored text, for the token-based formats (CoNLL/BIO, spaCy).

A token is a half-open ``(start, end)`` range of code points of the text. An item may keep
the tokens it was imported with in ``meta["tokens"]`` (a list of ``[start, end]``), so that
exporting it again gives the same tokens; otherwise the text is tokenized here.

The tokenizer splits at whitespace and at punctuation and symbols (each such character is a
token of its own, with any combining marks, emoji modifiers and zero-width joiners that
follow it), keeps a connector (hyphen, apostrophe, period, comma, colon, slash) inside a word
when it stands between two letters or digits (``don't``, ``3.5``, ``1996-12-06``), and always
cuts at the given offsets: the edges of the spans to be written, so that a span whose edge
falls inside a word (``500`` of ``500mg``) keeps its label instead of being dropped.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from typing import Any

Token = tuple[int, int]

# the item meta key that keeps the tokens a file gave
TOKENS_KEY = "tokens"

_CONNECTORS = frozenset("-\u2010\u2011'\u2019.,:/")
_ZWJ = "\u200d"
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _extends(text: str, i: int) -> bool:
    """Whether ``text[i]`` belongs to the character before it (one visible character)."""
    ch = text[i]
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    code = ord(ch)
    if 0x1F3FB <= code <= 0x1F3FF or 0xFE00 <= code <= 0xFE0F or ch == _ZWJ:
        return True  # emoji skin tones, variation selectors, the joiner itself
    return i > 0 and text[i - 1] == _ZWJ  # the emoji a joiner joins on


def tokenize(text: str, cuts: Collection[int] = ()) -> list[Token]:
    """The tokens of ``text``, cut at every offset in ``cuts`` that falls inside one."""
    cuts = cuts if isinstance(cuts, set | frozenset) else frozenset(cuts)
    tokens: list[Token] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        i += 1
        if _is_punct(ch):
            while i < n and i not in cuts and not text[i].isspace() and _extends(text, i):
                i += 1
            tokens.append((start, i))
            continue
        while i < n and i not in cuts and not text[i].isspace():
            c = text[i]
            if _extends(text, i) or not _is_punct(c):
                i += 1
            elif (
                c in _CONNECTORS
                and text[i - 1].isalnum()
                and i + 1 < n
                and text[i + 1].isalnum()
                and i + 1 not in cuts
            ):
                i += 2  # the connector and the letter after it
            else:
                break
        tokens.append((start, i))
    return tokens


def stored_tokens(meta: dict[str, Any], text: str) -> list[Token] | None:
    """The tokens an item keeps in its meta, if they still fit its text (else None)."""
    raw = meta.get(TOKENS_KEY)
    if not isinstance(raw, list) or not raw:
        return None
    tokens: list[Token] = []
    last = 0
    for entry in raw:
        if (
            not isinstance(entry, list | tuple)
            or len(entry) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in entry)
        ):
            return None
        start, end = int(entry[0]), int(entry[1])
        if not last <= start < end <= len(text) or any(c.isspace() for c in text[start:end]):
            return None
        tokens.append((start, end))
        last = end
    return tokens


def cut(tokens: Iterable[Token], cuts: Collection[int]) -> list[Token]:
    """``tokens`` with each one split at the offsets of ``cuts`` that fall inside it."""
    inner = sorted(cuts)
    out: list[Token] = []
    for start, end in tokens:
        at = bisect_right(inner, start)
        while at < len(inner) and inner[at] < end:
            out.append((start, inner[at]))
            start = inner[at]
            at += 1
        out.append((start, end))
    return out


def tokens_of(text: str, meta: dict[str, Any], cuts: Collection[int] = ()) -> list[Token]:
    """The item's own tokens (cut at ``cuts``) when it keeps valid ones, else the text's."""
    kept = stored_tokens(meta, text)
    return tokenize(text, frozenset(cuts)) if kept is None else cut(kept, cuts)


def breaks_line(gap: str) -> bool:
    """Whether the whitespace between two tokens holds a line break (a sentence break)."""
    return any(c in _LINE_BREAKS for c in gap)


def token_list(tokens: Sequence[Token]) -> list[list[int]]:
    """``tokens`` as the item meta keeps them (JSON lists)."""
    return [[start, end] for start, end in tokens]
