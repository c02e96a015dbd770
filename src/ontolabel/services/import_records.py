"""Import records -> new items or updates of stored ones, with every problem reported.

``RecordPreparer`` checks each record read from an import file against the project: its
modality, its media (in the blob store, or a file beside the import file), its annotators
and the project's ontology.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from ontolabel.core.item import ItemContent, MediaInfo, MediaInfoJson
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.core.storable import json_for_storing
from ontolabel.errors import Location, MediaError, Violation
from ontolabel.formats import AnnotationRecord, BareItems, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.storable import record_problems
from ontolabel.services import users
from ontolabel.services.item_rows import NewAnnotation, NewItem, modality_mismatch
from ontolabel.services.media import store_media
from ontolabel.services.workspace import Workspace
from ontolabel.storage.bulk import items_by_external_id, media_info_by_sha256
from ontolabel.storage.mappers import annotation_to_json, item_content
from ontolabel.storage.tables import ItemMediaRow, ItemRow


@dataclass(frozen=True)
class PendingUpdate:
    """Imported work for an item the project already has: saved as a new revision."""

    item_id: int
    annotation: NewAnnotation
    location: Location


# the longest text an item may hold: a browser cannot lay out much more as one document,
# and an archive of one huge .txt must not become one item nobody can open
MAX_TEXT_CHARS = 5_000_000


class RecordPreparer:
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
        # sha256s of stored files known to be in the workspace (see ``look_up_media``)
        self.present: set[str] = set()
        # what the workspace's items say of those files (see ``_known``)
        self.known: dict[str, Claims] = {}
        # (line, item, message) of the reports that leave out part of a record it imports
        self.left_out: set[tuple[int | None, str | None, str]] = set()

    def _at(self, record: ImportRecord, path: str | None) -> Location:
        loc = record.location
        return Location(
            file=loc.file, line=loc.line, item=loc.item or record.external_id, path=path
        )

    def storable(self, record: ImportRecord) -> bool:
        """Whether the database can keep the record's id, text and meta (what cannot is
        reported): asked before anything looks the record up, since a query with its id
        would already fail on PostgreSQL."""
        unstorable = record_problems(record)
        if unstorable:
            self.policy.extend(Violation(m, self._at(record, at)) for m, at in unstorable)
        return not unstorable

    def prepare(self, record: ImportRecord) -> NewItem | None:
        """A new item for ``record`` (one found ``storable``), or None when something is
        wrong (reported)."""
        text = record.text
        if (
            record.modality is self.modality
            and not record.annotations
            and (text is not None or record.modality is not Modality.TEXT)
            and (text is None or len(text) <= MAX_TEXT_CHARS)
        ):
            # the common record of a large import (files the store has, as an export
            # names them, no annotations): what ``_checked`` would find, in fewer steps
            media: list[MediaInfo | MediaInfoJson] = []
            for ref in record.media:
                info = ref.info
                if info is None or ref.sha256 is None or not self._present(ref.sha256):
                    break
                known = self.known.get(ref.sha256)
                if known is not None and claims(info) != known:
                    break  # ``_checked`` says how
                media.append(info)
            else:
                if media and media[0].modality is self.modality:
                    return NewItem(
                        record.modality,
                        external_id=record.external_id,
                        text=record.text,
                        meta=record.meta,
                        media=media,
                        location=record.location,
                    )
        return self._checked(record)

    def _checked(self, record: ImportRecord) -> NewItem | None:
        problems: list[Violation] = []
        if record.modality != self.modality:
            problems.append(
                Violation(
                    modality_mismatch(record.modality, self.modality), self._at(record, "modality")
                )
            )
        if record.text is not None and len(record.text) > MAX_TEXT_CHARS:
            problems.append(
                Violation(
                    f"the text has {len(record.text):,} characters; a text item holds at most "
                    f"{MAX_TEXT_CHARS:,} (split the document into several items)",
                    self._at(record, "text"),
                )
            )
        if record.modality is Modality.TEXT and record.text is None:
            # a new text item is its text: a record without it (a table row whose item the
            # project lacks) is one bad record, not a reason to refuse the whole import
            problems.append(
                Violation(
                    "a new text item needs its text (this record names no item of the project)",
                    self._at(record, "text"),
                )
            )
        if record.modality is self.modality is not Modality.TEXT and not record.media:
            problems.append(
                Violation(
                    f"a new {record.modality.value} item needs its {record.modality.value} file",
                    self._at(record, "media"),
                )
            )
        media: list[MediaInfo | MediaInfoJson] = []
        for index, ref in enumerate(record.media):
            found = self._media(ref)
            if isinstance(found, str):
                problems.append(Violation(found, self._at(record, f"media[{index}]")))
            else:
                if index == 0 and found.modality is not self.modality and not problems:
                    # the first file is what the item is; companions may differ
                    problems.append(
                        Violation(
                            f"{found.name} is {found.modality.value}, not {self.modality.value}",
                            self._at(record, "media[0]"),
                        )
                    )
                media.append(found)
        # the content is only needed to validate annotations: most imported items have none
        new = (
            self._annotations(record, record.content(media), problems) if record.annotations else []
        )
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

    def bare_items(
        self, project_id: int, batch: BareItems
    ) -> Iterator[NewItem | list[ImportRecord]]:
        """The records of ``batch`` in the file's order: a ``NewItem`` for each that plainly
        is a new item of this project whose files the store has (what ``prepare`` would
        make of it, without a record per item), runs of the others as records for the
        closer look of ``find_existing`` and ``prepare``."""
        wanted = [e for e in batch.external_ids if e is not None]
        with self.ws.read_session() as session:
            stored = {e for _, e in items_by_external_id(session.connection(), project_id, wanted)}
        present = self.ws.blobs.existing(i.sha256 for infos in batch.media for i in infos)
        known = self._known(present)
        modality, is_text = self.modality, self.modality is Modality.TEXT
        run: list[ImportRecord] = []
        for i, (kind, external_id, text, infos) in enumerate(
            zip(batch.modalities, batch.external_ids, batch.texts, batch.media, strict=True)
        ):
            plain = (
                kind is modality
                and external_id is not None  # items without one are found by their file
                and external_id not in stored
                and bool(infos)
                and infos[0].modality is modality
                and (text is not None or not is_text)
                and (text is None or len(text) <= MAX_TEXT_CHARS)
            )
            if plain:
                for info in infos:
                    if info.sha256 not in present or (
                        info.sha256 in known and claims(info) != known[info.sha256]
                    ):
                        plain = False
                        break
            if not plain:
                run.append(batch.record(i))
                continue
            if run:
                yield run
                run = []
            yield NewItem(
                kind, external_id=external_id, text=text, meta=batch.metas[i], media=infos
            )
        if run:
            yield run

    def prepare_update(
        self, record: ImportRecord, item_id: int, content: ItemContent
    ) -> list[PendingUpdate]:
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
        return [PendingUpdate(item_id, a, self._at(record, None)) for a in new]

    def _annotations(
        self, record: ImportRecord, content: ItemContent, problems: list[Violation]
    ) -> list[NewAnnotation]:
        users = [self._user(ann) for ann in record.annotations]
        kept = _kept_per_user(record.annotations, users)
        found: list[NewAnnotation] = []
        for index, (ann, user_id) in enumerate(zip(record.annotations, users, strict=True)):
            where = f"annotations[{index}]"
            if user_id is None:
                problems.append(
                    Violation(
                        f"no user named {ann.user!r} in this workspace",
                        self._at(record, f"{where}.user"),
                    )
                )
                continue
            if kept[user_id] != index:
                # one annotation per user and item: the others are left out, said so, and
                # the item comes in with the one kept (a file that names no users, as Label
                # Studio's without user details, gives every annotation to the importer)
                message = (
                    f"left out: a second annotation by {ann.user or 'the importer'!r} (one "
                    f"per user and item; annotations[{kept[user_id]}] is kept)"
                )
                place = self._at(record, f"{where}.user")
                self.policy.report(message, place)
                self.left_out.add((place.line, place.item, message))
                continue
            if not problems:  # validating against unresolved media would only add noise
                for v in self.ontology.validate(ann.document, content):
                    at = _in_file(where, v.location.path, ann.origins)
                    loc = self._at(record, at)
                    line = _LINE_ORIGIN.match(at)
                    if line:  # the object came from a line of its own (a CoNLL token)
                        inner = line[2].lstrip(".") or None
                        loc = replace(loc, line=int(line[1]), path=inner)
                    problems.append(Violation(v.message, loc))
            stored, problem = json_for_storing(annotation_to_json(ann.document))
            if stored is None:
                problems.append(Violation(f"the annotation {problem}", self._at(record, where)))
                continue
            found.append(
                NewAnnotation(ann.document, user_id, ann.status, ann.source, ann.revision, stored)
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
                for item_id, external_id in items_by_external_id(
                    session.connection(), project_id, list(by_external)
                ):
                    matched[id(by_external[str(external_id)])] = item_id
            by_name: dict[str, list[ImportRecord]] = {}
            by_sha: dict[str, list[ImportRecord]] = {}
            for r in records:
                if id(r) in matched or len(r.media) != 1:
                    continue
                sha256 = r.media[0].sha256
                if sha256 is None:
                    by_name.setdefault(r.media[0].name, []).append(r)
                elif r.external_id is None:  # a canonical export of items that have no id
                    by_sha.setdefault(sha256, []).append(r)
            for column, wanted, what in (
                (ItemMediaRow.name, by_name, "have a file named {!r}"),
                (ItemMediaRow.sha256, by_sha, "hold the file of sha256 {:.12}…"),
            ):
                if wanted:
                    self._match_by_file(session, project_id, column, wanted, what, matched)
            contents = _contents(session, [i for i in matched.values() if i > 0])
        return {k: (i, contents[i]) if i > 0 else None for k, i in matched.items()}

    def _match_by_file(
        self,
        session: Session,
        project_id: int,
        column: Any,
        wanted: dict[str, list[ImportRecord]],
        what: str,
        matched: dict[int, int],
    ) -> None:
        """Match records to the project's items by their one file (its name or its sha256,
        ``column`` of the item's first media file)."""
        found: dict[str, list[int]] = {}
        for item_id, key in session.execute(
            select(ItemMediaRow.item_id, column)
            .join(ItemRow, ItemRow.id == ItemMediaRow.item_id)
            .where(ItemRow.project_id == project_id, ItemMediaRow.position == 0, column.in_(wanted))
        ):
            found.setdefault(key, []).append(item_id)
        for key, ids in found.items():
            for r in wanted[key]:
                if len(ids) == 1:
                    matched[id(r)] = ids[0]
                else:  # a new item would be a third copy: ask for ids instead
                    self.policy.report(
                        f"{len(ids)} items of the project {what.format(key)}",
                        self._at(r, "media[0]"),
                    )
                    matched[id(r)] = 0

    def _user(self, ann: AnnotationRecord) -> int | None:
        if ann.user is None:
            return self.user_id
        if ann.user not in self.user_ids:
            found = users.get_user_by_name(self.ws, ann.user)
            self.user_ids[ann.user] = found.id if found else None
        return self.user_ids[ann.user]

    def _media(self, ref: MediaRef) -> MediaInfo | MediaInfoJson | str:
        """The stored media ``ref`` names, or why it cannot be had."""
        if ref.sha256 is not None and ref.info is not None and self._present(ref.sha256):
            # exactly these bytes are here already: keep the file's own info, unless the
            # workspace's items say otherwise of them
            known = self.known.get(ref.sha256)
            if known is not None and claims(ref.info) != known:
                return _claims_mismatch(ref, claims(ref.info), known, "the workspace holds")
            return ref.info
        candidate = next(self._candidates(ref), None)
        if candidate is None and ref.data is not None:
            try:
                embedded = store_media(self.ws, io.BytesIO(ref.data), ref.name)
            except MediaError as exc:
                return f"media file {ref.name!r} (embedded): {exc.message}"
            if (ref.width, ref.height) not in ((None, None), (embedded.width, embedded.height)):
                return _size_mismatch(ref, embedded)
            return embedded
        if candidate is None:
            if ref.sha256 is not None and ref.info is None and self._present(ref.sha256):
                # a table row, say: it names the bytes but not what probing them found
                return (
                    f"the project has no item of this record, and the file names {ref.name!r} "
                    f"(sha256 {ref.sha256[:12]}…) without describing it: a table labels the "
                    "items a project has (import the items first, e.g. as JSONL)"
                )
            if ref.sha256 is not None:
                return f"media {ref.name!r} (sha256 {ref.sha256[:12]}…) is not in this workspace"
            return f"media file {ref.name!r} not found beside the import file"
        stored = self._store(candidate, ref.name)
        if isinstance(stored, str):
            return stored
        if (
            ref.sha256 is not None
            and stored.sha256 != ref.sha256
            and "source_orientation" not in stored.extra
        ):
            return f"the file {ref.name!r} does not have the sha256 the import file gives"
        if ref.info is not None and stored.sha256 == ref.sha256:
            if claims(ref.info) != claims(stored):  # the bytes, probed, say otherwise
                return _claims_mismatch(ref, claims(ref.info), claims(stored), "probing finds")
            info: MediaInfo | MediaInfoJson = ref.info
        else:
            info = stored
        if (ref.width, ref.height) not in ((None, None), (info.width, info.height)):
            return _size_mismatch(ref, info)
        return info

    def look_up_media(self, records: Sequence[ImportRecord]) -> None:
        """Find out at once which of the stored files that ``records`` name by sha256 the
        workspace has (one batch per chunk of records, instead of a lookup per file)."""
        self.present = self.ws.blobs.existing(
            ref.sha256
            for r in records
            for ref in r.media
            if ref.sha256 is not None and ref.info is not None
        )
        self.known = self._known(self.present)

    def _known(self, shas: set[str]) -> dict[str, Claims]:
        """What the workspace's items say of the files ``shas`` (those some item holds)."""
        if not shas:
            return {}
        with self.ws.read_session() as session:
            stored = media_info_by_sha256(session.connection(), sorted(shas))
        return {sha: _stored_claims(orjson.loads(text)) for sha, text in stored.items()}

    def _present(self, sha256: str) -> bool:
        # a file not looked up in the batch (or stored since) is asked for on its own
        return sha256 in self.present or self.ws.blobs.exists(sha256)

    def _candidates(self, ref: MediaRef) -> Iterator[Path]:
        if self.media_root is None:
            return
        for candidate in ref.paths():
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


