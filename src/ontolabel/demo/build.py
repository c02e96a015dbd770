"""``build_demo(ws)``: the demo workspace, built from real media, safe to run again.

A second run adds only what is missing: users, projects and items are found by name
and external id; existing annotations are never touched. A changed ontology file
becomes a new ontology version of its project (old annotations keep theirs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ontolabel.core.item import MediaInfo
from ontolabel.demo.accounts import (
    DEMO_PASSWORD,
    DEMO_USER,
    Account,
    ensure_admin,
    ensure_demo_user,
)
from ontolabel.demo.catalog import PROJECTS, TEXT_PROJECT, DemoProject, ontology_document
from ontolabel.demo.quality import QualityScenarioReport, add_to_project
from ontolabel.demo.sources import DemoItem
from ontolabel.services import items as item_service
from ontolabel.services import projects as project_service
from ontolabel.services.item_rows import NewAnnotation, NewItem
from ontolabel.services.media import store_media
from ontolabel.services.workspace import Workspace

# progress(step, done, total): called as work advances, for a progress bar
Progress = Callable[[str, int, int], None]


@dataclass
class ProjectReport:
    name: str
    project_id: int
    created: bool
    ontology_version: int
    items_created: int = 0
    items_kept: int = 0


@dataclass
class DemoReport:
    demo_user: str
    demo_password: str
    admin_user: str
    # the admin's password when this run created the account, else None (unchanged)
    admin_password: str | None
    users_created: list[str] = field(default_factory=list)
    projects: list[ProjectReport] = field(default_factory=list)
    # the simulated multi-annotator work for the Quality page (when the text project is built)
    quality: QualityScenarioReport | None = None

    @property
    def items_created(self) -> int:
        return sum(p.items_created for p in self.projects)


def wheel_cache_of(ws: Workspace) -> Path:
    return ws.cache_dir / "wheels"


def build_demo(
    ws: Workspace,
    progress: Progress | None = None,
    *,
    wheel_cache: Path | None = None,
    projects: Iterable[DemoProject] = PROJECTS,
) -> DemoReport:
    """Create (or complete) the demo users, projects and items in ``ws``."""
    report_progress = progress or (lambda step, done, total: None)
    wheels = wheel_cache or wheel_cache_of(ws)
    staging = ws.cache_dir / "demo"
    chosen = list(projects)
    total = len(chosen) + 1

    report_progress("accounts", 0, total)
    admin, demo = ensure_admin(ws), ensure_demo_user(ws)
    report = DemoReport(
        demo_user=DEMO_USER,
        demo_password=DEMO_PASSWORD,
        admin_user=admin.user.username,
        admin_password=admin.password,
        users_created=[a.user.username for a in (admin, demo) if a.created],
    )
    for done, spec in enumerate(chosen, start=1):
        report_progress(spec.name, done, total)
        report.projects.append(_build_project(ws, spec, demo, wheels, staging))
        if spec.name == TEXT_PROJECT:
            report.quality = add_to_project(
                ws, report.projects[-1].project_id, owner_id=demo.user.id
            )
    report_progress("done", total, total)
    return report


def _build_project(
    ws: Workspace, spec: DemoProject, owner: Account, wheels: Path, staging: Path
) -> ProjectReport:
    user_id = owner.user.id
    document = ontology_document(spec.ontology_file)
    existing = project_service.get_project_by_name(ws, spec.name, user_id=user_id)
    if existing is None:
        info = project_service.create_project(
            ws,
            name=spec.name,
            modality=spec.modality,
            ontology=document,
            user_id=user_id,
            description=spec.description,
            guideline=str(document.get("guideline", "")),
        )
        result = ProjectReport(spec.name, info.id, True, 1)
    else:
        current = project_service.get_ontology(ws, existing.id, user_id=user_id)
        version = current.version
        if current.document != document:
            version = project_service.set_ontology(
                ws, existing.id, document, user_id=user_id
            ).version
        result = ProjectReport(spec.name, existing.id, False, version)

    known = _external_ids(ws, result.project_id, user_id)
    wanted = spec.items(wheels, staging)
    fresh = [item for item in wanted if item.external_id not in known]
    result.items_kept = len(wanted) - len(fresh)
    if fresh:
        records = [_record(ws, spec, item, user_id) for item in fresh]
        added = item_service.add_items_bulk(ws, result.project_id, records, user_id=user_id)
        result.items_created = added.created
        result.items_kept += added.skipped
    return result


def _external_ids(ws: Workspace, project_id: int, user_id: int) -> set[str]:
    found: set[str] = set()
    after: int | None = None
    while True:
        page = item_service.list_items(ws, project_id, user_id=user_id, after=after, limit=500)
        found.update(i.external_id for i in page.items if i.external_id is not None)
        if page.next_after is None:
            return found
        after = page.next_after


def _record(ws: Workspace, spec: DemoProject, item: DemoItem, owner_id: int) -> NewItem:
    media: list[MediaInfo] = []
    for demo_file in item.files:
        info = store_media(ws, demo_file.path, demo_file.name)
        if demo_file.extra:
            info = info.model_copy(update={"extra": {**info.extra, **demo_file.extra}})
        media.append(info)
    prelabels = (
        [NewAnnotation(item.prelabel, owner_id, status="draft", source="model")]
        if item.prelabel is not None
        else []
    )
    return NewItem(
        spec.modality,
        external_id=item.external_id,
        text=item.text,
        meta=item.meta,
        media=media,
        annotations=prelabels,
    )
