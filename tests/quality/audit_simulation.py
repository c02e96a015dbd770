"""A seeded simulation of annotators whose errors have a known cause, for the audit tests.

Each item holds objects of known true classes. Each annotator labels each object correctly
with a probability that depends on who they are, the class, where the item falls in their
session and the ontology version; a wrong label is another class drawn at random. Scores
are computed from the labels (per-class F1 of one labelling against another), so one
annotator's errors lower their peers' scores too, as they do on real projects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from ontolabel.quality.audit import Score, Submission

CLASSES = ("Car", "Truck", "Pedestrian")
ANNOTATORS = ("alice", "bob", "carol")

# accuracy(annotator, class, relative position in session 0..1, ontology version)
Accuracy = Callable[[str, str, float, int], float]


@dataclass(frozen=True)
class Scenario:
    accuracy: Accuracy
    n_items: int = 150
    objects_per_item: int = 6
    session_length: int = 25
    # sessions from this index on use ontology version 2 (None: always version 1)
    version_switch_session: int | None = None


def f1_score(a: Sequence[str], reference: Sequence[str]) -> Score:
    """Micro F1 and per-class recall of labelling ``a`` against ``reference`` (the same
    objects, in order): what matching two annotations per class gives when every object
    is found and only its class may differ."""
    per_class: dict[str, float] = {}
    for c in CLASSES:
        theirs = [x for x, y in zip(a, reference, strict=True) if y == c]
        if theirs:
            per_class[c] = sum(1 for x in theirs if x == c) / len(theirs)
    # every object carries one label on each side: micro F1 = the share of agreements
    agreed = sum(1 for x, y in zip(a, reference, strict=True) if x == y)
    return Score(agreed / len(a) if a else None, per_class)


def simulate(
    scenario: Scenario, seed: int, *, gold_items: frozenset[int] = frozenset()
) -> list[Submission]:
    rng = np.random.default_rng(seed)
    truth = {
        item: [CLASSES[k] for k in rng.integers(0, len(CLASSES), scenario.objects_per_item)]
        for item in range(scenario.n_items)
    }
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    labels: dict[tuple[str, int], list[str]] = {}
    when: dict[tuple[str, int], tuple[datetime, int]] = {}
    for annotator in ANNOTATORS:
        order = rng.permutation(scenario.n_items)
        clock = start + timedelta(minutes=int(rng.integers(0, 20)))
        for position, item in enumerate(order):
            session, in_session = divmod(position, scenario.session_length)
            if in_session == 0 and position:
                clock += timedelta(hours=3)  # a long pause: a new session
            clock += timedelta(seconds=float(rng.uniform(25, 60)))
            relative = in_session / (scenario.session_length - 1)
            version = (
                2
                if scenario.version_switch_session is not None
                and session >= scenario.version_switch_session
                else 1
            )
            given = []
            for true in truth[int(item)]:
                if rng.random() < scenario.accuracy(annotator, true, relative, version):
                    given.append(true)
                else:
                    given.append(str(rng.choice([c for c in CLASSES if c != true])))
            labels[annotator, int(item)] = given
            when[annotator, int(item)] = (clock, version)
    out = []
    for (annotator, item), given in labels.items():
        peers = {
            other: f1_score(given, labels[other, item])
            for other in ANNOTATORS
            if other != annotator
        }
        time, version = when[annotator, item]
        out.append(
            Submission(
                annotator=annotator,
                item_id=item,
                time=time,
                ontology_version=version,
                gold=f1_score(given, truth[item]) if item in gold_items else None,
                peers=peers,
            )
        )
    return out
