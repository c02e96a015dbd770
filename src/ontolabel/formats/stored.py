"""Items for a writer with their annotation documents as the store keeps them (JSON).

Building an ``Annotation`` model for every stored document only to read its fields again
costs an export more than writing the file (5-6 us a box, 1,000,000 boxes in a large
project). A format whose writer can read the stored JSON itself implements
``StoredWriter``; the exporter then hands it ``StoredRecord``s, whose documents are the
decoded JSON of ``Annotation.model_dump(mode="json", exclude_none=True)``. Such a writer
must give the same file as its ``write`` would for the same items, and build the core model
of any part whose JSON it does not recognise as plainly valid (so that bad stored data is
refused as the models refuse it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol, TypeVar, runtime_checkable

from ontolabel.core.annotation import AnnotationSource
from ontolabel.core.item import ItemContent
from ontolabel.core.ontology import Ontology
from ontolabel.formats.base import AnnotationStatus, FormatOptions, WriteStats
from ontolabel.formats.media import MediaSource
from ontolabel.formats.selection import SelectionOptions


# The two records are built once per item of an export and only read after (treat them as
# immutable): plain slotted dataclasses, since a frozen one's __init__ sets each field
# through object.__setattr__, ~1 us more a record.
@dataclass(slots=True)
class StoredAnnotation:
    """One annotator's current work; ``document`` is the stored JSON of an ``Annotation``."""

    document: dict[str, Any]
    user: str | None = None
    status: AnnotationStatus = "submitted"
    revision: int = 1
    source: AnnotationSource = "human"


@dataclass(slots=True)
class StoredRecord:
    """One stored item: ``ExportRecord`` with the annotations in their stored form."""

    item_id: int
    external_id: str | None
    content: ItemContent
    annotations: list[StoredAnnotation] = field(default_factory=list)


@runtime_checkable
class StoredWriter(Protocol):
    """A format that writes ``StoredRecord``s (the exporter's choice when it has one)."""

    def write_stored(
        self,
        records: Iterable[StoredRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: FormatOptions,
        media: MediaSource | None = None,
    ) -> WriteStats: ...


class _Work(Protocol):
    @property
    def status(self) -> AnnotationStatus: ...
    @property
    def user(self) -> str | None: ...


Work = TypeVar("Work", bound=_Work)


def selected(options: SelectionOptions, annotations: Sequence[Work]) -> list[Work]:
    """``SelectionOptions.select`` for annotations in either form."""
    return [
        a
        for a in annotations
        if (options.status == "any" or a.status == "submitted")
        and (options.annotator is None or a.user == options.annotator)
    ]
