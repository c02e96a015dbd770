"""Converting text offsets between the browser's units and the stored code points.

Stored spans count Unicode code points of the stored text (Python's `str` indexing).
Browsers (JavaScript strings, DOM selections) count UTF-16 code units, where every
character beyond U+FFFF (most emoji, the skin-tone modifiers) takes two units: the
high and low halves of a surrogate pair.

Decision: an offset that falls between the two halves of a surrogate pair is refused
with `TextOffsetError`, never snapped. No selection made in a browser lands there, so
such an offset means the sender counted in other units (bytes, code points) and every
other offset it sent is suspect too; snapping would hide that and store a wrong span.

Browsers also show CRLF line breaks as one LF in `textContent`; `lf_offset_to_stored`
maps offsets counted in that view back into the stored text, which keeps its CRLFs.
"""

from __future__ import annotations

from ontolabel.errors import Location, TextOffsetError

_HIGH_SURROGATES = range(0xD800, 0xDC00)


def _utf16_units(text: str) -> bytes:
    # surrogatepass: a stored text may hold a lone surrogate; it still counts as one unit.
    return text.encode("utf-16-le", "surrogatepass")


def utf16_length(text: str) -> int:
    """Length of `text` in UTF-16 code units (JavaScript's `string.length`)."""
    return len(_utf16_units(text)) // 2


def codepoint_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 offset of code point offset `offset` (0 <= offset <= len(text))."""
    if not 0 <= offset <= len(text):
        raise TextOffsetError(
            f"code point offset {offset} is outside the text (length {len(text)})",
            location=Location(path="offset"),
        )
    return utf16_length(text[:offset])


def utf16_to_codepoint(text: str, offset: int) -> int:
    """The code point offset of UTF-16 offset `offset`; refuses an offset inside a pair."""
    units = _utf16_units(text)
    total = len(units) // 2
    if not 0 <= offset <= total:
        raise TextOffsetError(
            f"UTF-16 offset {offset} is outside the text (length {total} UTF-16 units)",
            location=Location(path="offset"),
        )
    if offset > 0:
        previous = int.from_bytes(units[2 * offset - 2 : 2 * offset], "little")
        following = (
            int.from_bytes(units[2 * offset : 2 * offset + 2], "little") if offset < total else 0
        )
        if previous in _HIGH_SURROGATES and 0xDC00 <= following < 0xE000:
            raise TextOffsetError(
                f"UTF-16 offset {offset} splits a surrogate pair "
                f"(character {units[2 * offset - 2 : 2 * offset + 2].decode('utf-16-le')!r})",
                location=Location(path="offset"),
                hint="offsets must be counted in UTF-16 code units, as JavaScript does",
            )
    return len(units[: 2 * offset].decode("utf-16-le", "surrogatepass"))


def utf16_span_to_codepoints(text: str, start: int, end: int) -> tuple[int, int]:
    """A browser span [start, end) in UTF-16 units as code points of the stored text."""
    cp_start, cp_end = utf16_to_codepoint(text, start), utf16_to_codepoint(text, end)
    if cp_end < cp_start:
        raise TextOffsetError(f"span end {end} is before its start {start}")
    return cp_start, cp_end


def codepoint_span_to_utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """A stored span [start, end) in code points as UTF-16 units for the browser."""
    return codepoint_to_utf16(text, start), codepoint_to_utf16(text, end)


def lf_offset_to_stored(text: str, offset: int) -> int:
    """Map an offset counted in `text` with every CRLF shown as LF back into `text`.

    An offset just after a shown LF lands after the stored CRLF, so a span never starts
    or ends between CR and LF.
    """
    shown = 0
    for index, char in enumerate(text):
        if shown == offset:
            return index
        if char == "\r" and text[index + 1 : index + 2] == "\n":
            continue  # the CR of a CRLF is not shown; it shares the LF's position
        shown += 1
    if shown == offset:
        return len(text)
    raise TextOffsetError(
        f"offset {offset} is outside the text (length {shown} with CRLF shown as LF)",
        location=Location(path="offset"),
    )
