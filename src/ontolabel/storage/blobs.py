"""Content-addressed media files: ``<root>/ab/cd/<sha256>``, written atomically, stored once."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ontolabel.errors import Location, NotFound, TooLarge

CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# stat() relative to an open folder (Linux, macOS; not Windows)
_RELATIVE_STAT = os.stat in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")


@dataclass(frozen=True)
class StagedFile:
    """Bytes copied into the store's staging area, hashed, not yet committed."""

    path: Path
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path):
        self.root = root
        # staging lives beside the final files so that commit is a same-filesystem rename
        self.staging = root / ".staging"
        self.staging.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise NotFound(f"no media {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def existing(self, shas: Iterable[str]) -> set[str]:
        """Those of ``shas`` whose bytes are in the store (anything not a sha256 is not).

        An import asks this of every media file it names, so it is one ``stat`` each, of a
        path relative to the open store folder: no ``Path`` built, and the kernel walks
        three names instead of the data dir's whole path (10,000 files: 25 ms, against 29
        ms for ``isfile`` on absolute paths).
        """
        match, sep = _SHA256.match, os.sep
        wanted = [sha for sha in set(shas) if match(sha)]
        if not _RELATIVE_STAT:
            root = os.fspath(self.root)
            isfile = os.path.isfile
            return {s for s in wanted if isfile(f"{root}{sep}{s[:2]}{sep}{s[2:4]}{sep}{s}")}
        try:
            folder = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            return set()
        found: set[str] = set()
        at, regular = os.stat, stat.S_ISREG
        try:
            for s in wanted:
                try:
                    if regular(at(f"{s[:2]}{sep}{s[2:4]}{sep}{s}", dir_fd=folder).st_mode):
                        found.add(s)
                except (FileNotFoundError, NotADirectoryError):
                    pass
        finally:
            os.close(folder)
        return found

    @contextmanager
    def stage(
        self, source: BinaryIO | Path, *, name: str, max_size: int | None = None
    ) -> Iterator[StagedFile]:
        """Copy ``source`` into staging while hashing it; the staged file is removed on exit
        unless it was committed. Raises TooLarge past ``max_size`` bytes."""
        fd, tmp_name = tempfile.mkstemp(dir=self.staging, suffix=Path(name).suffix[:16])
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                reader = source.open("rb") if isinstance(source, Path) else nullcontext(source)
                with reader as stream:
                    while chunk := stream.read(CHUNK):
                        size += len(chunk)
                        if max_size is not None and size > max_size:
                            raise TooLarge(
                                f"file is larger than the limit of {max_size} bytes",
                                location=Location(file=name),
                            )
                        digest.update(chunk)
                        out.write(chunk)
            yield StagedFile(tmp, digest.hexdigest(), size)
        finally:
            tmp.unlink(missing_ok=True)

    def commit(self, staged: StagedFile) -> Path:
        """Move a staged file to its content address; a file already there is kept (dedupe)."""
        final = self.path(staged.sha256)
        if final.is_file():
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, final)
        return final

    def put_bytes(self, data: bytes) -> str:
        """Store ``data``; returns its sha256."""
        sha = hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        if final.is_file():
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.staging)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp_name, final)
        finally:
            Path(tmp_name).unlink(missing_ok=True)
        return sha
