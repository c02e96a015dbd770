"""``audit(submissions)``: the per-annotator report and its findings."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from ontolabel.quality.audit.findings import Finding, find
from ontolabel.quality.audit.records import AuditOptions, Submission
from ontolabel.quality.audit.sessions import Pace, TimelineEntry, pace, timeline
from ontolabel.quality.audit.significance import (
    TestResult,
    across_sessions,
    fatigue,
    late_half_items,
    position_trend,
)


@dataclass(frozen=True)
class ClassQuality:
    name: str
    n: int  # items of this annotator where the class was scored
    peer_f1: float | None  # mean F1 against peers in this class
    gold_f1: float | None  # mean F1 against gold in this class

    def to_dict(self) -> dict[str, object]:
        return {
            "class": self.name,
            "n": self.n,
            "agreement_with_peers": self.peer_f1,
            "gold_f1": self.gold_f1,
        }


@dataclass(frozen=True)
class AnnotatorAudit:
    annotator: str
    pace: Pace
    peer_f1: float | None  # mean F1 against peers, over items shared with a peer
    gold_f1: float | None  # mean F1 against gold, over gold items
    per_class: list[ClassQuality]
    timeline: list[TimelineEntry]
    drift: TestResult  # late-session fatigue
    trend: TestResult  # score vs position in session
    across_sessions: TestResult

    def to_dict(self) -> dict[str, object]:
        return {
            "annotator": self.annotator,
            "n_items": self.pace.n_items,
            "n_sessions": self.pace.n_sessions,
            "median_seconds_per_item": self.pace.median_seconds_per_item,
            "items_per_hour": self.pace.items_per_hour,
            "peer_f1": self.peer_f1,
            "gold_f1": self.gold_f1,
            "per_class": [c.to_dict() for c in self.per_class],
            "timeline": [e.to_dict() for e in self.timeline],
            "drift": self.drift.to_dict(),
            "trend": self.trend.to_dict(),
            "across_sessions": self.across_sessions.to_dict(),
        }


@dataclass(frozen=True)
class AuditResult:
    annotators: list[AnnotatorAudit]
    findings: list[Finding]
    options: AuditOptions = field(default_factory=AuditOptions)

    def to_dict(self) -> dict[str, object]:
        return {
            "annotators": [a.to_dict() for a in self.annotators],
            "findings": [f.sentence for f in self.findings],
            "finding_details": [f.to_dict() for f in self.findings],
            "options": {
                "session_gap_minutes": self.options.session_gap.total_seconds() / 60,
                "alpha": self.options.alpha,
                "min_group": self.options.min_group,
                "min_effect": self.options.min_effect,
            },
        }


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _annotator(
    name: str, submissions: Sequence[Submission], options: AuditOptions
) -> AnnotatorAudit:
    entries = timeline(submissions, session_gap=options.session_gap)
    classes = sorted({c for s in submissions for c in s.classes()})
    per_class = []
    for c in classes:
        peer = [
            v
            for s in submissions
            if s.gold is None
            for v in [_mean([p.per_class.get(c) for p in s.peers.values()])]
            if v is not None
        ]
        gold = [
            s.gold.per_class[c] for s in submissions if s.gold is not None and c in s.gold.per_class
        ]
        per_class.append(ClassQuality(c, len(peer) + len(gold), _mean(peer), _mean(gold)))
    return AnnotatorAudit(
        annotator=name,
        pace=pace(entries),
        peer_f1=_mean([_mean([p.f1 for p in s.peers.values()]) for s in submissions if s.peers]),
        gold_f1=_mean([s.gold.f1 for s in submissions if s.gold is not None]),
        per_class=per_class,
        timeline=entries,
        drift=fatigue(
            entries,
            alpha=options.alpha,
            min_group=options.min_group,
            min_effect=options.min_effect,
        ),  # fmt: skip
        trend=position_trend(entries, alpha=options.alpha),
        across_sessions=across_sessions(entries, alpha=options.alpha),
    )


def audit(submissions: Sequence[Submission], options: AuditOptions | None = None) -> AuditResult:
    """Audit every annotator of ``submissions`` and read the tests together as findings."""
    chosen = options or AuditOptions()
    names = sorted({s.annotator for s in submissions})
    annotators = [
        _annotator(n, [s for s in submissions if s.annotator == n], chosen) for n in names
    ]
    findings = find(
        submissions,
        {a.annotator: a.drift for a in annotators},
        chosen,
        {a.annotator: late_half_items(a.timeline) for a in annotators},
    )
    return AuditResult(annotators, findings, chosen)
