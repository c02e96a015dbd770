"""Unpacking an uploaded zip: names as their authors wrote them, nothing outside the folder,
no zip bombs."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.errors import FormatError, NotFound, TooLarge
from ontolabel.formats.archive import (
    RATIO_FLOOR,
    ZipTree,
    _plain,
    _small_member,
    is_archive,
    unpack,
)


class _LegacyInfo(zipfile.ZipInfo):
    """Stores its UTF-8 name without the UTF-8 flag, as Info-ZIP's zip does."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def _legacy_zip(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(_LegacyInfo(name), data)
    with zipfile.ZipFile(path) as archive:
        assert not archive.infolist()[0].flag_bits & 0x800  # the case under test


def test_utf8_names_without_the_flag_are_read_as_utf8(tmp_path: Path) -> None:
    packed = tmp_path / "legacy.zip"
    _legacy_zip(packed, "images/東京 café.jpg", b"x")
    root = unpack(packed, tmp_path / "out")
    assert [p.name for p in root.rglob("*.jpg")] == ["東京 café.jpg"]


def test_a_single_top_folder_is_the_root(tmp_path: Path) -> None:
    packed = tmp_path / "coco8.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("coco8/labels/a.txt", "0 0.5 0.5 0.1 0.1\n")
        archive.writestr("__MACOSX/coco8/._a.txt", "junk")
    root = unpack(packed, tmp_path / "out")
    assert root.name == "coco8" and (root / "labels" / "a.txt").is_file()
    assert not (tmp_path / "out" / "__MACOSX").exists()


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "C:/x.txt", "a/../../b.txt"])
def test_members_outside_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    packed = tmp_path / "evil.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr(name, "x")
    with pytest.raises(FormatError, match="outside the archive"):
        unpack(packed, tmp_path / "out")


