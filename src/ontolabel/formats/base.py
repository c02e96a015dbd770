"""What every format plugin is and carries: records of core types, detection, error policy.

A format reads a file into a stream of ``ImportRecord`` (one item with its annotations each)
and writes a stream of ``ExportRecord`` to a binary stream. Records hold core types only, so a
format knows nothing of the database, and the transfer use cases know nothing of the file.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ontolabel.core.annotation import Annotation, AnnotationSource
from ontolabel.core.item import (
    MAX_EXTERNAL_ID,
    ItemContent,
    MediaInfo,
    MediaInfoJson,
    as_media_info,
)
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, Location, Violation
from ontolabel.formats.media import MediaSource
from ontolabel.formats.violations import violations_from

AnnotationStatus = Literal["draft", "submitted"]
ErrorMode = Literal["fail", "collect"]
# what ``read`` takes: one file, or a folder (a dataset tree; uploads arrive as a zip of it)
InputKind = Literal["file", "folder"]


@dataclass(frozen=True)
class Detection:
    """How sure a format is that it can read a file (0 = certainly not, 1 = certainly)."""

    confidence: float
    reason: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is outside 0..1")


class ErrorPolicy:
    """Where readers report bad records.

    ``fail``: the caller reads everything first and refuses the whole file if anything was
    reported, so the user sees every problem at once and nothing is written.
    ``collect``: bad records are reported and skipped, good ones go on.
    Readers behave the same in both modes (report and skip); the mode is for the caller.
    """

    def __init__(self, mode: ErrorMode = "fail") -> None:
        if mode not in ("fail", "collect"):
            raise ValueError(f"unknown error policy {mode!r}: use 'fail' or 'collect'")
        self.mode: ErrorMode = mode
        self.violations: list[Violation] = []

    def report(self, message: str, location: Location) -> None:
        self.violations.append(_brief(Violation(message, location)))

    def extend(self, violations: Iterable[Violation]) -> None:
        self.violations.extend(_brief(v) for v in violations)

    @property
    def failed(self) -> bool:
        return self.mode == "fail" and bool(self.violations)

    def raise_if_failed(self, what: str) -> None:
        if self.failed:
            n = len(self.violations)
            raise FormatError(
                f"{what}: {n} problem{'s' if n != 1 else ''}, nothing was imported",
                self.violations,
                hint="fix the file, or import with errors=collect to skip the bad records",
            )


# a problem's message is read by a person: a quoted 40 MB line is no use to them (and would
# make a 40 MB error reply), so what a message quotes is cut past this many characters; an
# item id is cut only when it is longer than any id kept (clients match problems by it)
MAX_MESSAGE = 300
MAX_ITEM = MAX_EXTERNAL_ID


def _cut(text: str, limit: int) -> str:
    # head and tail: a message's reason usually follows what it quotes
    keep = limit - 40
    head, tail = keep * 3 // 4, keep // 4
    return f"{text[:head]}…[{len(text) - head - tail:,} characters]…{text[-tail:]}"


def _brief(v: Violation) -> Violation:
    loc = v.location
    if len(v.message) <= MAX_MESSAGE and (loc.item is None or len(loc.item) <= MAX_ITEM):
        return v
    item = loc.item if loc.item is None or len(loc.item) <= MAX_ITEM else _cut(loc.item, MAX_ITEM)
    message = v.message if len(v.message) <= MAX_MESSAGE else _cut(v.message, MAX_MESSAGE)
    return Violation(message, Location(file=loc.file, line=loc.line, item=item, path=loc.path))


@dataclass(slots=True)
class MediaRef:
    """A media file an imported item refers to (treat it as immutable: it is not frozen
    only because a frozen dataclass costs ~2 us more to build, once per file of an import).

    ``sha256``/``info`` are set when the file says exactly which bytes it means (canonical
    JSONL); ``paths()`` are where the bytes may be found, in order of preference: the
    ``candidates`` given, then each of ``relative`` under ``folder``. A reader that often
    names bytes the store already has gives ``folder``/``relative``, so that no path is
    built unless the bytes are missing (an import of many items mostly never looks).
    """

    name: str
    sha256: str | None = None
    info: MediaInfo | MediaInfoJson | None = None
    candidates: tuple[Path, ...] = ()
    # the size the file claims the image has (e.g. COCO width/height), checked after probing
    width: int | None = None
    height: int | None = None
    folder: Path | None = None
    relative: tuple[str, ...] = ()
    # the file's bytes, for formats that embed them (LabelMe's base64 imageData); used when
    # no file is found at ``paths()``
    data: bytes | None = field(default=None, repr=False, compare=False)

    def paths(self) -> Iterator[Path]:
        """Where the bytes may be found, in order of preference (built as asked for)."""
        yield from self.candidates
        if self.folder is not None:
            for name in self.relative:
                yield self.folder / name


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotator's current work on one item."""

    document: Annotation
    user: str | None = None  # None: the user who runs the import
    status: AnnotationStatus = "submitted"
    revision: int = 1
    source: AnnotationSource = "human"
    # where each object came from in the file (e.g. COCO's "annotations[12]"), so a problem
    # found later (by the ontology) points into the file; empty when the record's own path
    # (annotations[i].document.objects[k]) already does
    origins: tuple[str, ...] = field(default=(), compare=False)


