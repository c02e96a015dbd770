"""Response models of the quality endpoints (the REST contract the Quality page is generated
from). The services build plain JSON-able dicts; these models document and check them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ontolabel.core.annotation import Annotation


class _Body(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class IntervalBody(_Body):
    low: float
    high: float
    level: float
    n_resamples: int
    seed: int
    method: str


class AgreementResultBody(_Body):
    """One coefficient: ``value`` is null exactly when it is undefined, and then
    ``undefined_reason`` says why."""

    coefficient: str = Field(description="registry key, e.g. krippendorff_alpha")
    label: str
    value: float | None
    undefined_reason: str | None
    ci: IntervalBody | None
    per_category: dict[str, float | None] | None
    counts: dict[str, int | float]
    params: dict[str, Any]


class FiltersBody(_Body):
    class_: list[str] = Field(alias="class")
    annotator: list[str]
    since: str | None
    until: str | None


class ConfusionBody(_Body):
    labels: list[str]
    matrix: list[list[int]]


class ClassAgreementBody(_Body):
    class_: str = Field(alias="class")
    n_units: int = Field(description="units where some annotator gave this class")
    coefficients: list[AgreementResultBody]


class GeometryAgreementBody(_Body):
    precision: float | None
    recall: float | None
    f1: float | None
    mean_iou: float | None


class PairAgreementBody(_Body):
    a: str
    b: str
    n_items: int
    cohen_kappa: AgreementResultBody | None
    geometry: GeometryAgreementBody


class AgreementReportBody(_Body):
    project_id: int
    filters: FiltersBody
    raters: list[str]
    n_items: int = Field(description="items with submitted work from 2 or more annotators")
    n_units: int = Field(description="matched object clusters plus whole-item class units")
    coefficients: list[AgreementResultBody]
    per_class: list[ClassAgreementBody]
    pairwise: list[PairAgreementBody]
    confusion: ConfusionBody = Field(description="label pairs pooled over rater pairs, symmetric")
    notes: list[str] = Field(description="why parts are empty, in plain words")


class GoldClassBody(_Body):
    class_: str = Field(alias="class")
    f1: float | None
    precision: float | None
    recall: float | None
    iou: float | None
    dice: float | None
    support: int = Field(description="gold objects of the class")


class GoldAnnotatorBody(_Body):
    annotator: str
    n_items: int
    f1: float | None
    precision: float | None
    recall: float | None
    mean_iou: float | None
    dice: float | None
    accuracy: float | None
    cer: float | None
    wer: float | None
    per_class: list[GoldClassBody]


class GoldReportBody(_Body):
    project_id: int
    filters: FiltersBody
    n_gold_items: int
    annotators: list[GoldAnnotatorBody]
    confusion: ConfusionBody = Field(description="gold (rows) x annotated (columns), pooled")


class SignificanceBody(_Body):
    test: str
    statistic: float | None
    p_value: float | None
    effect: float | None = Field(description="rank-biserial r (> 0: earlier scored higher)")
    median_drop: float | None
    mean_drop: float | None
    n: list[int]
    verdict: Literal["drop", "no drop", "not enough data"]
    detail: str


class TimelinePointBody(_Body):
    time: str = Field(description="ISO time of the submitted revision")
    item_id: int
    session: int
    position_in_session: int
    seconds: float | None = Field(description="since the previous submit in the session")
    score: float | None
    score_kind: Literal["gold_f1", "peer_f1"]


class AuditClassBody(_Body):
    class_: str = Field(alias="class")
    n: int
    agreement_with_peers: float | None = Field(description="mean recall against peers")
    gold_f1: float | None = Field(description="mean recall against gold")


class AuditAnnotatorBody(_Body):
    annotator: str
    n_items: int
    n_sessions: int
    median_seconds_per_item: float | None
    items_per_hour: float | None
    agreement_with_peers: AgreementResultBody | None
    peer_f1: float | None
    gold_f1: float | None
    per_class: list[AuditClassBody]
    timeline: list[TimelinePointBody]
    drift: SignificanceBody = Field(description="late-session drop (fatigue)")
    trend: SignificanceBody
    across_sessions: SignificanceBody


class FindingBody(_Body):
    kind: Literal["annotator", "annotator_class", "class", "fatigue", "version_change"]
    subject: str
    sentence: str
    p_value: float
    effect: float | None


class AuditOptionsBody(_Body):
    session_gap_minutes: float
    alpha: float
    min_group: int
    min_effect: float


class AuditReportBody(_Body):
    project_id: int
    filters: FiltersBody
    annotators: list[AuditAnnotatorBody]
    findings: list[str] = Field(description="ranked, strongest evidence first")
    finding_details: list[FindingBody]
    options: AuditOptionsBody


class GoldRequest(_Body):
    """Exactly one of ``annotation`` (the gold document) or ``from_user`` (copy that user's
    current annotation of the item)."""

    annotation: Annotation | None = None
    from_user: str | None = None
