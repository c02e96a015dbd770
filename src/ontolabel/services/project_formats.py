"""Which formats fit a project: the exports that carry its modality (and what each would
lose of the geometry kinds its ontology allows) and the imports that read into it.

The UI and the CLI both offer exactly this list, so "which exports fit" is computed once,
from the format declarations and the project's current ontology, never per client.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats import Format, all_formats, formats_for
from ontolabel.formats.base import InputKind
from ontolabel.services import projects
from ontolabel.services.access import Role
from ontolabel.services.workspace import Workspace


class ExportChoice(BaseModel):
    name: str
    title: str
    extension: str = Field(description="of the exported file, with the dot")
    media_type: str
    inputs: list[InputKind] = Field(description="what its import reads: 'file', 'folder' (a zip)")
    lost_kinds: list[GeometryKind] = Field(
        description="geometry kinds the project allows that this format cannot carry "
        "(objects of these kinds are left out of the export); empty: it carries everything"
    )
    options_schema: dict[str, Any] = Field(description="JSON Schema of the export options")


class ImportChoice(BaseModel):
    name: str
    title: str
    inputs: list[InputKind] = Field(description="'file': upload the file; 'folder': a zip of it")


class ProjectFormats(BaseModel):
    project_id: int
    modality: Modality
    kinds: list[GeometryKind] = Field(
        description="the geometry kinds the project's current ontology allows in its modality"
    )
    can_export: bool = Field(description="the caller may export (reviewer or owner)")
    can_import: bool = Field(description="the caller may import (owner)")
    exports: list[ExportChoice] = Field(
        description="formats that write the project's modality: those carrying every kind "
        "first, then those that would lose some (see lost_kinds)"
    )
    imports: list[ImportChoice] = Field(
        description="formats that read the project's modality (auto-detection picks among them)"
    )


def project_kinds(ontology: Ontology, modality: Modality) -> frozenset[GeometryKind]:
    """Every geometry kind some class of ``ontology`` may take in ``modality``."""
    return frozenset(
        kind
        for name in ontology.classes_for(modality)
        for kind in ontology.allowed_kinds(name, modality)
    )


def export_choices(modality: Modality, kinds: frozenset[GeometryKind]) -> list[ExportChoice]:
    """Writable formats of ``modality``: the lossless ones first, then the lossy ones."""
    fitting = formats_for(modality, kinds)
    fitting_names = {f.name for f in fitting}
    lossy = [
        f
        for f in all_formats()
        if f.can_write and modality in f.modalities and f.name not in fitting_names
    ]
    # within each group: fewest kinds lost first, then by name (all_formats is name-ordered)
    lossy.sort(key=lambda f: len(f.lost_kinds(modality, kinds)))
    return [_export_choice(f, modality, kinds) for f in [*fitting, *lossy]]


def import_choices(modality: Modality) -> list[ImportChoice]:
    return [
        ImportChoice(name=f.name, title=f.title, inputs=sorted(f.inputs))
        for f in all_formats()
        if f.can_read and modality in f.modalities
    ]


def project_formats(ws: Workspace, project_id: int, *, user_id: int) -> ProjectFormats:
    """The formats that fit the project (any member may ask; the flags say what they may do)."""
    # checks the caller is a member (any role) and says which role they have
    project = projects.get_project(ws, project_id, user_id=user_id)
    role = project.role
    _, ontology = projects.current_ontology(ws, project_id)
    kinds = project_kinds(ontology, project.modality)
    return ProjectFormats(
        project_id=project_id,
        modality=project.modality,
        kinds=sorted(kinds),
        can_export=role.at_least(Role.REVIEWER),
        can_import=role.at_least(Role.OWNER),
        exports=export_choices(project.modality, kinds),
        imports=import_choices(project.modality),
    )


def _export_choice(
    fmt: Format[Any], modality: Modality, kinds: frozenset[GeometryKind]
) -> ExportChoice:
    return ExportChoice(
        name=fmt.name,
        title=fmt.title,
        extension=fmt.extension,
        media_type=fmt.media_type,
        inputs=sorted(fmt.inputs),
        lost_kinds=sorted(fmt.lost_kinds(modality, kinds)),
        options_schema=fmt.options_model.model_json_schema(),
    )
