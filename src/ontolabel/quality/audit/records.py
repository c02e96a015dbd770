"""What the audit reads: one record per annotator per item, already scored.

The audit is pure: scoring (matching objects against gold or against each peer) happens
before, in whichever layer reads the annotations. A record keeps the score against *each*
peer separately, so the audit can leave one annotator's influence out of everyone else's
scores (a careless annotator lowers the peer scores of everybody who shares items with them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

ScoreKind = Literal["gold_f1", "peer_f1"]


@dataclass(frozen=True)
class Score:
    """One annotation against one reference (gold, or a peer's annotation).

    ``f1`` is the overall F1 (None when neither side has anything to match). ``per_class``
    is the *recall* of each class the reference holds: the share of the reference's objects
    of that class that the annotation found with that class. Recall, not F1, because it
    charges an error to the class the object really is: a truck labelled as a car is a
    Truck error, while per-class F1 would also lower Car (a false positive there) and an
    annotator who confuses one class would look poor in two."""

    f1: float | None
    per_class: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    """One annotator's submitted work on one item."""

    annotator: str
    item_id: int
    time: datetime  # when the current revision was saved (timezone-aware)
    ontology_version: int
    gold: Score | None = None  # against the item's gold, when the item is gold
    peers: Mapping[str, Score] = field(default_factory=dict)  # against each other annotator

    def score(self, *, leave_out: frozenset[str] = frozenset()) -> tuple[float | None, ScoreKind]:
        """The item's quality: F1 against gold where the item is gold, else the mean F1
        against the peers (those in ``leave_out`` not counted)."""
        if self.gold is not None:
            return self.gold.f1, "gold_f1"
        values = [
            s.f1 for peer, s in self.peers.items() if peer not in leave_out and s.f1 is not None
        ]
        return (sum(values) / len(values) if values else None), "peer_f1"

    def class_score(self, name: str, *, leave_out: frozenset[str] = frozenset()) -> float | None:
        """As ``score``, for one class."""
        if self.gold is not None:
            return self.gold.per_class.get(name)
        values = [
            s.per_class[name]
            for peer, s in self.peers.items()
            if peer not in leave_out and name in s.per_class
        ]
        return sum(values) / len(values) if values else None

    def samples(self, *, leave_out: frozenset[str] = frozenset()) -> list[float]:
        """The scores the tests compare: the gold score, or one score per peer. Comparing
        pair scores (not per-item means) keeps both sides of a comparison alike when a
        suspect is left out of one side's peers."""
        if self.gold is not None:
            return [] if self.gold.f1 is None else [self.gold.f1]
        return [
            s.f1 for peer, s in self.peers.items() if peer not in leave_out and s.f1 is not None
        ]

    def class_samples(self, name: str, *, leave_out: frozenset[str] = frozenset()) -> list[float]:
        """As ``samples``, for one class."""
        if self.gold is not None:
            return [self.gold.per_class[name]] if name in self.gold.per_class else []
        return [
            s.per_class[name]
            for peer, s in self.peers.items()
            if peer not in leave_out and name in s.per_class
        ]

    def classes(self) -> set[str]:
        found: set[str] = set()
        if self.gold is not None:
            found.update(self.gold.per_class)
        for s in self.peers.values():
            found.update(s.per_class)
        return found


@dataclass(frozen=True)
class AuditOptions:
    # a pause longer than this ends a work session: the time across it is not work time
    session_gap: timedelta = timedelta(minutes=30)
    # significance level of every test (class-level tests are Bonferroni-corrected)
    alpha: float = 0.05
    # fewer scored items than this in a group compared: "not enough data"
    min_group: int = 8
    # a finding also needs a drop at least this large in mean F1 (a tiny but
    # "significant" drop on a big project is not worth a lead's attention)
    min_effect: float = 0.10
    # ontology version changes: the share of annotators whose own median must drop for
    # the change to be called a change for everyone
    share_for_everyone: float = 2 / 3
