"""Importing a file in a registered format into a project.

Import reads the file once, as a stream: each record is checked (modality, media, users,
the project's ontology) and the good ones go to ``items.add_items_bulk``, which writes them
in one transaction. With ``errors="fail"`` any bad record aborts that transaction at the end
of the file, so every problem is reported and nothing is written; with ``errors="collect"``
bad records are reported and skipped.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ontolabel.collector import collector_paused
from ontolabel.errors import FormatError, Location, OntolabelError, Violation
from ontolabel.formats import BareItems, Detection, ErrorPolicy, ImportRecord, get_format
from ontolabel.formats.archive import is_archive, unpack
from ontolabel.formats.base import ErrorMode
from ontolabel.formats.registry import detect_best
from ontolabel.formats.violations import violations_from
from ontolabel.services import annotations as annotating
from ontolabel.services import items, projects
from ontolabel.services.access import Role
from ontolabel.services.import_records import PendingUpdate, RecordPreparer
from ontolabel.services.item_rows import NewItem
from ontolabel.services.prefetch import prefetched
from ontolabel.services.progress import Progress
from ontolabel.services.workspace import Workspace

# records looked up together for items the project already has
LOOKUP_CHUNK = 500


@dataclass
class ImportReport:
    imported: int = 0  # items created
    skipped: int = 0  # bad records left out (collect mode)
    existing: int = 0  # records naming an item the project already has (by id or file name)
    updated: int = 0  # of those, items whose annotations the import changed (new revisions)
    violations: list[Violation] = field(default_factory=list)
    format: str = ""  # the format read
    # when the format was detected: how sure, and why (empty when it was named)
    detected: Detection | None = None

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
            "format": self.format,
            "detected": None
            if self.detected is None
            else {"confidence": self.detected.confidence, "reason": self.detected.reason},
        }


class _Refused(Exception):
    """Raised at the end of a fail-mode import stream so the bulk insert rolls back."""


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

    ``path`` is a file, a dataset folder, or a zip archive of either (unpacked into the
    workspace's scratch folder for the import, then removed). Media files are taken from
    the workspace's blob store (by sha256) or looked up in the import's own tree: beside a
    file on the server's disk (the CLI), inside a folder or an archive; never beside an
    upload spooled into the workspace, which must not reach other files. ``display_name``
    names the file in errors (an upload's original name rather than its spool file).
    """
    path = Path(path)
    projects.check_role(ws, project_id, user_id=user_id, minimum=Role.OWNER)
    with _dataset(ws, path, display_name or path.name) as (source, media_root):
        return _import(
            ws,
            project_id,
            source,
            fmt,
            user_id=user_id,
            errors=errors,
            progress=progress,
            shown=display_name or path.name,
            media_root=media_root,
        )


