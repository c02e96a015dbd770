"""Label Studio skeletons: keypoints that name a parent region are one object's joints.

Label Studio draws a pose as separate labelled points, each with ``parentID`` naming the
region it belongs to (a person's box). ontolabel keeps a pose as one Keypoints object whose
points are named (as COCO does), beside the box: the points of one parent become the object
``<parent id>:keypoints`` of the parent's class, each point named by its label. Writing
reverses it, so a COCO person (box ``7`` and keypoints ``7:keypoints``) goes to Label Studio
as the box and its labelled points, which is how Label Studio's own pose exports read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Keypoint, Keypoints

SUFFIX = ":keypoints"
_POINT_TYPES = ("keypointlabels", "keypoint")


def members(groups: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Parent region id -> the ids of the keypoint regions that name it as their parent."""
    found: dict[str, list[str]] = {}
    for rid, group in groups.items():
        parent = next((r.get("parentID") for r in group if r["type"] in _POINT_TYPES), None)
        if isinstance(parent, str) and parent != rid and parent in groups:
            found.setdefault(parent, []).append(rid)
    return found


def merge(
    objects: list[AnnotationObject], skeletons: dict[str, list[str]]
) -> tuple[list[AnnotationObject], dict[str, str]]:
    """The objects with each parent's points joined into one Keypoints object after it, and
    which object id each joined point region now has (for relations)."""
    by_id = {o.id: o for o in objects}
    joined: dict[str, str] = {}
    after: dict[str, AnnotationObject] = {}
    for parent_id, point_ids in skeletons.items():
        parent = by_id.get(parent_id)
        points = [by_id[p] for p in point_ids if p in by_id]
        if parent is None or isinstance(parent.geometry, Keypoints):
            continue
        if not all(isinstance(p.geometry, Keypoints) for p in points):
            continue
        joints: list[Keypoint] = [
            pt for p in points if isinstance(p.geometry, Keypoints) for pt in p.geometry.points
        ]
        pose = AnnotationObject(
            id=parent_id + SUFFIX,
            class_name=parent.class_name,
            geometry=Keypoints(points=joints),
            media_index=parent.media_index,
            score=parent.score,
        )
        after[parent_id] = pose
        joined.update({p.id: pose.id for p in points})
    result: list[AnnotationObject] = []
    for obj in objects:
        if obj.id in joined:
            continue
        result.append(obj)
        if obj.id in after:
            result.append(after[obj.id])
    return result, joined


def parent_of(obj: AnnotationObject, ids: set[str]) -> str | None:
    """The box a Keypoints object ``<id>:keypoints`` belongs to, if the annotation has it."""
    if isinstance(obj.geometry, Keypoints) and obj.id.endswith(SUFFIX):
        base = obj.id[: -len(SUFFIX)]
        return base if base in ids else None
    return None
