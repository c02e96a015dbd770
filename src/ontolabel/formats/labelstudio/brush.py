"""Label Studio's brush masks: a bit-packed run-length code of the mask's RGBA bytes.

A brush (or magic wand) region carries ``value.rle``: a list of byte values that pack, most
significant bit first, a header and a sequence of chunks over the image's RGBA bytes (row by
row, four bytes a pixel, ``width * height * 4`` values in all):

- header: the number of values (32 bits), the word size minus one (5 bits), then four
  run-length field widths, each minus one (4 bits each);
- chunk: a flag bit (1: one value repeated, 0: a run of literal values), two bits choosing one
  of the four field widths, the run length minus one in that many bits, then the value once
  (repeat) or every value of the run (literal), ``word size`` bits each.

This is the layout of the rle-pack codec that the Label Studio editor encodes with. The mask
is the alpha channel (the editor paints in the label's colour; any alpha counts as inside).
Both directions work on runs, never on a per-value loop over the image, and the decoder
checks every length, so a truncated or foreign list is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry import Mask
from ontolabel.core.geometry.mask import mask_to_counts, rle_decode, rle_from_counts

# the widths Label Studio encodes with; a run longer than 2**16 is split into several chunks
RLE_SIZES = (3, 4, 8, 16)
WORD_SIZE = 8
CHANNELS = 4


class BrushError(ValueError):
    """The ``rle`` list is not a brush mask of the expected image."""


class _Bits:
    """Reads fields of a given width from a byte list, most significant bit first."""

    def __init__(self, data: bytes):
        self.value = int.from_bytes(data, "big")
        self.total = len(data) * 8
        self.pos = 0

    def read(self, width: int) -> int:
        end = self.pos + width
        if end > self.total:
            raise BrushError(f"the rle data ends inside a field (bit {self.pos} of {self.total})")
        self.pos = end
        return (self.value >> (self.total - end)) & ((1 << width) - 1)


def _as_bytes(rle: Sequence[object]) -> bytes:
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 256 for v in rle):
        raise BrushError("rle must be a list of byte values (integers 0..255)")
    return bytes(rle)  # type: ignore[arg-type]


def decode_rle(
    rle: Sequence[object], expected: int | None = None, why: str = ""
) -> npt.NDArray[np.uint8]:
    """The values packed in a Label Studio ``rle`` list (for a brush: the RGBA bytes).
    ``expected``: how many there must be (``why``), checked before anything is unpacked."""
    bits = _Bits(_as_bytes(rle))
    count = bits.read(32)
    if expected is not None and count != expected:
        raise BrushError(f"the rle holds {count} values; {why or f'{expected} were expected'}")
    word = bits.read(5) + 1
    if word > 8:
        raise BrushError(f"word size {word} bits: a brush mask packs bytes")
    sizes = [bits.read(4) + 1 for _ in range(4)]
    starts: list[int] = []  # where each run of one value begins (a literal: runs of 1)
    values: list[int] = []
    done = 0
    while done < count:
        repeat = bits.read(1)
        length = bits.read(sizes[bits.read(2)]) + 1
        if done + length > count:
            raise BrushError(f"a run of {length} values passes the end ({count} values)")
        if repeat:
            starts.append(done)
            values.append(bits.read(word))
        else:
            for _ in range(length):
                starts.append(done)
                values.append(bits.read(word))
                done += 1
            continue
        done += length
    bounds = np.array([*starts, count], dtype=np.int64)
    return np.repeat(np.array(values, dtype=np.uint8), np.diff(bounds))


def _write_chunks(fields: list[tuple[int, int]], runs: list[tuple[int, int]]) -> None:
    """Repeat chunks for ``runs`` of (value, length); lengths of any size, split as needed."""
    longest = 1 << RLE_SIZES[-1]
    for value, length in runs:
        while length > 0:
            part = min(length, longest)
            n = part - 1
            size = next(i for i, bits in enumerate(RLE_SIZES) if n < 1 << bits)
            fields += [(1, 1), (size, 2), (n, RLE_SIZES[size]), (value, WORD_SIZE)]
            length -= part


def encode_runs(runs: list[tuple[int, int]]) -> list[int]:
    """The ``rle`` list of a byte stream given as runs of (value, length), lengths > 0."""
    total = sum(length for _, length in runs)
    fields: list[tuple[int, int]] = [(total, 32), (WORD_SIZE - 1, 5)]
    fields += [(bits - 1, 4) for bits in RLE_SIZES]
    _write_chunks(fields, runs)
    acc, width = 0, 0
    for value, bits in fields:
        acc = (acc << bits) | value
        width += bits
    pad = -width % 8  # the last byte is filled with zero bits
    return list((acc << pad).to_bytes((width + pad) // 8, "big"))


def mask_to_brush(mask: Mask) -> list[int]:
    """The Label Studio ``rle`` of a core mask: white, opaque pixels inside, zero outside."""
    pixels = rle_decode(mask)
    # Label Studio's bytes run row by row (C order), COCO's counts column by column
    counts = mask_to_counts(pixels.T.copy()) if pixels.size else [0]
    runs: list[tuple[int, int]] = []
    for index, count in enumerate(counts):
        if count:
            runs.append((255 if index % 2 else 0, count * CHANNELS))
    return encode_runs(runs)


def brush_to_mask(rle: Sequence[object], width: int, height: int) -> Mask:
    """The core mask of a Label Studio ``rle`` over a ``width`` x ``height`` image."""
    expected = width * height * CHANNELS
    values = decode_rle(rle, expected, f"a {width}x{height} RGBA image has {expected}")
    # any paint counts, as in Label Studio's own converter (edges are anti-aliased)
    alpha = values[CHANNELS - 1 :: CHANNELS].reshape((height, width))
    return rle_from_counts(mask_to_counts(alpha), height, width)
