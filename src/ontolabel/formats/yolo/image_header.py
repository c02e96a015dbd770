"""The displayed size of an image from its file's header, without decoding it.

YOLO normalises coordinates by the size a viewer (and the trainer, after exif_transpose)
sees: the stored size with EXIF orientation applied (5..8 turn the image a quarter, so an
EXIF-6 JPEG stored 400x300 is 300x400). The answer is PIL's (``Image.open`` and
``getexif``), which every case not read here still goes to:

- a JPEG is read marker by marker up to its start of scan: the frame header (SOF) gives
  the size, an APP1 ``Exif`` block's first IFD the orientation. PIL's open costs ~10x
  more, for the same two facts. Anything this reader does not expect (bytes between
  markers, a second frame or Exif block, XMP, which PIL also takes an orientation from,
  an MPO, a bit depth or layer count PIL refuses, a size past PIL's bomb limit) goes to
  PIL, so a file PIL refuses is still refused with PIL's reason;
- a PNG is opened by PIL (its chunks up to the pixels, checked), but ``getexif`` on a PNG
  whose EXIF was not before the pixels decodes the whole image to look after them; here
  the chunks after the pixels are listed by their headers instead, and only when one can
  hold EXIF or XMP does PIL look.
"""

from __future__ import annotations

import os
import struct

from PIL import Image, UnidentifiedImageError

EXIF_ORIENTATION = 0x0112
_QUARTER_TURNS = (5, 6, 7, 8)

_SOI = b"\xff\xd8\xff"
_SOS = 0xDA
# start-of-frame markers (C4 is DHT, C8 JPG, CC DAC: not frames)
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# markers whose segment is only skipped, here as in PIL (SOFs, APP0, APP1, APP2, APP14 and
# DQT are looked at)
_SKIPPED = frozenset({0xC4, 0xCC, 0xDD, 0xFE, *range(0xE3, 0xEE), 0xEF})
_EXIF = b"Exif\x00\x00"
_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_PNG = b"\x89PNG\r\n\x1a\n"
# chunks after the pixels that may carry what getexif reads (EXIF, its text form, XMP)
_PNG_METADATA = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt"})
_HEAD = 4096  # most JPEG headers (without an EXIF thumbnail) are within this
# bytes per value of each TIFF field type (those PIL reads; it skips any other)
_TIFF_UNITS = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_TIFF_UNITS |= {16: 8, 17: 8, 18: 8}


class _Unusual(Exception):
    """The header is not one this reader is sure to read as PIL does."""


def image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(width, height) as displayed, from the file's header; ValueError saying why not."""
    try:
        # os.open/os.read: a file object costs 4x more than the few bytes read here
        fd = os.open(path, os.O_RDONLY)
        try:
            head = os.read(fd, _HEAD)
            if head.startswith(_SOI):
                try:
                    return _jpeg_size(fd, head)
                except _Unusual:
                    pass
        finally:
            os.close(fd)
    except OSError as exc:
        raise ValueError(f"not a readable image ({exc})") from exc
    return _pil_size(path, png=head.startswith(_PNG))


def _pil_size(path: str | os.PathLike[str], *, png: bool) -> tuple[int, int]:
    try:
        with Image.open(path) as img:
            width, height = img.size
            try:
                if png and "exif" not in img.info and _png_ends_plain(img):
                    # the chunks after the pixels hold nothing getexif reads: what it would
                    # find after decoding them is what is known now
                    orientation = Image.Image.getexif(img).get(EXIF_ORIENTATION, 1)
                else:
                    orientation = img.getexif().get(EXIF_ORIENTATION, 1)
            except Exception:  # noqa: BLE001 - a broken EXIF block leaves the stored size
                orientation = 1
    except Image.DecompressionBombError as exc:
        raise ValueError(f"the image is too large to read ({exc})") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"not a readable image ({exc})") from exc
    if orientation in _QUARTER_TURNS:
        return height, width
    return width, height


# -- JPEG ------------------------------------------------------------------------------------


def _read(fd: int, n: int) -> bytes:
    """Up to ``n`` more bytes (fewer only at the end of the file)."""
    chunks = [os.read(fd, n)]
    while chunks[-1] and (got := sum(map(len, chunks))) < n:
        chunks.append(os.read(fd, n - got))
    return b"".join(chunks)


