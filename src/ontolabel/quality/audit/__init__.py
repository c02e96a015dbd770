"""Annotator audit: time per item, sessions, throughput, quality over time and the
statistical tests that tell a drop's cause apart (pure: plain records in, results out)."""

from ontolabel.quality.audit.audit import AnnotatorAudit, AuditResult, ClassQuality, audit
from ontolabel.quality.audit.findings import Finding
from ontolabel.quality.audit.records import AuditOptions, Score, ScoreKind, Submission
from ontolabel.quality.audit.sessions import Pace, TimelineEntry, pace, timeline
from ontolabel.quality.audit.significance import TestResult, compare_drop, fatigue

__all__ = [
    "AnnotatorAudit",
    "AuditOptions",
    "AuditResult",
    "ClassQuality",
    "Finding",
    "Pace",
    "Score",
    "ScoreKind",
    "Submission",
    "TestResult",
    "TimelineEntry",
    "audit",
    "compare_drop",
    "fatigue",
    "pace",
    "timeline",
]
