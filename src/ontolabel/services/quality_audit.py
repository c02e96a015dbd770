"""The annotator audit of a project: each annotator's submitted work scored against gold
(gold items) or against each peer (other items), then read by ``ontolabel.quality.audit``:
time per item, sessions, throughput, quality over time and the findings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import combinations
from typing import Any

from ontolabel.quality.agreement import AgreementResult, Ratings, krippendorff_alpha
from ontolabel.quality.audit import AuditOptions, AuditResult, Score, Submission, audit
from ontolabel.quality.audit.scoring import score_against, score_both_ways
from ontolabel.quality.geometry import paired_labels
from ontolabel.services.quality_scope import ItemProgress, QualityFilters, collecting
from ontolabel.services.workspace import Workspace

ABSENT = "∅"


@dataclass(frozen=True)
class AuditSettings:
    session_gap_minutes: float = 30.0
    alpha: float = 0.05
    threshold: float = 0.5  # similarity a pair of objects needs to be the same object
    ci: bool = True
    n_resamples: int = 1000
    seed: int = 0

    def options(self) -> AuditOptions:
        return AuditOptions(
            session_gap=timedelta(minutes=self.session_gap_minutes), alpha=self.alpha
        )


@dataclass
class AuditReport:
    project_id: int
    filters: QualityFilters
    result: AuditResult
    agreement_with_peers: dict[str, AgreementResult | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        body = self.result.to_dict()
        annotators = []
        for audited in self.result.annotators:
            entry = audited.to_dict()
            agreement = self.agreement_with_peers.get(audited.annotator)
            annotators.append(
                {
                    **entry,
                    "agreement_with_peers": None if agreement is None else agreement.to_dict(),
                }
            )
        return {
            "project_id": self.project_id,
            "filters": self.filters.to_dict(),
            **body,
            "annotators": annotators,
        }


def audit_report(
    ws: Workspace,
    project_id: int,
    *,
    user_id: int,
    filters: QualityFilters | None = None,
    settings: AuditSettings | None = None,
    progress: ItemProgress | None = None,
) -> AuditReport:
    chosen = settings or AuditSettings()
    wanted = filters or QualityFilters()
    submissions: list[Submission] = []
    records: list[tuple[str, str, str]] = []
    with collecting(ws, project_id, user_id=user_id, filters=wanted, progress=progress) as scope:
        for work in scope.items:
            documents = {name: s.document for name, s in work.submissions.items()}
            # each pair matched once, both directions read from it
            peer_scores: dict[str, dict[str, Score]] = {name: {} for name in documents}
            for a, b in combinations(sorted(documents), 2):
                peer_scores[a][b], peer_scores[b][a] = score_both_ways(
                    documents[a], documents[b], threshold=chosen.threshold
                )
            for name, s in work.submissions.items():
                submissions.append(
                    Submission(
                        annotator=name,
                        item_id=work.item_id,
                        time=s.time,
                        ontology_version=s.ontology_version,
                        gold=(
                            None
                            if work.gold is None
                            else score_against(s.document, work.gold, threshold=chosen.threshold)
                        ),
                        peers=peer_scores[name],
                    )
                )
            if len(documents) >= 2:
                records.extend(
                    paired_labels(
                        documents,
                        unit_prefix=f"item {work.item_id}/",
                        absent=ABSENT,
                        threshold=chosen.threshold,
                    )  # fmt: skip
                )
    result = audit(submissions, chosen.options())
    report = AuditReport(project_id, wanted, result)
    for entry in result.annotators:
        table = _peer_table(records, entry.annotator)
        report.agreement_with_peers[entry.annotator] = (
            None
            if table is None
            else krippendorff_alpha(
                table,
                level="nominal",
                ci=chosen.ci,
                n_resamples=chosen.n_resamples,
                seed=chosen.seed,
            )  # fmt: skip
        )
    return report


def _peer_table(records: list[tuple[str, str, str]], annotator: str) -> Ratings | None:
    """The annotator against each peer, over every unit both labelled, as one two-column
    table (a row per unit and peer), for Krippendorff's α of "this annotator vs peers"."""
    by_unit: dict[str, dict[str, str]] = defaultdict(dict)
    for unit, rater, label in records:
        by_unit[unit][rater] = label
    rows: list[tuple[str, str, str]] = []
    for unit, labels in by_unit.items():
        mine = labels.get(annotator)
        if mine is None:
            continue
        for peer, theirs in labels.items():
            if peer != annotator:
                rows.append((f"{unit}|{peer}", annotator, mine))
                rows.append((f"{unit}|{peer}", "peers", theirs))
    return Ratings.from_records(rows) if rows else None
