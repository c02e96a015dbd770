"""Quality: agreement, gold and annotator-audit reports of a project, and its gold items.

Every report takes the same filters: ``class`` (repeatable; a class includes its
descendants), ``annotator`` (repeatable, username), ``since`` and ``until`` (ISO dates, on
the save time of each annotation's current revision). Members of any role may read the
reports; setting gold needs the reviewer role.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from ontolabel.server.auth import CurrentUser, WorkspaceDep
from ontolabel.server.errors import ERROR_RESPONSES
from ontolabel.server.quality_models import (
    AgreementReportBody,
    AuditReportBody,
    GoldReportBody,
    GoldRequest,
)
from ontolabel.services import gold
from ontolabel.services.gold import GoldInfo, GoldRecord
from ontolabel.services.quality_agreement import AgreementOptions, agreement_report
from ontolabel.services.quality_audit import AuditSettings, audit_report
from ontolabel.services.quality_gold import gold_report
from ontolabel.services.quality_scope import QualityFilters

router = APIRouter(prefix="/api/projects", tags=["quality"], responses=ERROR_RESPONSES)

Classes = Annotated[
    list[str],
    Query(alias="class", description="only these classes (and their descendants); repeatable"),
]
Annotators = Annotated[list[str], Query(description="only these annotators (username); repeatable")]
Since = Annotated[date | None, Query(description="revisions saved on or after this day (UTC)")]
Until = Annotated[date | None, Query(description="revisions saved on or before this day (UTC)")]
Resamples = Annotated[
    int, Query(ge=0, le=10_000, description="bootstrap resamples for the intervals (0: none)")
]


def _filters(
    classes: list[str], annotator: list[str], since: date | None, until: date | None
) -> QualityFilters:
    return QualityFilters(tuple(classes), tuple(annotator), since, until)


@router.get("/{project_id}/quality/agreement")
def get_agreement(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    classes: Classes = [],  # noqa: B006 (FastAPI copies query defaults)
    annotator: Annotators = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    n_resamples: Resamples = 1000,
) -> AgreementReportBody:
    """Every applicable coefficient over matched objects and whole-item classes, per class,
    per pair of annotators, and the pooled confusion of labels."""
    report = agreement_report(
        ws,
        project_id,
        user_id=user.id,
        filters=_filters(classes, annotator, since, until),
        options=AgreementOptions(ci=n_resamples > 0, n_resamples=max(n_resamples, 1)),
    )
    return AgreementReportBody.model_validate(report.to_dict())


@router.get("/{project_id}/quality/gold")
def get_gold_report(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    classes: Classes = [],  # noqa: B006
    annotator: Annotators = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
) -> GoldReportBody:
    """Each annotator's work on gold items, scored against the gold."""
    report = gold_report(
        ws, project_id, user_id=user.id, filters=_filters(classes, annotator, since, until)
    )
    return GoldReportBody.model_validate(report.to_dict())


@router.get("/{project_id}/quality/audit")
def get_audit(
    project_id: int,
    user: CurrentUser,
    ws: WorkspaceDep,
    classes: Classes = [],  # noqa: B006
    annotator: Annotators = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    session_gap_minutes: Annotated[
        float, Query(gt=0, le=24 * 60, description="a longer pause ends a work session")
    ] = 30.0,
    alpha: Annotated[float, Query(gt=0, lt=1, description="significance level")] = 0.05,
    n_resamples: Resamples = 1000,
) -> AuditReportBody:
    """Per annotator: time per item, sessions, throughput, quality over time with tests
    for a drop, and the findings that tell its cause apart."""
    report = audit_report(
        ws,
        project_id,
        user_id=user.id,
        filters=_filters(classes, annotator, since, until),
        settings=AuditSettings(
            session_gap_minutes=session_gap_minutes,
            alpha=alpha,
            ci=n_resamples > 0,
            n_resamples=max(n_resamples, 1),
        ),
    )
    return AuditReportBody.model_validate(report.to_dict())


@router.put("/{project_id}/items/{item_id}/gold")
def put_gold(
    project_id: int, item_id: int, body: GoldRequest, user: CurrentUser, ws: WorkspaceDep
) -> GoldRecord:
    """Make an annotation (or a user's current annotation of the item) the item's gold
    (reviewers); it must satisfy the project's ontology (422 with every violation)."""
    return gold.set_gold(
        ws, project_id, item_id, user_id=user.id, document=body.annotation, from_user=body.from_user
    )


@router.delete("/{project_id}/items/{item_id}/gold", status_code=204)
def delete_gold(project_id: int, item_id: int, user: CurrentUser, ws: WorkspaceDep) -> None:
    gold.clear_gold(ws, project_id, item_id, user_id=user.id)


@router.get("/{project_id}/gold")
def list_gold(project_id: int, user: CurrentUser, ws: WorkspaceDep) -> list[GoldInfo]:
    return gold.list_gold(ws, project_id, user_id=user.id)
