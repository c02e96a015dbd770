"""The five modalities ontolabel labels, and which geometry kinds belong to each."""

from __future__ import annotations

from enum import StrEnum


class Modality(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    POINTCLOUD = "pointcloud"


class GeometryKind(StrEnum):
    # image
    BOX = "box"
    ROTATED_BOX = "rotated_box"
    POLYGON = "polygon"
    MASK = "mask"
    KEYPOINTS = "keypoints"
    POLYLINE = "polyline"
    # text
    SPAN = "span"
    # audio
    INTERVAL = "interval"
    # video
    TRACK = "track"
    # 3D
    CUBOID = "cuboid"
    # any modality: a label on the whole item (document class, image tag, clip class)
    TAG = "tag"


KINDS_BY_MODALITY: dict[Modality, frozenset[GeometryKind]] = {
    Modality.IMAGE: frozenset(
        {
            GeometryKind.BOX,
            GeometryKind.ROTATED_BOX,
            GeometryKind.POLYGON,
            GeometryKind.MASK,
            GeometryKind.KEYPOINTS,
            GeometryKind.POLYLINE,
            GeometryKind.TAG,
        }
    ),
    Modality.TEXT: frozenset({GeometryKind.SPAN, GeometryKind.TAG}),
    Modality.AUDIO: frozenset({GeometryKind.INTERVAL, GeometryKind.TAG}),
    Modality.VIDEO: frozenset({GeometryKind.TRACK, GeometryKind.INTERVAL, GeometryKind.TAG}),
    Modality.POINTCLOUD: frozenset({GeometryKind.CUBOID, GeometryKind.TAG}),
}
