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
    """Whether ``path`` is a zip archive (by its bytes, not its name). A file that starts
    as a zip does but lost its end (an upload cut short) counts: unpacking it then says
    the archive is damaged, where reading it as some format would only puzzle."""
    if not path.is_file():
        return False
    if zipfile.is_zipfile(path):
        return True
    with path.open("rb") as f:
        return f.read(4) == b"PK\x03\x04"


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
            f"the zip archive is damaged or cut short ({exc})",
            location=Location(file=shown),
            hint="make or download the archive again",
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
        written: set[PurePosixPath] = set()
        for member in members:
            relative = _member_path(_decoded_name(member), shown)
            if not relative.parts or relative.parts[0] == "__MACOSX":
                continue
            if relative in written and not member.is_dir():
                # zip lets a name repeat; which copy is meant cannot be known
                raise FormatError(
                    f"the archive holds {member.filename!r} twice",
                    location=Location(file=shown),
                    hint="make the archive again with each file once",
                )
            written.add(relative)
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


# What zipfile's ZipInfo holds for a member given by its name alone (the versions and the
# system that made it, 1980-01-01 00:00, no extra field): the fields of small members
_DEFAULT = zipfile.ZipInfo("member")
_DOS_TIME = _DEFAULT.date_time[3] << 11 | _DEFAULT.date_time[4] << 5 | _DEFAULT.date_time[5] // 2
_DOS_DATE = (_DEFAULT.date_time[0] - 1980) << 9 | _DEFAULT.date_time[1] << 5 | _DEFAULT.date_time[2]
_PERMISSIONS = 0o600 << 16  # as zipfile sets them: ?rw-------
_UTF8_NAME = 0x800
# local header: signature, version, reserved, flags, method, time, date, CRC, sizes, lengths
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
# central directory entry: signature, versions and system, reserved, flags, method, time,
# date, CRC, sizes, lengths of name, extra and comment, disk, attributes, header offset
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_ZIP64_LIMIT = (1 << 31) - 1  # zipfile's ZIP64_LIMIT: past it, the zip64 extra field
_ZIP64_VERSION, _BZIP2_VERSION, _LZMA_VERSION = 45, 46, 63
_MEMBERS_LIMIT = (1 << 16) - 1  # past it, the zip64 end records
# a small member as _write_small takes it: its local header and data, and its flags, CRC,
# sizes and UTF-8 name for its central directory entry
Small = tuple[bytes, int, int, int, int, bytes]


def _small_member(name: str, data: bytes) -> Small:
    """A member of at most SMALL_MEMBER bytes, deflated in one go with a 4 KB window at
    SMALL_LEVEL: its local header is the bytes ZipInfo(name).FileHeader(False) gives for
    it, without that method's general cases (a data descriptor, zip64, other methods),
    which cost as much as deflating a label file."""
    packer = zlib.compressobj(SMALL_LEVEL, zlib.DEFLATED, -12, 4)
    packed = packer.compress(data) + packer.flush()
    crc = zlib.crc32(data)
    if name.isascii():
        raw, flags = name.encode("ascii"), _DEFAULT.flag_bits
    else:
        raw, flags = name.encode("utf-8"), _DEFAULT.flag_bits | _UTF8_NAME
    header = _LOCAL_HEADER.pack(
        b"PK\003\004",
        _DEFAULT.extract_version,
        _DEFAULT.reserved,
        flags,
        zipfile.ZIP_DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        crc,
        len(packed),
        len(data),
        len(raw),
        0,
    )
    return header + raw + packed, flags, crc, len(packed), len(data), raw


def _small_entry(member: Small, offset: int) -> bytes:
    """The central directory entry of a small member whose local header is at ``offset``,
    as zipfile writes it for the ZipInfo of such a member."""
    _, flags, crc, packed, size, raw = member
    needed, made_by, extra = _DEFAULT.extract_version, _DEFAULT.create_version, b""
    if offset > _ZIP64_LIMIT:  # the offset in a zip64 extra field
        extra, offset = struct.pack("<HHQ", 1, 8, offset), 0xFFFFFFFF
        needed, made_by = max(_ZIP64_VERSION, needed), max(_ZIP64_VERSION, made_by)
    entry = _CENTRAL.pack(
        b"PK\001\002",
        made_by,
        _DEFAULT.create_system,
        needed,
        _DEFAULT.reserved,
        flags,
        zipfile.ZIP_DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        crc,
        packed,
        size,
        len(raw),
        len(extra),
        0,
        0,
        _DEFAULT.internal_attr,
        _PERMISSIONS,
        offset,
    )
    return entry + raw + extra