def _kept_per_user(
    annotations: Sequence[AnnotationRecord], users: Sequence[int | None]
) -> dict[int, int]:
    """The index of the annotation kept for each user: a person's submitted work before
    their drafts, both before a model's pre-labels, the first on ties."""
    kept: dict[int, int] = {}
    order = sorted(
        range(len(annotations)),
        key=lambda i: (annotations[i].source != "human", annotations[i].status != "submitted", i),
    )
    for index in order:
        user_id = users[index]
        if user_id is not None:
            kept.setdefault(user_id, index)
    return kept


_OBJECT_PATH = re.compile(r"^objects\[(\d+)\](.*)$")
# an origin naming a line of the file ("line 39"), with what follows it in the object
_LINE_ORIGIN = re.compile(r"^line (\d+)(.*)$")


def _in_file(where: str, inner: str | None, origins: Sequence[str]) -> str:
    """Where in the import file a problem at ``inner`` (a path in the annotation document)
    is: under the object's own place in the file when the format tells it."""
    if not inner:
        return where
    found = _OBJECT_PATH.match(inner)
    if found and int(found[1]) < len(origins):
        return origins[int(found[1])] + found[2]
    return f"{where}.{inner}"


def _size_mismatch(ref: MediaRef, info: MediaInfo | MediaInfoJson) -> str:
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


# what a media entry says of its bytes that the bytes decide (not its name, nor extra)
Claims = tuple[str, str, int, int | None, int | None]


def claims(info: MediaInfo | MediaInfoJson) -> Claims:
    return (info.modality.value, info.mime, info.size, info.width, info.height)


def _stored_claims(info: dict[str, Any]) -> Claims:
    return (info["modality"], info["mime"], info["size"], info.get("width"), info.get("height"))


def _describe(c: Claims) -> str:
    size = f" {c[3]}x{c[4]}" if c[3] is not None or c[4] is not None else ""
    return f"{c[0]} ({c[1]}){size}, {c[2]:,} bytes"


def _claims_mismatch(ref: MediaRef, said: Claims, found: Claims, who: str) -> str:
    return (
        f"the file says {ref.name!r} (sha256 {(ref.sha256 or '')[:12]}…) is {_describe(said)}, "
        f"but {who} these bytes as {_describe(found)}"
    )
