"""Content-addressed media files: ``<root>/ab/cd/<sha256>``, written atomically, stored once."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ontolabel.errors import Location, NotFound, TooLarge

CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


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

        One stat each on plain string paths: an import asks this of every media file it
        names, and building a ``Path`` per file cost more than the stat.
        """
        root, sep = os.fspath(self.root), os.sep
        isfile, match = os.path.isfile, _SHA256.match
        return {
            sha
            for sha in set(shas)
            if match(sha) and isfile(f"{root}{sep}{sha[:2]}{sep}{sha[2:4]}{sep}{sha}")
        }

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