def _zipfile_entry(info: zipfile.ZipInfo) -> bytes:
    """The central directory entry zipfile's ZipFile.close writes for a member it wrote
    itself (the same steps, for its ZipInfo)."""
    year, month, day, hour, minute, second = info.date_time
    zip64: list[int] = []
    file_size, compress_size, offset = info.file_size, info.compress_size, info.header_offset
    if file_size > _ZIP64_LIMIT or compress_size > _ZIP64_LIMIT:
        zip64 += [file_size, compress_size]
        file_size = compress_size = 0xFFFFFFFF
    if offset > _ZIP64_LIMIT:
        zip64.append(offset)
        offset = 0xFFFFFFFF
    extra, least = info.extra, 0
    if zip64:
        stripped: bytes = getattr(zipfile, "_strip_extra")(extra, (1,))  # noqa: B009
        extra = struct.pack("<HH" + "Q" * len(zip64), 1, 8 * len(zip64), *zip64) + stripped
        least = _ZIP64_VERSION
    if info.compress_type == zipfile.ZIP_BZIP2:
        least = max(_BZIP2_VERSION, least)
    elif info.compress_type == zipfile.ZIP_LZMA:
        least = max(_LZMA_VERSION, least)
    encoded: tuple[bytes, int] = getattr(info, "_encodeFilenameFlags")()  # noqa: B009
    name, flags = encoded
    entry = _CENTRAL.pack(
        b"PK\001\002",
        max(least, info.create_version),
        info.create_system,
        max(least, info.extract_version),
        info.reserved,
        flags,
        info.compress_type,
        hour << 11 | minute << 5 | second // 2,
        (year - 1980) << 9 | month << 5 | day,
        info.CRC,
        compress_size,
        file_size,
        len(name),
        len(extra),
        len(info.comment),
        0,
        info.internal_attr,
        info.external_attr,
        offset,
    )
    return entry + name + extra + info.comment


def _end_records(count: int, size: int, offset: int, comment: bytes) -> bytes:
    """The end of the archive after a central directory of ``count`` entries and ``size``
    bytes at ``offset``: zip64's end record and locator when these need them, and the end
    record, as ZipFile.close writes them."""
    records = b""
    if count > _MEMBERS_LIMIT or offset > _ZIP64_LIMIT or size > _ZIP64_LIMIT:
        records = struct.pack(
            "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset
        ) + struct.pack("<4sLQL", b"PK\x06\x07", 0, offset + size, 1)
        count, size, offset = min(count, 0xFFFF), min(size, 0xFFFFFFFF), min(offset, 0xFFFFFFFF)
    end = struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, count, count, size, offset, len(comment))
    return records + end + comment


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
            hasattr(self._zip, a) for a in ("_lock", "_writing", "_seekable", "_comment")
        ) and hasattr(zipfile, "_strip_extra")
        # Once a small member is written, the central directory is written here, not by
        # zipfile (which would need a ZipInfo per member, ~2 us each to make and write out,
        # and objects the garbage collector walks again and again): the entries of small
        # members made as they are written, zipfile's own members as their ZipInfo, in
        # the order of the archive
        self._directory: list[bytes | zipfile.ZipInfo] = []
        self._taken = 0  # zipfile's members in _directory

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
        small: list[Small] = []
        for name, data in members:
            member = self._claim(name)
            if len(data) > SMALL_MEMBER or not self._small_members:
                self._write_small(small)
                small = []
                self._zip.writestr(zipfile.ZipInfo(member), data, zipfile.ZIP_DEFLATED)
                continue
            small.append(_small_member(member, data))
        self._write_small(small)

    def _write_small(self, members: list[Small]) -> None:
        """Write members made by _small_member, in order, and keep their central directory
        entries. The sizes and CRC are known before a member is written, so its local
        header is final at once: written with the data in one go (zipfile writes a header,
        the data, then seeks back to fill the header in, or appends a descriptor when `out`
        cannot seek)."""
        if not members:
            return
        archive: Any = self._zip  # its private state is not in the stubs
        with archive._lock:
            if archive._writing:
                raise ValueError("a member of the archive is still open for writing")
            if not archive.fp:
                raise ValueError("the archive is closed")
            self._take_zipfile_members()
            # zipfile goes to start_dir before each member; after this method's own members
            # the file is there already (and a seek would flush its buffer each time)
            if archive._seekable and archive.start_dir != self._end:
                archive.fp.seek(archive.start_dir)
            offset = archive.fp.tell()
            for member in members:
                self._directory.append(_small_entry(member, offset))
                offset += len(member[0])
            archive._didModify = True
            archive.fp.write(b"".join([member[0] for member in members]))
            archive.start_dir = self._end = archive.fp.tell()

    def _take_zipfile_members(self) -> None:
        """Put the members zipfile has written since the last call in _directory."""
        written = self._zip.filelist
        self._directory += written[self._taken :]
        self._taken = len(written)

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
        archive: Any = self._zip
        if self._taken < len(self._directory) and archive.fp is not None:
            self._write_directory()
        archive.close()

    def _write_directory(self) -> None:
        """Write the central directory and the end records, as ZipFile.close does, and
        leave zipfile only its file to close."""
        archive: Any = self._zip
        if archive._writing:
            raise ValueError("a member of the archive is still open for writing")
        with archive._lock:
            self._take_zipfile_members()
            if archive._seekable:
                archive.fp.seek(archive.start_dir)
            directory = b"".join(
                [e if isinstance(e, bytes) else _zipfile_entry(e) for e in self._directory]
            )
            ends = _end_records(
                len(self._directory), len(directory), archive.start_dir, archive._comment
            )
            archive.fp.write(directory + ends)
            archive.fp.flush()
            archive._didModify = False  # written: zipfile's close is to write nothing

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
