"""Spans arrive from the browser in UTF-16 units and are stored in code points."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.text_offsets import (
    codepoint_span_to_utf16,
    codepoint_to_utf16,
    lf_offset_to_stored,
    utf16_length,
    utf16_span_to_codepoints,
    utf16_to_codepoint,
)
from ontolabel.errors import TextOffsetError

EMOJI_TEXT = "Ok 👍🏽 meet Ana in Köln"  # U+1F44D U+1F3FD, ö precomposed (U+00F6)
CRLF_TEXT = "Name: Bo\r\nCity: Oslo\r\nZip: 0150"


def js_index(text: str, needle: str) -> int:
    """What JavaScript's text.indexOf(needle) returns: a UTF-16 offset."""
    return len(text[: text.index(needle)].encode("utf-16-le")) // 2


def test_pinned_emoji_text_is_what_we_think() -> None:
    assert [hex(ord(c)) for c in EMOJI_TEXT[3:5]] == ["0x1f44d", "0x1f3fd"]
    assert EMOJI_TEXT[19] == "\u00f6"
    assert utf16_length(EMOJI_TEXT) == len(EMOJI_TEXT) + 2


@pytest.mark.parametrize(
    ("word", "utf16", "codepoints"),
    [("Ana", (13, 16), (11, 14)), ("Köln", (20, 24), (18, 22)), ("meet", (8, 12), (6, 10))],
)
def test_browser_offsets_after_an_emoji_with_skin_tone_become_code_points(
    word: str, utf16: tuple[int, int], codepoints: tuple[int, int]
) -> None:
    start = js_index(EMOJI_TEXT, word)
    assert (start, start + len(word)) == utf16
    assert utf16_span_to_codepoints(EMOJI_TEXT, *utf16) == codepoints
    assert EMOJI_TEXT[codepoints[0] : codepoints[1]] == word
    assert codepoint_span_to_utf16(EMOJI_TEXT, *codepoints) == utf16


@pytest.mark.parametrize("inside_pair", [4, 6])
def test_an_offset_between_the_halves_of_a_surrogate_pair_is_refused(inside_pair: int) -> None:
    # 3 = before 👍, 4 = inside 👍, 5 = before 🏽, 6 = inside 🏽, 7 = after it
    with pytest.raises(TextOffsetError, match="splits a surrogate pair"):
        utf16_to_codepoint(EMOJI_TEXT, inside_pair)
    with pytest.raises(TextOffsetError):
        utf16_span_to_codepoints(EMOJI_TEXT, 3, inside_pair)


def test_offsets_around_the_pairs_are_fine() -> None:
    assert [utf16_to_codepoint(EMOJI_TEXT, o) for o in (3, 5, 7)] == [3, 4, 5]


@pytest.mark.parametrize("offset", [-1, 26])
def test_offsets_outside_the_text_are_refused(offset: int) -> None:
    with pytest.raises(TextOffsetError, match="outside"):
        utf16_to_codepoint(EMOJI_TEXT, offset)


def test_code_point_offset_outside_the_text_is_refused() -> None:
    with pytest.raises(TextOffsetError):
        codepoint_to_utf16(EMOJI_TEXT, len(EMOJI_TEXT) + 1)


def test_crlf_text_offsets_slice_exactly_oslo() -> None:
    # The stored text keeps its CRLFs; code point offsets of "Oslo" slice exactly "Oslo".
    start = CRLF_TEXT.index("Oslo")
    assert (start, start + 4) == (16, 20)
    assert CRLF_TEXT[16:20] == "Oslo"
    # A browser that shows CRLF as LF reports "Oslo" one position earlier; mapped back:
    shown = CRLF_TEXT.replace("\r\n", "\n")
    shown_start = shown.index("Oslo")
    assert shown_start == 15
    stored = (
        lf_offset_to_stored(CRLF_TEXT, shown_start),
        lf_offset_to_stored(CRLF_TEXT, shown_start + 4),
    )
    assert stored == (16, 20)
    assert CRLF_TEXT[stored[0] : stored[1]] == "Oslo"


def test_lf_offsets_never_land_between_cr_and_lf() -> None:
    shown = CRLF_TEXT.replace("\r\n", "\n")
    for offset in range(len(shown) + 1):
        stored = lf_offset_to_stored(CRLF_TEXT, offset)
        assert CRLF_TEXT[stored - 1 : stored + 1] != "\r\n"
        # the stored prefix, shown with LF, is the shown prefix
        assert CRLF_TEXT[:stored].replace("\r\n", "\n") == shown[:offset]
    with pytest.raises(TextOffsetError):
        lf_offset_to_stored(CRLF_TEXT, len(shown) + 1)


# Text mixing ASCII, accents, CJK, astral emoji and skin-tone modifiers, ZWJ sequences.
texts = st.text(
    alphabet=st.sampled_from(
        list("ab \r\n") + ["ö", "é", "中", "👍", "🏽", "👩", "\u200d", "💻", "𝄞"]
    )
    | st.characters(codec="utf-8"),
    max_size=40,
)


@given(texts, st.data())
def test_code_point_to_utf16_round_trips(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert utf16_to_codepoint(text, codepoint_to_utf16(text, offset)) == offset


@given(texts)
def test_utf16_offsets_map_monotonically_and_match_javascript_slicing(text: str) -> None:
    units = text.encode("utf-16-le", "surrogatepass")
    previous = -1
    for code_point in range(len(text) + 1):
        offset = codepoint_to_utf16(text, code_point)
        assert offset > previous
        previous = offset
        # the UTF-16 prefix of that length decodes to the code point prefix
        assert units[: 2 * offset].decode("utf-16-le", "surrogatepass") == text[:code_point]
