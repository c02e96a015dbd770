"""Findings: the audit's tests read together, so that the cause of a drop can be told
apart — one annotator, one annotator in one class, one class for everyone, late-session
fatigue, or a change for everyone at an ontology version switch.

Every comparison leaves the suspect out of the reference group's scores (a careless
annotator drags down the peer scores of everyone who shares items with them), and tests
that are run once per annotator or per class are Bonferroni-corrected.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ontolabel.quality.audit.records import AuditOptions, Submission
from ontolabel.quality.audit.significance import TestResult, compare_drop

FindingKind = Literal["annotator", "annotator_class", "class", "fatigue", "version_change"]


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    subject: str  # annotator, class, "annotator/class" or "version N"
    sentence: str
    p_value: float
    effect: float | None  # rank-biserial r of the test behind it

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "sentence": self.sentence,
            "p_value": self.p_value,
            "effect": self.effect,
        }


def _p(p: float | None) -> str:
    assert p is not None
    return f"p = {p:.2g}" if p >= 0.0001 else "p < 0.0001"


def annotator_class_tests(
    submissions: Sequence[Submission], annotator: str, classes: Sequence[str], *, alpha: float,
    options: AuditOptions,
) -> dict[str, TestResult]:  # fmt: skip
    """Per class: the annotator's class scores against everyone else's (the annotator left
    out of theirs)."""
    mine = [s for s in submissions if s.annotator == annotator]
    theirs = [s for s in submissions if s.annotator != annotator]
    out: dict[str, TestResult] = {}
    for name in classes:
        out[name] = compare_drop(
            _class_scores(theirs, [name], frozenset({annotator})),
            _class_scores(mine, [name], frozenset()),
            alpha=alpha, min_group=options.min_group, min_effect=options.min_effect,
            names=("other annotators", annotator),
        )  # fmt: skip
    return out


def _class_scores(
    subs: Sequence[Submission], classes: Sequence[str], leave_out: frozenset[str]
) -> list[float]:
    return [x for s in subs for c in classes for x in s.class_samples(c, leave_out=leave_out)]


def _scores(subs: Sequence[Submission], leave_out: frozenset[str]) -> list[float]:
    return [x for s in subs for x in s.samples(leave_out=leave_out)]


def find(
    submissions: Sequence[Submission],
    fatigue_tests: dict[str, TestResult],
    options: AuditOptions,
    late_items: dict[str, set[int]] | None = None,
) -> list[Finding]:
    """Every finding, the strongest evidence (smallest p-value) first.

    ``late_items``: per annotator, the items in the second half of their sessions. For an
    annotator found to tire late in sessions, those items are left out of the comparisons
    with peers, so fatigue is reported as fatigue and not also as a poor annotator."""
    annotators = sorted({s.annotator for s in submissions})
    classes = sorted({c for s in submissions for c in s.classes()})
    findings: list[Finding] = []
    n_annotators = max(1, len(annotators))
    per_annotator_alpha = options.alpha / n_annotators
    per_cell_alpha = options.alpha / (n_annotators * max(1, len(classes)))
    tired = {
        a: (late_items or {}).get(a, set())
        for a, test in fatigue_tests.items()
        if test.verdict == "drop"
        and test.p_value is not None
        and test.p_value < per_annotator_alpha
    }
    fresh = [s for s in submissions if s.item_id not in tired.get(s.annotator, set())]

    # one annotator, in one class or overall
    flagged: dict[str, set[str]] = {c: set() for c in classes}
    for a in annotators:
        by_class = annotator_class_tests(fresh, a, classes, alpha=per_cell_alpha, options=options)
        low = sorted(c for c, r in by_class.items() if r.verdict == "drop")
        for c in low:
            flagged[c].add(a)
        mine = [s for s in fresh if s.annotator == a]
        theirs = [s for s in fresh if s.annotator != a]
        # low in most classes is low overall: test on every class then
        broad = len(low) >= 2 and 2 * len(low) >= len(classes)
        rest = classes if broad else [c for c in classes if c not in low]
        # overall, on the classes not already singled out (per-class scores pooled)
        overall = compare_drop(
            _class_scores(theirs, rest, frozenset({a})) if classes else
            _scores(theirs, frozenset({a})),
            _class_scores(mine, rest, frozenset()) if classes else _scores(mine, frozenset()),
            alpha=per_annotator_alpha, min_group=options.min_group,
            min_effect=options.min_effect, names=("other annotators", a),
        )  # fmt: skip
        if overall.verdict == "drop":
            assert overall.p_value is not None and overall.mean_drop is not None
            also = f"; worst in {', '.join(low)}" if low else ""
            findings.append(
                Finding(
                    "annotator",
                    a,
                    f"{a}: lower quality than the other annotators across classes "
                    f"(mean recall {overall.mean_drop:.2f} lower, {_p(overall.p_value)}, "
                    f"r = {overall.effect:.2f}){also}",
                    overall.p_value,
                    overall.effect,
                )  # fmt: skip
            )
        else:
            for c in low:
                r = by_class[c]
                assert r.p_value is not None and r.mean_drop is not None
                findings.append(
                    Finding(
                        "annotator_class",
                        f"{a}/{c}",
                        f"{a}: lower quality than the other annotators in class {c} only "
                        f"(recall of {c} {r.mean_drop:.2f} lower, {_p(r.p_value)}, "
                        f"r = {r.effect:.2f}); other classes in line with peers",
                        r.p_value,
                        r.effect,
                    )  # fmt: skip
                )

    # one class, for everyone (annotators singled out in that class left out)
    per_class_alpha = options.alpha / max(1, len(classes))
    # everyone already singled out is left out: their errors are explained, and they lower
    # their peers' scores in the classes their wrong labels went to
    out = frozenset(a for names in flagged.values() for a in names)
    for c in classes:
        subs = [s for s in fresh if s.annotator not in out]
        others = [x for x in classes if x != c]
        if not others:
            continue
        result = compare_drop(
            _class_scores(subs, others, out), _class_scores(subs, [c], out),
            alpha=per_class_alpha, min_group=options.min_group, min_effect=options.min_effect,
            names=("other classes", f"class {c}"),
        )  # fmt: skip
        if result.verdict != "drop":
            continue
        people = sorted({s.annotator for s in subs})
        lower = [
            a for a in people
            if _dropped(
                _class_scores([s for s in subs if s.annotator == a], others, out),
                _class_scores([s for s in subs if s.annotator == a], [c], out),
                options.min_effect,
            )
        ]  # fmt: skip
        if people and len(lower) >= options.share_for_everyone * len(people):
            assert result.p_value is not None and result.mean_drop is not None
            findings.append(
                Finding(
                    "class",
                    c,
                    f"class {c}: lower quality for {len(lower)} of {len(people)} annotators "
                    f"(recall {result.mean_drop:.2f} below the other classes, "
                    f"{_p(result.p_value)}): check its guideline and ontology definition",
                    result.p_value,
                    result.effect,
                )  # fmt: skip
            )

    # late-session fatigue, per annotator
    for a, test in sorted(fatigue_tests.items()):
        if test.verdict == "drop" and test.p_value is not None:
            if test.p_value >= per_annotator_alpha:
                continue
            findings.append(
                Finding(
                    "fatigue",
                    a,
                    f"{a}: quality falls late in sessions ({_p(test.p_value)}): {test.detail}",
                    test.p_value,
                    test.effect,
                )  # fmt: skip
            )

    findings.extend(version_changes(submissions, options))
    findings.sort(key=lambda f: (f.p_value, f.kind, f.subject))
    return findings


def _dropped(before: Sequence[float], after: Sequence[float], min_effect: float) -> bool:
    if len(before) < 3 or len(after) < 3:
        return False
    return statistics.fmean(before) - statistics.fmean(after) >= min_effect


def version_changes(submissions: Sequence[Submission], options: AuditOptions) -> list[Finding]:
    """For each ontology version switch: everyone's scores before against after."""
    versions = sorted({s.ontology_version for s in submissions})
    out: list[Finding] = []
    for new in versions[1:]:
        before = [s for s in submissions if s.ontology_version < new]
        after = [s for s in submissions if s.ontology_version >= new]
        result = compare_drop(
            _scores(before, frozenset()), _scores(after, frozenset()),
            alpha=options.alpha / max(1, len(versions) - 1), min_group=options.min_group,
            min_effect=options.min_effect,
            names=(f"before ontology v{new}", f"from ontology v{new}"),
        )  # fmt: skip
        if result.verdict != "drop":
            continue
        people = sorted({s.annotator for s in after} & {s.annotator for s in before})
        lower = [
            a for a in people
            if _dropped(
                _scores([s for s in before if s.annotator == a], frozenset()),
                _scores([s for s in after if s.annotator == a], frozenset()),
                options.min_effect,
            )
        ]  # fmt: skip
        if not people or len(lower) < options.share_for_everyone * len(people):
            continue
        switched: datetime = min(s.time for s in after)
        assert result.p_value is not None and result.mean_drop is not None
        out.append(
            Finding(
                "version_change",
                f"version {new}",
                f"everyone: quality dropped when ontology version {new} came in "
                f"(first used {switched.date().isoformat()}): mean F1 {result.mean_drop:.2f} "
                f"lower than before, {_p(result.p_value)}; {len(lower)} of {len(people)} "
                f"annotators dropped",
                result.p_value,
                result.effect,
            )  # fmt: skip
        )
    return out
