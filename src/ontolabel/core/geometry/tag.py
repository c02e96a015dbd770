"""A label on a whole item: document class, image tag, clip class."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel


class Tag(GeometryModel):
    kind: Literal["tag"] = "tag"