def _jpeg_size(fd: int, head: bytes) -> tuple[int, int]:
    data, at = head, 2  # after SOI
    size: tuple[int, int] | None = None
    exif: bytes | None = None
    xmp = False
    while True:
        if at + 4 > len(data):
            data += _read(fd, _HEAD)
            if at + 4 > len(data):
                raise _Unusual("truncated")
        if data[at] != 0xFF:
            raise _Unusual("bytes between segments")
        marker = data[at + 1]
        if marker == _SOS:
            break
        length = data[at + 2] << 8 | data[at + 3]
        if length < 2:
            raise _Unusual("segment length")
        start, at = at + 4, at + 2 + length  # the segment's data, the next marker
        if at > len(data):
            data += _read(fd, max(at - len(data), _HEAD))
            if at > len(data):
                raise _Unusual("truncated")
        if marker in _SKIPPED:
            continue
        segment = data[start:at]
        if marker in _SOF:
            if size is not None or len(segment) < 6 or (len(segment) - 6) % 3:
                raise _Unusual("a second frame, or one PIL cannot read")
            bits, height, width, layers = struct.unpack_from(">BHHB", segment)
            if bits != 8 or layers not in (1, 3, 4) or not width or not height:
                raise _Unusual("a frame PIL refuses or sizes later")
            size = (width, height)
        elif marker == 0xE1:
            if segment.startswith(_EXIF):
                if exif is not None:
                    raise _Unusual("a second Exif block")
                exif = segment
            elif segment.startswith(_XMP):
                xmp = True
        elif marker == 0xE2:
            if segment.startswith(b"MPF\x00"):
                raise _Unusual("a multi-picture file")
            if segment.startswith(b"ICC_PROFILE\x00") and len(segment) < 14:
                raise _Unusual("an ICC block PIL cannot read")
        elif marker == 0xDB:
            _check_quantization(segment)
        elif marker in (0xE0, 0xEE):
            if segment.startswith((b"JFIF", b"Adobe")) and len(segment) < 7:
                raise _Unusual("a JFIF or Adobe block PIL cannot read")
        else:
            raise _Unusual("a marker this reader does not know")
    if size is None:
        raise _Unusual("no frame before the scan")
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and size[0] * size[1] > limit:
        raise _Unusual("past PIL's limit: its warning or refusal")
    orientation = _exif_orientation(exif) if exif is not None else None
    if orientation is None:
        if xmp:
            raise _Unusual("XMP may say the orientation")
        orientation = 1
    width, height = size
    return (height, width) if orientation in _QUARTER_TURNS else (width, height)


def _check_quantization(segment: bytes) -> None:
    # PIL refuses a table shorter than its precision says
    at = 0
    while at < len(segment):
        precision = 1 if segment[at] // 16 == 0 else 2
        at += 1 + 64 * precision
        if at > len(segment):
            raise _Unusual("a short quantization table")


def _exif_orientation(exif: bytes) -> int | None:
    """The orientation in the first IFD of an Exif block, None when it has none. Only an
    IFD PIL reads whole (every entry of a known type, its data within the block, the next
    IFD's offset after it) is read here: PIL keeps what it read before a broken entry."""
    while exif.startswith(_EXIF):
        exif = exif[len(_EXIF) :]
    if exif[:4] == b"II*\x00":
        order = "<"
    elif exif[:4] == b"MM\x00*":
        order = ">"
    else:
        raise _Unusual("not a plain TIFF header")
    try:
        (ifd,) = struct.unpack_from(order + "I", exif, 4)
        (count,) = struct.unpack_from(order + "H", exif, ifd)
        found: list[int] = []
        end = ifd + 2 + 12 * count
        for at in range(ifd + 2, end, 12):
            tag, kind, n, offset = struct.unpack_from(order + "HHII", exif, at)
            size = n * _TIFF_UNITS.get(kind, 0)
            if not size or (size > 4 and offset + size > len(exif)):
                raise _Unusual("an IFD entry PIL skips or stops at")
            if tag == EXIF_ORIENTATION:
                if kind != 3 or n != 1:
                    raise _Unusual("an orientation that is not one SHORT")
                found.append(struct.unpack_from(order + "H", exif, at + 8)[0])
        struct.unpack_from(order + "I", exif, end)  # the next IFD's offset
    except struct.error:
        raise _Unusual("a short IFD") from None
    if len(found) > 1:
        raise _Unusual("two orientations")
    return found[0] if found else None


# -- PNG -------------------------------------------------------------------------------------


def _png_ends_plain(img: Image.Image) -> bool:
    """Whether no chunk after the pixels (listed from their headers, by seeking) is one
    that getexif would read. False when in doubt, so that PIL's own getexif looks."""
    fp = getattr(img, "fp", None)
    if fp is None:
        return False
    position = fp.tell()
    try:
        fp.seek(0)
        if fp.read(8) != _PNG:
            return False
        seen_pixels = False
        while True:
            header = fp.read(8)
            if len(header) < 8:
                return False
            length, kind = struct.unpack(">I4s", header)
            if kind == b"IEND":
                return True
            if kind == b"IDAT":
                seen_pixels = True
            elif seen_pixels and kind in _PNG_METADATA:
                return False
            fp.seek(length + 4, os.SEEK_CUR)  # the data and its CRC
    except (OSError, struct.error, ValueError):
        return False
    finally:
        fp.seek(position)