@contextmanager
def _dataset(ws: Workspace, path: Path, shown: str) -> Iterator[tuple[Path, Path | None]]:
    """What the format reads and where its media may be looked up (None: only the store)."""
    resolved = path.resolve()
    if path.is_dir():
        yield path, resolved
        return
    if not is_archive(path):
        upload = resolved.is_relative_to(ws.tmp_dir.resolve())
        yield path, None if upload else resolved.parent.parent
        return
    scratch = Path(tempfile.mkdtemp(prefix="unpacked-", dir=ws.tmp_dir))
    try:
        root = unpack(path, scratch, name=shown)
        entries = list(root.iterdir())
        # a zip of one file (a zipped COCO JSON) is read as that file
        source = entries[0] if len(entries) == 1 and entries[0].is_file() else root
        if source is not root and is_archive(source):
            raise FormatError(
                f"{shown} holds only another archive, {source.name}",
                location=Location(file=shown),
                hint="import the inner archive itself, or zip the files it holds",
            )
        yield source, scratch.resolve()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _import(
    ws: Workspace,
    project_id: int,
    path: Path,
    fmt: str | None,
    *,
    user_id: int,
    errors: ErrorMode,
    progress: Progress | None,
    shown: str,
    media_root: Path | None,
) -> ImportReport:
    project = projects.get_project(ws, project_id, user_id=user_id)
    _, ontology = projects.current_ontology(ws, project_id)
    detected: Detection | None = None
    if fmt in (None, "auto"):
        fmt_obj, detected = detect_best(path, shown)
    else:
        fmt_obj = get_format(str(fmt))
    if not fmt_obj.can_read:
        raise FormatError(f"format {fmt_obj.name!r} cannot be imported")
    kind = "folder" if path.is_dir() else "file"
    if kind not in fmt_obj.inputs:
        wanted = "a folder or a zip of one" if kind == "file" else "one file"
        raise FormatError(
            f"format {fmt_obj.name!r} reads {wanted}, and {shown} is a {kind}",
            location=Location(file=shown),
            hint="give the format what it reads, or let the format be detected (auto)",
        )
    policy = ErrorPolicy(errors)
    preparer = RecordPreparer(
        ws, project.modality, ontology, user_id, policy, media_root=media_root
    )
    report = ImportReport(format=fmt_obj.name, detected=detected)
    updates: list[PendingUpdate] = []

    done = 0

    def checked(chunk: list[ImportRecord]) -> Iterator[NewItem]:
        """New items for records looked at closely: existing items found, media resolved."""
        nonlocal done
        kept = [record for record in chunk if preparer.storable(record)]
        done += len(chunk) - len(kept)  # the records left out are read too
        existing = preparer.find_existing(project_id, kept)
        preparer.look_up_media(kept)
        for record in kept:
            done += 1
            if progress is not None:
                progress(done, None)
            if id(record) in existing:
                match = existing[id(record)]
                if match is not None:
                    before = len(policy.violations) - len(preparer.left_out)
                    updates.extend(preparer.prepare_update(record, *match))
                    # a record with problems is counted as skipped, not as there already
                    report.existing += len(policy.violations) - len(preparer.left_out) == before
                continue
            new = preparer.prepare(record)
            # in fail mode, once anything is wrong nothing will be written: only check on
            if new is not None and not (errors == "fail" and policy.violations):
                yield new

    def bare(batch: BareItems) -> Iterator[NewItem]:
        nonlocal done
        for got in preparer.bare_items(project_id, batch):
            if isinstance(got, list):
                yield from checked(got)
            elif not (errors == "fail" and policy.violations):
                done += 1
                yield got
        if progress is not None:
            progress(done, None)

    def stream() -> Iterator[NewItem]:
        pending: list[ImportRecord] = []
        for got in _guarded(fmt_obj.read_batches(path, policy), shown):
            if isinstance(got, BareItems):
                if pending:
                    yield from checked(pending)
                    pending = []
                yield from bare(got)
                continue
            pending.append(got)
            if len(pending) == LOOKUP_CHUNK:
                yield from checked(pending)
                pending = []
        if pending:
            yield from checked(pending)
        if policy.failed:
            raise _Refused

    try:
        # records are read and checked on a second thread while the previous chunk is
        # written (see services.prefetch): on two cores the import takes ~15% less time;
        # they hold no reference cycles, so the collector only costs time meanwhile
        with collector_paused():
            result = items.add_items_bulk(
                ws,
                project_id,
                prefetched(stream()),
                user_id=user_id,
                validate=False,
            )
    except _Refused:
        result = None
    except OntolabelError as exc:
        raise _renamed(exc, path.name, shown) from None
    if result is None:
        violations = _in_file_order([_rename(v, path.name, shown) for v in policy.violations])
        n = len(violations)
        raise FormatError(
            f"{n} problem{'s' if n != 1 else ''}, nothing was imported",
            violations,
            location=Location(file=shown),
            hint="fix the file, or import with errors=collect to skip the bad records",
        )
    report.updated = _apply(ws, updates, policy, user_id)
    violations = _in_file_order([_rename(v, path.name, shown) for v in policy.violations])
    report.imported = result.created
    report.existing += result.skipped
    report.skipped = _records_with_problems(violations, preparer.left_out)
    report.violations = violations
    return report


def _guarded(
    records: Iterator[ImportRecord | BareItems], shown: str
) -> Iterator[ImportRecord | BareItems]:
    """The reader's records; a value a reader failed to check that the core types refuse
    (a coordinate that overflows to infinity, say) ends the import as a FormatError naming
    the file and the field, never as a 500."""
    try:
        yield from records
    except ValidationError as exc:
        raise FormatError(
            f"{shown} holds a value ontolabel cannot represent",
            violations_from(exc, Location(file=shown)),
            location=Location(file=shown),
            hint="fix the value named below; the format's reader should have said where",
        ) from exc


def _apply(ws: Workspace, updates: list[PendingUpdate], policy: ErrorPolicy, user_id: int) -> int:
    """Save each update whose document or status differs from what is stored, as the
    importing owner (``user_id``) on the annotators' behalf; a save that fails (a concurrent
    edit, say) is reported, the others go on."""
    changed: set[int] = set()
    for update in updates:
        new = update.annotation
        try:
            state = annotating.get_annotation(
                ws, update.item_id, user_id=user_id, annotator_id=new.user_id
            )
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
                on_behalf_by=user_id,
            )
        except OntolabelError as exc:
            policy.report(f"not saved: {exc.message}", update.location)
            continue
        changed.add(update.item_id)
    return len(changed)


def _in_file_order(violations: list[Violation]) -> list[Violation]:
    """Problems by file and line (checks run in stages, so they are found out of order);
    those of one line keep the order they were found in."""
    return sorted(violations, key=lambda v: (v.location.file or "", v.location.line or 0))


def _records_with_problems(
    violations: Sequence[Violation], left_out: set[tuple[int | None, str | None, str]]
) -> int:
    """Records left out for their problems (not those imported without a part, said so).
    A record is its item where the problem names one: a CoNLL document's problems sit at
    its tokens' lines, and ten documents with bad tags are ten records, not 162."""
    return len(
        {
            (None, v.location.item) if v.location.item is not None else (v.location.line, None)
            for v in violations
            if (v.location.line, v.location.item, v.message) not in left_out
        }
    )


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
