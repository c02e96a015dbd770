"""Recognising a media file by its first bytes, never by its extension.

A file named ``scan.jpg`` that is really DICOM is probed as DICOM; a file whose
content matches nothing known is refused. The one exception is the KITTI velodyne
``.bin`` layout, which is raw float32 without any signature: it is accepted only
when nothing else matched, the name ends in ``.bin`` and the size fits whole points.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

HEAD_BYTES = 512


class Container(StrEnum):
    """The decoder a file goes to."""

    IMAGE = "image"
    DICOM = "dicom"
    AV = "av"  # audio or video; PyAV decides which from the streams
    PCD = "pcd"
    NPY = "npy"
    KITTI_BIN = "kitti_bin"
    HEIF = "heif"  # recognised only to say clearly that it is not supported


# (offset, signature, container, mime); the first match wins
_SIGNATURES: tuple[tuple[int, bytes, Container, str], ...] = (
    (128, b"DICM", Container.DICOM, "application/dicom"),
    (0, b"\xff\xd8\xff", Container.IMAGE, "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", Container.IMAGE, "image/png"),
    (0, b"GIF87a", Container.IMAGE, "image/gif"),
    (0, b"GIF89a", Container.IMAGE, "image/gif"),
    (0, b"II*\x00", Container.IMAGE, "image/tiff"),
    (0, b"MM\x00*", Container.IMAGE, "image/tiff"),
    (0, b"BM", Container.IMAGE, "image/bmp"),
    (0, b"\x93NUMPY", Container.NPY, "application/x-npy"),
    (0, b"fLaC", Container.AV, "audio/flac"),
    (0, b"OggS", Container.AV, "audio/ogg"),
    (0, b"ID3", Container.AV, "audio/mpeg"),
    (0, b"\x1a\x45\xdf\xa3", Container.AV, "video/webm"),
)

# HEIF/HEIC stills (phones): Pillow cannot decode them without a plugin
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})

_PCD_HEADER_KEYS = (b"VERSION", b"FIELDS", b"SIZE", b"TYPE", b"COUNT", b"WIDTH")


def read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def sniff(head: bytes, name: str, size: int) -> tuple[Container, str] | None:
    """The container and MIME type of a file from its first bytes, or None when unknown."""
    for offset, signature, container, mime in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if mime == "video/webm" and b"matroska" in head[:64]:
                return container, "video/x-matroska"
            return container, mime
    riff = _sniff_riff(head)
    if riff is not None:
        return riff
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return Container.IMAGE, "image/avif"
        if brand in _HEIF_BRANDS:
            return Container.HEIF, "image/heic"
        if brand in (b"M4A ", b"M4B "):
            return Container.AV, "audio/mp4"
        if brand == b"qt  ":
            return Container.AV, "video/quicktime"
        return Container.AV, "video/mp4"
    if _looks_like_adts(head):
        return Container.AV, "audio/aac"
    if _looks_like_mpeg_audio(head):
        return Container.AV, "audio/mpeg"
    if _looks_like_pcd(head):
        return Container.PCD, "application/x-pcd"
    if name.lower().endswith(".bin") and size > 0 and size % 16 == 0:
        return Container.KITTI_BIN, "application/x-kitti-velodyne"
    return None


def _sniff_riff(head: bytes) -> tuple[Container, str] | None:
    if head[:4] != b"RIFF":
        return None
    form = head[8:12]
    if form == b"WAVE":
        return Container.AV, "audio/wav"
    if form == b"WEBP":
        return Container.IMAGE, "image/webp"
    if form == b"AVI ":
        return Container.AV, "video/x-msvideo"
    return None


def _looks_like_adts(head: bytes) -> bool:
    # raw AAC: 12 sync bits, then MPEG version, layer 00 (which MPEG audio never uses)
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xF6) == 0xF0


def _looks_like_mpeg_audio(head: bytes) -> bool:
    # an MPEG audio frame header starts with 11 set sync bits; layer bits 00 are reserved
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0


def _looks_like_pcd(head: bytes) -> bool:
    for raw in head.split(b"\n"):
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        return line.split(b" ", 1)[0] in _PCD_HEADER_KEYS
    return False
