"""Import and export use cases: a file in a registered format <-> a project's items.

Import reads the file once, as a stream: each record is checked (modality, media, users,
the project's ontology) and the good ones go to ``items.add_items_bulk``, which writes them
in one transaction. With ``errors="fail"`` any bad record aborts that transaction at the end
of the file, so every problem is reported and nothing is written; with ``errors="collect"``
bad records are reported and skipped.

Export reads the project in keyset pages of items (bounded memory whatever its size) and
streams them through the format's writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, Location, MediaError, OntolabelError, Violation
from ontolabel.formats import (
    AnnotationRecord,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    MediaRef,
    WriteStats,
    detect_format,
    get_format,
)
from ontolabel.formats.base import ErrorMode
from ontolabel.services import annotations as annotating
from ontolabel.services import items, projects, users
from ontolabel.services.access import Role
from ontolabel.services.items import NewAnnotation, NewItem
from ontolabel.services.media import store_media
from ontolabel.services.workspace import Workspace
from ontolabel.storage.mappers import annotation_from_json, item_content, media_info_from_json
from ontolabel.storage.tables import (
    AnnotationRevisionRow,
    AnnotationRow,
    ItemMediaRow,
    ItemRow,
    UserRow,
)

# progress(done, total): records read (import) or items written (export); total when known
Progress = Callable[[int, int | None], None]
EXPORT_PAGE = 500
# records looked up together for items the project already has
LOOKUP_CHUNK = 500


@dataclass
class ImportReport:
    imported: int = 0  # items created
    skipped: int = 0  # bad records left out (collect mode)
    existing: int = 0  # records naming an item the project already has (by id or file name)
    updated: int = 0  # of those, items whose annotations the import changed (new revisions)
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        """The violations, under the name the REST API uses."""
        return self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "existing": self.existing,
            "updated": self.updated,
            "errors": [v.to_dict() for v in self.violations],
        }


class _Refused(Exception):
    """Raised at the end of a fail-mode import stream so the bulk insert rolls back."""


# --- import ---------------------------------------------------------------------------


def import_file(
    ws: Workspace,
    project_id: int,
    path: Path,
    fmt: str | None = "auto",
    *,
    user_id: int,
    errors: ErrorMode = "fail",
    progress: Progress | None = None,
    display_name: str | None = None,
) -> ImportReport:
    """Import ``path`` into the project; ``fmt`` "auto" (or None) detects the format.

    Media files are taken from the workspace's blob store (by sha256) or, for files on the
    server's disk (the CLI), looked up beside the import file; never for uploads spooled
    into the workspace, which must not reach other files. ``display_name`` names the file
    in errors (an upload's original name rather than its spool file).
    """
    path = Path(path)
    projects.check_role(ws, project_id, user_id=user_id, minimum=Role.OWNER)
    project = projects.get_project(ws, project_id, user_id=user_id)
    _, ontology = projects.current_ontology(ws, project_id)
    fmt_obj = detect_format(path) if fmt in (None, "auto") else get_format(str(fmt))
    if not fmt_obj.can_read:
        raise FormatError(f"format {fmt_obj.name!r} cannot be imported")
    shown = display_name or path.name
    policy = ErrorPolicy(errors)
    upload = path.resolve().is_relative_to(ws.tmp_dir.resolve())
    preparer = _Preparer(
        ws,
        project.modality,
        ontology,
        user_id,
        policy,
        media_root=None if upload else path.resolve().parent.parent,
    )
    report = ImportReport()
    updates: list[_Update] = []

    def stream() -> Iterator[NewItem]:
        done = 0
        for chunk in _chunks(fmt_obj.read(path, policy), LOOKUP_CHUNK):
            existing = preparer.find_existing(project_id, chunk)
            for record in chunk:
                done += 1
                if progress is not None:
                    progress(done, None)
                if id(record) in existing:
                    match = existing[id(record)]
                    if match is not None:
                        updates.extend(preparer.prepare_update(record, *match))
                        report.existing += 1
                    continue
                new = preparer.prepare(record)
                # in fail mode, once anything is wrong nothing will be written: only check on
                if new is not None and not (errors == "fail" and policy.violations):
                    yield new
        if policy.failed:
            raise _Refused

    try:
        result = items.add_items_bulk(ws, project_id, stream(), user_id=user_id, validate=False)
    except _Refused:
        result = None
    except OntolabelError as exc:
        raise _renamed(exc, path.name, shown) from None
    if result is None:
        violations = [_rename(v, path.name, shown) for v in policy.violations]
        n = len(violations)
        raise FormatError(
            f"{n} problem{'s' if n != 1 else ''}, nothing was imported",
            violations,
            location=Location(file=shown),
            hint="fix the file, or import with errors=collect to skip the bad records",
        )
    report.updated = _apply(ws, updates, policy)
    violations = [_rename(v, path.name, shown) for v in policy.violations]
    report.imported = result.created
    report.existing += result.skipped
    report.skipped = _records_with_problems(violations)
    report.violations = violations
    return report


def _chunks(records: Iterator[ImportRecord], size: int) -> Iterator[list[ImportRecord]]:
    while chunk := list(islice(records, size)):
        yield chunk


@dataclass(frozen=True)
class _Update:
    """Imported work for an item the project already has: saved as a new revision."""

    item_id: int
    annotation: NewAnnotation
    location: Location


def _apply(ws: Workspace, updates: list[_Update], policy: ErrorPolicy) -> int:
    """Save each update whose document or status differs from what is stored; a save that
    fails (the annotator is no member, a concurrent edit) is reported, the others go on."""
    changed: set[int] = set()
    for update in updates:
        new = update.annotation
        try:
            state = annotating.get_annotation(ws, update.item_id, user_id=new.user_id)
            if state.document == new.document and state.status == new.status:
                continue  # importing the same work again changes nothing
            annotating.save_annotation(
                ws,
                update.item_id,
                new.document,
                user_id=new.user_id,
                base_revision=state.revision,
                status=new.status,
                source=new.source,
            )
        except OntolabelError as exc:
            policy.report(f"not saved: {exc.message}", update.location)
            continue
        changed.add(update.item_id)
    return len(changed)


def _records_with_problems(violations: Sequence[Violation]) -> int:
    return len({(v.location.line, v.location.item) for v in violations})


def _rename(v: Violation, spooled: str, shown: str) -> Violation:
    if v.location.file != spooled or spooled == shown:
        return v
    loc = v.location
    return Violation(v.message, Location(file=shown, line=loc.line, item=loc.item, path=loc.path))


def _renamed(exc: OntolabelError, spooled: str, shown: str) -> OntolabelError:
    if exc.location.file == spooled:
        loc = exc.location
        exc.location = Location(file=shown, line=loc.line, item=loc.item, path=loc.path)
    if isinstance(exc, FormatError):
        exc.violations = [_rename(v, spooled, shown) for v in exc.violations]
    return exc


class _Preparer:
    """Turns import records into ``NewItem``s, reporting what is wrong with each."""

    def __init__(
        self,
        ws: Workspace,
        modality: Modality,
        ontology: Ontology,
        user_id: int,
        policy: ErrorPolicy,
        media_root: Path | None,
    ):
        self.ws = ws
        self.modality = modality
        self.ontology = ontology
        self.user_id = user_id
        self.policy = policy
        self.media_root = media_root
        self.user_ids: dict[str, int | None] = {}
        # one probe per file, even when many records name it
        self.stored: dict[Path, MediaInfo | str] = {}

    def _at(self, record: ImportRecord, path: str | None) -> Location:
        loc = record.location
        return Location(
            file=loc.file, line=loc.line, item=loc.item or record.external_id, path=path
        )

    def prepare(self, record: ImportRecord) -> NewItem | None:
        """A new item for ``record``, or None when something is wrong (reported)."""
        problems: list[Violation] = []
        if record.modality != self.modality:
            problems.append(
                Violation(
                    f"a {record.modality.value} item cannot join a {self.modality.value} project",
                    self._at(record, "modality"),
                )
            )
        media: list[MediaInfo] = []
        for index, ref in enumerate(record.media):
            found = self._media(ref)
            if isinstance(found, str):
                problems.append(Violation(found, self._at(record, f"media[{index}]")))
            else:
                media.append(found)
        new = self._annotations(record, record.content(media), problems)
        if problems:
            self.policy.extend(problems)
            return None
        return NewItem(
            record.modality,
            external_id=record.external_id,
            text=record.text,
            meta=record.meta,
            media=media,
            annotations=new,
            location=record.location,
        )

    def prepare_update(
        self, record: ImportRecord, item_id: int, content: ItemContent
    ) -> list[_Update]:
        """The annotations of ``record`` for the stored item it names, checked against the
        stored content (its media as displayed); nothing when something is wrong (reported)."""
        problems: list[Violation] = []
        for index, (ref, stored) in enumerate(zip(record.media, content.media, strict=False)):
            if ref.sha256 is not None and ref.sha256 != stored.sha256:
                problems.append(
                    Violation(
                        f"the project's item {record.external_id!r} has other media "
                        f"(sha256 {stored.sha256[:12]}…)",
                        self._at(record, f"media[{index}]"),
                    )
                )
            elif (ref.width, ref.height) not in ((None, None), (stored.width, stored.height)):
                problems.append(
                    Violation(_size_mismatch(ref, stored), self._at(record, f"media[{index}]"))
                )
        new = self._annotations(record, content, problems)
        if problems:
            self.policy.extend(problems)
            return []
        return [_Update(item_id, a, self._at(record, None)) for a in new]

    def _annotations(
        self, record: ImportRecord, content: ItemContent, problems: list[Violation]
    ) -> list[NewAnnotation]:
        found: list[NewAnnotation] = []
        seen_users: set[int] = set()
        for index, ann in enumerate(record.annotations):
            where = f"annotations[{index}]"
            user_id = self._user(ann)
            if user_id is None:
                problems.append(
                    Violation(
                        f"no user named {ann.user!r} in this workspace",
                        self._at(record, f"{where}.user"),
                    )
                )
                continue
            if user_id in seen_users:
                problems.append(
                    Violation(
                        f"a second annotation by {ann.user or 'the importer'!r} (one per user)",
                        self._at(record, f"{where}.user"),
                    )
                )
                continue
            seen_users.add(user_id)
            if not problems:  # validating against unresolved media would only add noise
                for v in self.ontology.validate(ann.document, content):
                    at = _in_file(where, v.location.path, ann.origins)
                    problems.append(Violation(v.message, self._at(record, at)))
            found.append(
                NewAnnotation(ann.document, user_id, ann.status, ann.source, ann.revision)
            )
        return found

    def find_existing(
        self, project_id: int, records: Sequence[ImportRecord]
    ) -> dict[int, tuple[int, ItemContent] | None]:
        """The stored items that records name, keyed by ``id(record)``: by external id, else
        (a record with one unidentified file, as COCO's) by the name of the item's file; None
        for a record whose name fits several items (reported). Two queries per chunk."""
        by_external = {r.external_id: r for r in records if r.external_id is not None}
        matched: dict[int, int] = {}
        with self.ws.read_session() as session:
            if by_external:
                for item_id, external_id in session.execute(
                    select(ItemRow.id, ItemRow.external_id).where(
                        ItemRow.project_id == project_id, ItemRow.external_id.in_(by_external)
                    )
                ):
                    matched[id(by_external[str(external_id)])] = item_id
            by_name: dict[str, list[ImportRecord]] = {}
            for r in records:
                if id(r) not in matched and len(r.media) == 1 and r.media[0].sha256 is None:
                    by_name.setdefault(r.media[0].name, []).append(r)
            if by_name:
                named: dict[str, list[int]] = {}
                for item_id, name in session.execute(
                    select(ItemMediaRow.item_id, ItemMediaRow.name)
                    .join(ItemRow, ItemRow.id == ItemMediaRow.item_id)
                    .where(
                        ItemRow.project_id == project_id,
                        ItemMediaRow.position == 0,
                        ItemMediaRow.name.in_(by_name),
                    )
                ):
                    named.setdefault(name, []).append(item_id)
                for name, ids in named.items():
                    for r in by_name[name]:
                        if len(ids) == 1:
                            matched[id(r)] = ids[0]
                        else:  # a new item would be a third copy: ask for ids instead
                            self.policy.report(
                                f"{len(ids)} items of the project have a file named {name!r}",
                                self._at(r, "media[0]"),
                            )
                            matched[id(r)] = 0
            contents = _contents(session, [i for i in matched.values() if i > 0])
        return {k: (i, contents[i]) if i > 0 else None for k, i in matched.items()}

    def _user(self, ann: AnnotationRecord) -> int | None:
        if ann.user is None:
            return self.user_id
        if ann.user not in self.user_ids:
            found = users.get_user_by_name(self.ws, ann.user)
            self.user_ids[ann.user] = found.id if found else None
        return self.user_ids[ann.user]

    def _media(self, ref: MediaRef) -> MediaInfo | str:
        """The stored media ``ref`` names, or why it cannot be had."""
        if ref.sha256 is not None and ref.info is not None and self.ws.blobs.exists(ref.sha256):
            return ref.info  # exactly these bytes are here already: keep the file's own info
        candidate = next(self._candidates(ref), None)
        if candidate is None:
            if ref.sha256 is not None:
                return f"media {ref.name!r} (sha256 {ref.sha256[:12]}…) is not in this workspace"
            return f"media file {ref.name!r} not found beside the import file"
        info = self._store(candidate, ref.name)
        if isinstance(info, str):
            return info
        if (
            ref.sha256 is not None
            and info.sha256 != ref.sha256
            and "source_orientation" not in info.extra
        ):
            return f"the file {ref.name!r} does not have the sha256 the import file gives"
        if ref.info is not None and info.sha256 == ref.sha256:
            info = ref.info
        if (ref.width, ref.height) not in ((None, None), (info.width, info.height)):
            return _size_mismatch(ref, info)
        return info

    def _candidates(self, ref: MediaRef) -> Iterator[Path]:
        if self.media_root is None:
            return
        for candidate in ref.candidates:
            resolved = candidate.resolve()
            # never outside the import's folder tree: a file must not pull in arbitrary files
            if resolved.is_relative_to(self.media_root) and resolved.is_file():
                yield resolved

    def _store(self, path: Path, name: str) -> MediaInfo | str:
        if path not in self.stored:
            try:
                self.stored[path] = store_media(self.ws, path, name)
            except MediaError as exc:
                self.stored[path] = f"media file {name!r}: {exc.message}"
        return self.stored[path]


_OBJECT_PATH = re.compile(r"^objects\[(\d+)\](.*)$")


def _in_file(where: str, inner: str | None, origins: Sequence[str]) -> str:
    """Where in the import file a problem at ``inner`` (a path in the annotation document)
    is: under the object's own place in the file when the format tells it."""
    if not inner:
        return where
    found = _OBJECT_PATH.match(inner)
    if found and int(found[1]) < len(origins):
        return origins[int(found[1])] + found[2]
    return f"{where}.{inner}"


def _size_mismatch(ref: MediaRef, info: MediaInfo) -> str:
    return (
        f"the file says {ref.name!r} is {ref.width}x{ref.height}, but the image is "
        f"{info.width}x{info.height} (as displayed, EXIF orientation applied)"
    )


def _contents(session: Session, item_ids: list[int]) -> dict[int, ItemContent]:
    if not item_ids:
        return {}
    rows = session.scalars(select(ItemRow).where(ItemRow.id.in_(item_ids))).all()
    media: dict[int, list[ItemMediaRow]] = {}
    for m in session.scalars(select(ItemMediaRow).where(ItemMediaRow.item_id.in_(item_ids))):
        media.setdefault(m.item_id, []).append(m)
    return {r.id: item_content(r, media.get(r.id, [])) for r in rows}


# --- export ---------------------------------------------------------------------------


def export_project(
    ws: Workspace,
    project_id: int,
    fmt: str | Format[Any],
    out: BinaryIO,
    *,
    options: Mapping[str, Any] | BaseModel | None = None,
    progress: Progress | None = None,
    user_id: int | None = None,
) -> WriteStats:
    """Write the whole project to ``out`` in ``fmt``; with ``user_id``, check the caller may
    export (reviewer or owner) — callers that checked already leave it out."""
    if user_id is not None:
        projects.check_role(ws, project_id, user_id=user_id, minimum=Role.REVIEWER)
    fmt_obj = get_format(fmt) if isinstance(fmt, str) else fmt
    if not fmt_obj.can_write:
        raise FormatError(f"format {fmt_obj.name!r} cannot be exported")
    parsed = fmt_obj.parse_options(options)
    _, ontology = projects.current_ontology(ws, project_id)
    return fmt_obj.write(_records(ws, project_id, progress), out, ontology=ontology, options=parsed)


def _records(ws: Workspace, project_id: int, progress: Progress | None) -> Iterator[ExportRecord]:
    with ws.read_session() as session:
        total = session.scalar(
            select(func.count()).select_from(ItemRow).where(ItemRow.project_id == project_id)
        )
    done = 0
    after = 0
    while True:
        page = _page(ws, project_id, after)
        if not page:
            return
        for record in page:
            yield record
            done += 1
            if progress is not None:
                progress(done, total)
        after = page[-1].item_id


def _page(ws: Workspace, project_id: int, after: int) -> list[ExportRecord]:
    """One keyset page of items with their media and each annotator's current revision."""
    with ws.read_session() as session:
        # plain column rows, not ORM objects: an export reads every row once and never
        # writes, so identity tracking would only cost time
        rows = session.execute(
            select(ItemRow.id, ItemRow.external_id, ItemRow.modality, ItemRow.text, ItemRow.meta)
            .where(ItemRow.project_id == project_id, ItemRow.id > after)
            .order_by(ItemRow.id)
            .limit(EXPORT_PAGE)
        ).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        media: dict[int, list[MediaInfo]] = {}
        for item_id, info in session.execute(
            select(ItemMediaRow.item_id, ItemMediaRow.info)
            .where(ItemMediaRow.item_id.in_(ids))
            .order_by(ItemMediaRow.item_id, ItemMediaRow.position)
        ):
            media.setdefault(item_id, []).append(media_info_from_json(info))
        annotations: dict[int, list[AnnotationRecord]] = {}
        current = session.execute(
            select(
                AnnotationRow.item_id,
                UserRow.username,
                AnnotationRow.status,
                AnnotationRow.current_revision,
                AnnotationRevisionRow.document,
                AnnotationRevisionRow.source,
            )
            .join(UserRow, UserRow.id == AnnotationRow.user_id)
            .join(
                AnnotationRevisionRow,
                and_(
                    AnnotationRevisionRow.annotation_id == AnnotationRow.id,
                    AnnotationRevisionRow.revision == AnnotationRow.current_revision,
                ),
            )
            .where(AnnotationRow.item_id.in_(ids))
            # oldest work first: "the latest" is last, and an import keeps this order
            .order_by(AnnotationRow.item_id, AnnotationRow.updated_at, AnnotationRow.id)
        )
        for item_id, username, status, revision, document, source in current:
            annotations.setdefault(item_id, []).append(
                AnnotationRecord(
                    document=annotation_from_json(document),
                    user=username,
                    status=status,
                    revision=revision,
                    source=source,
                )
            )
        return [
            ExportRecord(
                item_id=r.id,
                external_id=r.external_id,
                content=ItemContent(
                    modality=Modality(r.modality),
                    media=media.get(r.id, []),
                    text=r.text,
                    meta=dict(r.meta or {}),
                ),
                annotations=annotations.get(r.id, []),
            )
            for r in rows
        ]
