"""Class labels of the same object as several raters drew it, paired up for the agreement
coefficients: so that κ and α are meaningful for boxes, spans and cuboids, not only for
whole-item classes.

For one item, every pair of raters is matched class-agnostically (`match_objects` with
per_class=False). Matched objects are then joined into units, strongest similarity first,
never putting two objects of one rater in one unit. Each unit yields one record per rater
who annotated the item: the class that rater gave the object, or `absent` when the rater has
no object there (a missed object is a disagreement).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Tag
from ontolabel.core.matching import SimilarityOptions, match_objects
from ontolabel.errors import GeometryError

Record = tuple[str, str, str]
Node = tuple[str, int]  # (rater, position among that rater's objects)


class _Clusters:
    """Union-find over objects that keeps, for each cluster, which raters it holds."""

    def __init__(self, nodes: list[Node]) -> None:
        self.parent: dict[Node, Node] = {n: n for n in nodes}
        self.raters: dict[Node, set[str]] = {n: {n[0]} for n in nodes}

    def root(self, node: Node) -> Node:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, x: Node, y: Node) -> None:
        rx, ry = self.root(x), self.root(y)
        if rx == ry or self.raters[rx] & self.raters[ry]:
            return
        keep, drop = min(rx, ry), max(rx, ry)
        self.parent[drop] = keep
        self.raters[keep] |= self.raters.pop(drop)


def _tag_records(
    tags: Mapping[str, list[str]],
    unit_prefix: str,
    mode: Literal["single", "presence"],
    absent: str | None,
) -> list[Record]:
    if not any(tags.values()):
        return []
    if mode == "presence":
        classes = sorted({c for given in tags.values() for c in given})
        return [
            (f"{unit_prefix}tag/{name}", rater, "yes" if name in given else "no")
            for name in classes
            for rater, given in tags.items()
        ]
    records: list[Record] = []
    for rater, given in tags.items():
        # Several tags from one rater read as one combined label, so a different set of
        # tags is a disagreement, whatever their order.
        if given:
            records.append((f"{unit_prefix}tag", rater, "+".join(sorted(set(given)))))
        elif absent is not None:
            records.append((f"{unit_prefix}tag", rater, absent))
    return records


def paired_labels(
    annotations: Mapping[str, Annotation],
    *,
    unit_prefix: str,
    absent: str | None = "∅",
    threshold: float = 0.5,
    options: SimilarityOptions | None = None,
    tags: Literal["single", "presence"] = "single",
) -> list[Record]:
    """(unit id, rater, class) records of one item annotated by several raters.

    `annotations` maps each rater who annotated the item to their annotation (an empty
    annotation is a rater who found nothing). Unit ids start with `unit_prefix` (make it
    name the item) followed by the rater and object id that stand for the unit. Whole-item
    classes (Tag objects) form their own unit(s): "single" gives one unit `prefix + "tag"`
    whose label is the rater's tag (several tags joined with "+"); "presence" gives one
    yes/no unit per tag class. `absent=None` leaves a rater without an object in a unit out
    of that unit (missing data) instead of recording a disagreement.
    """
    if not annotations:
        raise GeometryError(f"{unit_prefix}: no annotations to pair (no rater annotated the item)")
    raters = sorted(annotations)
    objects: dict[str, list[AnnotationObject]] = {
        r: [o for o in annotations[r].objects if not isinstance(o.geometry, Tag)] for r in raters
    }
    tag_classes = {
        r: [o.class_name for o in annotations[r].objects if isinstance(o.geometry, Tag)]
        for r in raters
    }
    nodes = [(r, i) for r in raters for i in range(len(objects[r]))]
    clusters = _Clusters(nodes)
    edges: list[tuple[float, str, str, str, str, Node, Node]] = []
    for x, first in enumerate(raters):
        for second in raters[x + 1 :]:
            matching = match_objects(
                objects[first],
                objects[second],
                threshold=threshold,
                per_class=False,
                options=options,
            )
            for pair in matching.pairs:
                edges.append(
                    (
                        -pair.similarity,
                        first,
                        objects[first][pair.index_a].id,
                        second,
                        objects[second][pair.index_b].id,
                        (first, pair.index_a),
                        (second, pair.index_b),
                    )
                )
    edges.sort(key=lambda e: e[:5])
    for *_, node_x, node_y in edges:
        clusters.join(node_x, node_y)
    members: dict[Node, dict[str, AnnotationObject]] = {}
    for node in nodes:
        rater, index = node
        members.setdefault(clusters.root(node), {})[rater] = objects[rater][index]
    units = sorted(members.values(), key=lambda m: min((r, o.id) for r, o in m.items()))
    records: list[Record] = []
    for unit in units:
        rater, obj = min(((r, o) for r, o in unit.items()), key=lambda ro: (ro[0], ro[1].id))
        unit_id = f"{unit_prefix}{rater}/{obj.id}"
        for r in raters:
            if r in unit:
                records.append((unit_id, r, unit[r].class_name))
            elif absent is not None:
                records.append((unit_id, r, absent))
    tag_records = _tag_records(tag_classes, unit_prefix, tags, absent)
    records.extend(tag_records)
    return records
