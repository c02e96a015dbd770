"""Datasets that are trees of files: read from a folder or a zip archive, written as a zip.

Many formats are a tree rather than one file (YOLO's ``labels/`` and ``images/``, VOC's
``Annotations/``, brat's ``.txt``/``.ann`` pairs). Readers take a folder; an uploaded zip is
unpacked into a fresh folder first by ``unpack`` (refusing members that would land outside
it, links, and archives that expand past a limit), so every reader sees a plain folder.
Writers put their tree into one zip with ``ZipTree``, member by member, never holding the
archive in memory.
"""

from __future__ import annotations

import shutil
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, BinaryIO

from ontolabel.errors import FormatError, Location, OntolabelError, TooLarge
from ontolabel.formats.media import MediaSource

# an archive expanding past this is refused before anything is written (zip bombs)
MAX_UNPACKED_BYTES = 20 * 1024**3
MAX_MEMBERS = 2_000_000
# ... and so is one that expands past MAX_RATIO times its size, once past RATIO_FLOOR:
# labels compress ~10-20x and images not at all, a bomb ~1000x
MAX_RATIO = 200
RATIO_FLOOR = 64 * 1024**2
COPY_CHUNK = 1 << 20
# a member up to this size is deflated in one go with a 4 KB window: its data fits in the
# window, so it packs as small as with zlib's 32 KB default, and setting up that default
# (~256 KB of state per member) costs more than deflating a label file; at level 1, which
# packs YOLO label files within 5% of level 6 in 3/4 of the time
SMALL_MEMBER = 4096
SMALL_LEVEL = 1


def is_archive(path: Path) -> bool:
    """Whether ``path`` is a zip archive (by its bytes, not its name)."""
    return path.is_file() and zipfile.is_zipfile(path)


def _member_path(name: str, file: str) -> PurePosixPath:
    member = PurePosixPath(name.replace("\\", "/"))
    if member.is_absolute() or ".." in member.parts or (member.parts and ":" in member.parts[0]):
        raise FormatError(
            f"archive member {name!r} would be written outside the archive's folder",
            location=Location(file=file),
            hint="make the archive again with paths relative to its root",
        )
    return member


def _plain(name: str) -> bool:
    """Whether ``name`` is already a normal relative POSIX path (as ``_member_path`` would
    give it back), so that no path object need be built for it."""
    # by substrings: no empty part ("//", a "/" first or last), none that starts with a
    # dot (so no "." or ".." part; a hidden name takes the long way, to the same result)
    return (
        bool(name)
        and name[0] not in "/."
        and name[-1] != "/"
        and "//" not in name
        and "/." not in name
        and "\\" not in name
        and ":" not in name
    )