def test_a_zip_bomb_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    packed = tmp_path / "bomb.zip"
    block = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("a.txt", "w") as member,
    ):
        for _ in range(RATIO_FLOOR // len(block) + 1):
            member.write(block)
    with pytest.raises(TooLarge, match="zip bomb"):
        unpack(packed, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_damaged_archive_is_a_format_error(tmp_path: Path) -> None:
    packed = tmp_path / "cut.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("a.txt", "hello " * 1000)
    packed.write_bytes(packed.read_bytes()[:40])
    assert is_archive(packed)  # by its first bytes: an upload cut short is still a zip
    with pytest.raises(FormatError) as refused:
        unpack(packed, tmp_path / "out")
    assert refused.value.message.startswith("the zip archive is damaged or cut short")
    assert refused.value.hint == "make or download the archive again"
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"PK is how this text starts")
    assert not is_archive(plain)


class _Store:
    def __init__(self, blobs: dict[str, bytes]) -> None:
        self.blobs = blobs

    def open(self, sha256: str) -> BinaryIO:
        if sha256 not in self.blobs:
            raise NotFound(f"no media {sha256}")
        return io.BytesIO(self.blobs[sha256])


def test_bundled_media_are_copied_or_the_reason_is_given(tmp_path: Path) -> None:
    out = io.BytesIO()
    with ZipTree(out) as tree:
        assert tree.bundle("images/東京.jpg", "a", _Store({"a": b"pixels"})) is None
        assert tree.bundle("images/b.jpg", "b", _Store({})) == "no media b"
        assert tree.bundle("images/c.jpg", "a", None) == "no media store to copy from"
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["images/東京.jpg"]
        assert archive.read("images/東京.jpg") == b"pixels"


class _Unseekable(io.RawIOBase):
    """An HTTP response: written in order, never sought."""

    def __init__(self) -> None:
        self.data = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        return self.data.write(b)  # type: ignore[arg-type]


@pytest.mark.parametrize("seekable", [True, False])
def test_members_small_large_and_streamed_read_back(seekable: bool) -> None:
    """Small members are written past zipfile's writestr (their header final at once); they
    mix with zipfile's own members, on an output that can seek or not."""
    out: BinaryIO = io.BytesIO() if seekable else _Unseekable()  # type: ignore[assignment]
    expected = {
        "labels/東京.txt": b"0 0.5 0.5 0.1 0.1\n",
        "labels/empty.txt": b"",
        "labels/large.txt": bytes(range(256)) * 64,
        "labels/after.txt": b"1 0.2 0.2 0.1 0.1\n",
    }
    with ZipTree(out) as tree:
        tree.write_text("labels/東京.txt", expected["labels/東京.txt"].decode())
        tree.write_bytes("labels/empty.txt", b"")
        with tree.open("images/streamed.bin") as member:
            member.write(b"x" * 100_000)
        tree.write_bytes("labels/large.txt", expected["labels/large.txt"])
        tree.write_bytes("labels/after.txt", expected["labels/after.txt"])
        with pytest.raises(ValueError, match="written twice"):
            tree.write_bytes("labels/after.txt", b"")
    raw = out.getvalue() if isinstance(out, io.BytesIO) else out.data.getvalue()  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.testzip() is None
        assert {n: archive.read(n) for n in expected} == expected
        assert archive.read("images/streamed.bin") == b"x" * 100_000
        info = archive.getinfo("labels/東京.txt")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.flag_bits & 0x800


@pytest.mark.parametrize("seekable", [True, False])
def test_members_written_together_are_the_members_written_one_by_one(seekable: bool) -> None:
    members = [
        ("labels/a.txt", b"0 0.5 0.5 0.1 0.1\n"),
        ("labels/東京.txt", b""),
        ("labels/large.txt", bytes(range(256)) * 64),  # past SMALL_MEMBER: zipfile's way
        ("labels/b.txt", b"1 0.2 0.2 0.1 0.1\n" * 3),
    ]

    def archive(together: bool) -> bytes:
        out: BinaryIO = io.BytesIO() if seekable else _Unseekable()  # type: ignore[assignment]
        with ZipTree(out) as tree:
            tree.write_text("obj.names", "Car\n")
            if together:
                tree.write_many(members)
            else:
                for name, data in members:
                    tree.write_bytes(name, data)
            tree.write_many([])
            tree.write_text("obj.data", "classes = 1\n")
        return out.getvalue() if isinstance(out, io.BytesIO) else out.data.getvalue()  # type: ignore[attr-defined,no-any-return]

    raw = archive(together=True)
    assert raw == archive(together=False)
    with zipfile.ZipFile(io.BytesIO(raw)) as read:
        assert read.testzip() is None
        assert [(n, read.read(n)) for n, _ in members] == members
        assert read.namelist() == ["obj.names", *(n for n, _ in members), "obj.data"]


@pytest.mark.parametrize(
    ("name", "data"),
    [("labels/a.txt", b"0 0.5 0.5 0.1 0.1\n"), ("labels/東京 café.txt", b""), ("a", b"x" * 4096)],
)
def test_small_members_have_the_local_header_zipfile_writes(name: str, data: bytes) -> None:
    member, _, crc, packed, size, _ = _small_member(name, data)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size, info.compress_size, info.CRC = len(data), packed, zlib.crc32(data)
    header = info.FileHeader(False)
    assert (crc, size) == (info.CRC, len(data))
    assert member[: len(header)] == header
    assert zlib.decompress(member[len(header) :], -15) == data


NAMES = st.text(alphabet="ab./\\:東 ", max_size=12)


@given(NAMES)
def test_a_member_name_taken_as_it_is_is_its_normal_path(name: str) -> None:
    # the substring test may send a plain name the long way, never a name that is not plain
    if _plain(name):
        assert str(PurePosixPath(name)) == name and ".." not in PurePosixPath(name).parts


def _reference(out: BinaryIO, steps: list[tuple[str, str, bytes]]) -> None:
    """``steps`` written as before small members had their own central directory: each
    small member's bytes (_small_member's) with a ZipInfo for zipfile to list at close."""
    archive: Any = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
    for kind, name, data in steps:
        if kind == "small":
            member = _small_member(name, data)
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.file_size, info.compress_size, info.CRC = len(data), member[3], zlib.crc32(data)
            if archive._seekable:
                archive.fp.seek(archive.start_dir)
            info.header_offset = archive.fp.tell()
            archive.fp.write(member[0])
            archive.filelist.append(info)
            archive.NameToInfo[name] = info
            archive.start_dir = archive.fp.tell()
            archive._didModify = True
        elif kind == "large":
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
        else:  # streamed, stored
            info = zipfile.ZipInfo(name)
            with archive.open(info, "w", force_zip64=True) as stream:
                stream.write(data)
    archive.close()


def _tree(out: BinaryIO, steps: list[tuple[str, str, bytes]]) -> None:
    with ZipTree(out) as tree:
        for kind, name, data in steps:
            if kind in ("small", "large"):
                tree.write_bytes(name, data)
            else:
                tree.copy_from(name, io.BytesIO(data))


@pytest.mark.parametrize("seekable", [True, False])
@pytest.mark.parametrize("many", [False, True])
def test_the_central_directory_is_the_one_zipfile_writes(seekable: bool, many: bool) -> None:
    steps = [
        ("streamed", "images/a.jpg", b"\xff\xd8" * 3000),
        ("small", "labels/a.txt", b"0 0.5 0.5 0.1 0.1\n"),
        ("small", "labels/東京 café.txt", b""),
        ("large", "labels/large.txt", bytes(range(256)) * 64),
        ("small", "labels/b.txt", b"1 0.2 0.2 0.1 0.1\n" * 3),
        ("streamed", "train.txt", b"data/images/a.jpg\n"),
    ]
    if many:  # past 65,535 members: the zip64 end records
        steps += [("small", f"labels/{i}.txt", b"") for i in range(70_000)]
        steps.append(("streamed", "last.bin", b"x"))
    written = []
    for write in (_reference, _tree):
        out: Any = io.BytesIO() if seekable else _Unseekable()
        write(out, steps)
        written.append(out.getvalue() if seekable else out.data.getvalue())
    assert written[1] == written[0]
    with zipfile.ZipFile(io.BytesIO(written[1])) as archive:
        assert archive.testzip() is None
        assert len(archive.infolist()) == len(steps)


def test_a_name_held_twice_is_refused(tmp_path: Path) -> None:
    packed = tmp_path / "twice.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("a.txt", "first")
        with pytest.warns(UserWarning):  # zipfile itself frowns on it
            archive.writestr("a.txt", "second")
    with pytest.raises(FormatError) as refused:
        unpack(packed, tmp_path / "out")
    assert refused.value.message == "the archive holds 'a.txt' twice"