@dataclass(slots=True)
class BareItems:
    """A run of records that are items and nothing else: no annotations, every media file
    named exactly (sha256 and its probed info as ``MediaInfoJson``). Most of a large import
    of a canonical export is such records; a reader hands them over as columns, so the
    import builds no record per item unless one needs a closer look (``record``).

    Column ``i`` of every list is the ``i``-th record. Each file may also lie in the
    import's tree as ``media/<sha256>`` or under its name, beside ``file`` in ``folder``.
    """

    file: str
    folder: Path
    lines: list[int] = field(default_factory=list)
    modalities: list[Modality] = field(default_factory=list)
    external_ids: list[str | None] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    metas: list[dict[str, Any]] = field(default_factory=list)
    media: list[list[MediaInfoJson]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def record(self, i: int) -> ImportRecord:
        """The ``ImportRecord`` the ``i``-th record stands for."""
        external_id = self.external_ids[i]
        folder = self.folder
        return ImportRecord(
            location=Location(file=self.file, line=self.lines[i], item=external_id),
            modality=self.modalities[i],
            external_id=external_id,
            media=[
                MediaRef(
                    name=info.name,
                    sha256=info.sha256,
                    info=info,
                    width=info.width,
                    height=info.height,
                    folder=folder,
                    relative=(f"media/{info.sha256}", info.name),
                )
                for info in self.media[i]
            ],
            text=self.texts[i],
            meta=self.metas[i],
        )

    def records(self) -> Iterator[ImportRecord]:
        return (self.record(i) for i in range(len(self.lines)))


def content_external_id(fmt: str, text: str, place: object) -> str:
    """An external id for a record of a format that has none (CoNLL, spaCy): from its text
    and its place in the file, so importing the same file again finds the items it made
    (a no-op, or new revisions of their labels) instead of adding copies, and identical
    documents at different places stay apart."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{fmt}:{digest}:{place}"


# ``meta[SUBSET]`` is the dataset split an item belongs to ("train", "val", ...): readers
# of formats with splits (YOLO, VOC, CVAT) set it, their writers lay items out by it
SUBSET = "subset"


@dataclass
class ImportRecord:
    """One item read from a file, with its annotations and where it was found."""

    location: Location
    modality: Modality
    external_id: str | None = None
    media: list[MediaRef] = field(default_factory=list)
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    annotations: list[AnnotationRecord] = field(default_factory=list)

    def content(self, media: Sequence[MediaInfo | MediaInfoJson]) -> ItemContent:
        """The item's content once its media files are resolved (in the order of ``media``)."""
        return ItemContent(
            modality=self.modality,
            media=[as_media_info(m) for m in media],
            text=self.text,
            meta=self.meta,
        )


@dataclass(frozen=True)
class ExportRecord:
    """One stored item, as the exporter sees it."""

    item_id: int
    external_id: str | None
    content: ItemContent
    annotations: list[AnnotationRecord] = field(default_factory=list)


@dataclass
class WriteStats:
    items: int = 0
    objects: int = 0
    # what the format could not carry (e.g. a polyline in COCO), one entry each
    skipped: list[Violation] = field(default_factory=list)
    # what was written in a lesser form (a polygon as its box in YOLO detect), said once a kind
    changed: list[Violation] = field(default_factory=list)

    def skip(self, message: str, record: ExportRecord, path: str | None = None) -> None:
        """Record that (part of) ``record`` was not written, and why; ``path`` points into
        the item (``objects[2]``). The item is named by its external id, else its id."""
        item = record.external_id if record.external_id is not None else str(record.item_id)
        self.skipped.append(Violation(message, Location(item=item, path=path)))


class FormatOptions(BaseModel):
    """Base of each format's export options (one typed model per format)."""

    model_config = ConfigDict(extra="forbid")


OptionsT = TypeVar("OptionsT", bound=FormatOptions)


class Format(ABC, Generic[OptionsT]):
    """A registered file format. Subclasses set the class attributes and implement the rest."""

    name: ClassVar[str]
    title: ClassVar[str]
    extension: ClassVar[str]  # of exported files, with the dot
    media_type: ClassVar[str]  # of exported files
    modalities: ClassVar[frozenset[Modality]]
    kinds: ClassVar[frozenset[GeometryKind]]
    options_model: type[OptionsT]
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True
    # what ``detect`` and ``read`` are given; the registry never hands a format the other kind
    inputs: ClassVar[frozenset[InputKind]] = frozenset({"file"})

    @abstractmethod
    def detect(self, path: Path) -> Detection:
        """Cheaply guess whether ``path`` is in this format (reads at most the file's head,
        or a folder's listing and a few small files)."""

    @abstractmethod
    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        """Yield the good records of ``path``; report every bad one to ``policy``."""

    def read_batches(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord | BareItems]:
        """``read``, with runs of bare item records as ``BareItems`` where the format can
        tell them cheaply (an import takes this; ``read`` is the same records one by one)."""
        return self.read(path, policy)

    @abstractmethod
    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: OptionsT,
        media: MediaSource | None = None,
    ) -> WriteStats:
        """Stream ``records`` into ``out`` (never holding them all in memory). ``media``
        opens stored files by sha256, for formats that can bundle them (None: not offered)."""

    def parse_options(self, options: Mapping[str, Any] | BaseModel | None) -> OptionsT:
        """This format's options from a mapping (query string, CLI flags) or a model."""
        if isinstance(options, self.options_model):
            return options
        raw = options.model_dump() if isinstance(options, BaseModel) else dict(options or {})
        try:
            return self.options_model.model_validate(raw)
        except ValidationError as exc:
            raise FormatError(
                f"invalid options for format {self.name!r}", violations_from(exc, Location())
            ) from exc

    def lost_kinds(
        self, modality: Modality, kinds: Iterable[GeometryKind]
    ) -> frozenset[GeometryKind]:
        """The geometry kinds of a project this format cannot carry (all, if not the modality)."""
        wanted = frozenset(kinds)
        if modality not in self.modalities:
            return wanted
        return wanted - self.kinds

    def describe(self) -> dict[str, Any]:
        """What ``GET /api/formats`` shows about this format."""
        return {
            "name": self.name,
            "title": self.title,
            "extension": self.extension,
            "media_type": self.media_type,
            "modalities": sorted(m.value for m in self.modalities),
            "kinds": sorted(k.value for k in self.kinds),
            "can_import": self.can_read,
            "can_export": self.can_write,
            "inputs": sorted(self.inputs),
            "options_schema": self.options_model.model_json_schema(),
        }