def _decoded_name(member: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. Zip tools that do not set the UTF-8 flag
    (Info-ZIP's `zip` on Linux) still store UTF-8 bytes, which zipfile decodes as cp437
    (`東京.jpg` would become `µ¥▒Σ║¼.jpg`): such names are decoded again as UTF-8 when
    their bytes are valid UTF-8."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


def unpack(
    path: Path,
    dest: Path,
    *,
    name: str | None = None,
    max_bytes: int = MAX_UNPACKED_BYTES,
    max_members: int = MAX_MEMBERS,
) -> Path:
    """Unpack the zip ``path`` into the (new, empty) folder ``dest`` and return the dataset's
    root in it: ``dest`` itself, or its one top-level folder when the archive holds just
    that (``coco8.zip`` holding ``coco8/...``). ``name`` is what errors call the archive."""
    shown = name or path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(
            f"not a readable zip archive: {exc}", location=Location(file=shown)
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise TooLarge(
                f"the archive holds {len(members):,} members (at most {max_members:,})",
                location=Location(file=shown),
            )
        total = sum(m.file_size for m in members)
        if total > max_bytes:
            raise TooLarge(
                f"the archive unpacks to {total:,} bytes (at most {max_bytes:,})",
                location=Location(file=shown),
            )
        packed = max(path.stat().st_size, 1)
        if total > RATIO_FLOOR and total > MAX_RATIO * packed:
            raise TooLarge(
                f"the archive unpacks to {total:,} bytes, {total // packed:,} times its own "
                f"size: refused as a zip bomb (at most {MAX_RATIO}x past "
                f"{RATIO_FLOOR // 1024**2} MB)",
                location=Location(file=shown),
                hint="import the files themselves, or a zip that compresses less",
            )
        dest.mkdir(parents=True, exist_ok=True)
        for member in members:
            relative = _member_path(_decoded_name(member), shown)
            if not relative.parts or relative.parts[0] == "__MACOSX":
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                raise FormatError(
                    f"archive member {member.filename!r} is a symbolic link",
                    location=Location(file=shown),
                    hint="store the file itself in the archive",
                )
            target = dest.joinpath(*relative.parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as src, target.open("wb") as out:
                    shutil.copyfileobj(src, out, COPY_CHUNK)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise FormatError(
                    f"archive member {member.filename!r} cannot be read: {exc}",
                    location=Location(file=shown),
                ) from exc
    entries = [p for p in dest.iterdir() if p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def _small_member(info: zipfile.ZipInfo, data: bytes) -> bytes:
    """The local header and deflated data of a small member, ``info`` filled in: deflated in
    one go with a 4 KB window at SMALL_LEVEL (see SMALL_MEMBER)."""
    packer = zlib.compressobj(SMALL_LEVEL, zlib.DEFLATED, -12, 4)
    packed = packer.compress(data) + packer.flush()
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # as zipfile sets it: ?rw-------
    info.file_size, info.compress_size, info.CRC = len(data), len(packed), zlib.crc32(data)
    return _local_header(info) + packed


# a local file header: signature, versions, flags, method, time, date, CRC, sizes, lengths
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_UTF8_NAME = 0x800


def _local_header(info: zipfile.ZipInfo) -> bytes:
    """``info.FileHeader(False)`` for a deflated member of known sizes (what
    _small_member makes): the same bytes, without that method's general cases (a data
    descriptor, zip64, other methods), which cost as much as deflating a label file."""
    name = info.filename
    flags = info.flag_bits
    if name.isascii():
        raw = name.encode("ascii")
    else:
        raw, flags = name.encode("utf-8"), flags | _UTF8_NAME
    year, month, day, hour, minute, second = info.date_time
    header = _LOCAL_HEADER.pack(
        b"PK\003\004",
        info.extract_version,
        info.reserved,
        flags,
        info.compress_type,
        hour << 11 | minute << 5 | second // 2,
        (year - 1980) << 9 | month << 5 | day,
        info.CRC,
        info.compress_size,
        info.file_size,
        len(raw),
        len(info.extra),
    )
    return header + raw + info.extra


class ZipTree:
    """A dataset tree written into one zip archive on ``out``, member by member.

    Names are POSIX paths relative to the archive root, stored as UTF-8 (so ``東京.jpg``
    round-trips byte for byte). ``out`` may be unseekable (an HTTP response).
    """

    def __init__(self, out: BinaryIO, *, compress: bool = True):
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        self._zip = zipfile.ZipFile(out, "w", compression=method, allowZip64=True)
        self._names: set[str] = set()
        self._end = -1  # where the last small member ended
        # small members are written past zipfile's writestr, with zipfile's own state: only
        # where that state is the one this was written against
        self._small_members = all(
            hasattr(self._zip, a) for a in ("_lock", "_writing", "_seekable", "_writecheck")
        )

    def _claim(self, name: str) -> str:
        member = name if _plain(name) else str(_member_path(name, "export"))
        if member in self._names:
            raise ValueError(f"{member!r} is written twice into the archive")
        self._names.add(member)
        return member

    def __contains__(self, name: str) -> bool:
        return name in self._names

    def open(self, name: str) -> IO[bytes]:
        """A writable member (streamed: large members never sit in memory)."""
        return self._zip.open(zipfile.ZipInfo(self._claim(name)), "w", force_zip64=True)

    def write_bytes(self, name: str, data: bytes) -> None:
        self.write_many([(name, data)])

    def write_many(self, members: Iterable[tuple[str, bytes]]) -> None:
        """Write each (name, data) member, in order. Small members (most label files) are
        deflated at once and go out together in one write (see _small_member)."""
        pending: list[zipfile.ZipInfo] = []
        packed: list[bytes] = []
        for name, data in members:
            info = zipfile.ZipInfo(self._claim(name))
            if len(data) > SMALL_MEMBER or not self._small_members:
                self._write_small(pending, packed)
                pending, packed = [], []
                self._zip.writestr(info, data, zipfile.ZIP_DEFLATED)
                continue
            packed.append(_small_member(info, data))
            pending.append(info)
        self._write_small(pending, packed)

    def _write_small(self, infos: list[zipfile.ZipInfo], packed: list[bytes]) -> None:
        """Write members made by _small_member (their local header and data), in order.
        The sizes and CRC are known before a member is written, so its local header is
        final at once: written with the data in one go, as zipfile's own mkdir writes a
        member (zipfile writes a header, the data, then seeks back to fill the header in,
        or appends a descriptor when `out` cannot seek)."""
        if not infos:
            return
        archive: Any = self._zip  # its private state is not in the stubs
        with archive._lock:
            if archive._writing:
                raise ValueError("a member of the archive is still open for writing")
            # zipfile goes to start_dir before each member; after this method's own members
            # the file is there already (and a seek would flush its buffer each time)
            if archive._seekable and archive.start_dir != self._end:
                archive.fp.seek(archive.start_dir)
            # what zipfile checks of each member before it writes it: the archive's state
            # (the same for all) and a name written twice (which _claim has refused)
            archive._writecheck(infos[0])
            offset = archive.fp.tell()
            for info, member in zip(infos, packed, strict=True):
                info.header_offset = offset
                offset += len(member)
            archive._didModify = True
            archive.fp.write(b"".join(packed))
            archive.filelist.extend(infos)
            for info in infos:
                archive.NameToInfo[info.filename] = info
            archive.start_dir = self._end = archive.fp.tell()

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def copy_from(self, name: str, src: BinaryIO, *, compress: bool = False) -> None:
        """Copy ``src`` into member ``name`` (media are stored, not compressed, by default:
        JPEG and PNG do not shrink)."""
        info = zipfile.ZipInfo(self._claim(name))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with self._zip.open(info, "w", force_zip64=True) as member:
            shutil.copyfileobj(src, member, COPY_CHUNK)

    def bundle(self, name: str, sha256: str, media: MediaSource | None) -> str | None:
        """Copy the stored file ``sha256`` into member ``name``; None when done, else why it
        could not be (no store to copy from, the bytes missing or unreadable), for the
        writer to report: an export with a missing image is still an export of its labels."""
        if media is None:
            return "no media store to copy from"
        try:
            with media.open(sha256) as src:
                self.copy_from(name, src)
        except (OntolabelError, OSError) as exc:
            return str(exc)
        return None

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ZipTree:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def walk(root: Path, suffixes: tuple[str, ...] = ()) -> Iterator[Path]:
    """The files under ``root`` in a stable (sorted) order, optionally by suffix (lower case)."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and (not suffixes or path.suffix.lower() in suffixes):
            yield path
