"""How a writer reaches the bytes of an item's media, for formats that bundle them.

Formats know nothing of storage: the export use case hands the writer a ``MediaSource``
that opens stored files by sha256 (the blob store), and a format that packs images beside
its labels (a YOLO or VOC tree in a zip) copies them from there.
"""

from __future__ import annotations

from typing import BinaryIO, Protocol


class MediaSource(Protocol):
    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes of ``sha256``, for reading; ``NotFound`` if the store lacks them."""
        ...
