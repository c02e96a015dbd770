"""COCO categories from the ontology's class hierarchy.

Every class becomes a category, ids 1..n in the ontology's order (so they are stable for a
given ontology), ``supercategory`` = the parent class; a root class is its own supercategory,
as in COCO's own files (``{"name": "person", "supercategory": "person"}``).
Keypoint names are learnt from the exported data in order of first appearance, since the
ontology does not (yet) declare them per class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ontolabel.core.ontology import Ontology


@dataclass
class Category:
    id: int
    name: str
    supercategory: str
    keypoint_names: list[str] = field(default_factory=list)
    has_keypoints: bool = False
    # pairs of keypoint indices, as the file they came from numbers them
    skeleton: list[list[int]] | None = None

    def learn_keypoints(self, names: Iterable[str]) -> None:
        self.has_keypoints = True
        for name in names:
            if name not in self.keypoint_names:
                self.keypoint_names.append(name)

    def declare(self, names: list[str], skeleton: list[list[int]]) -> bool:
        """Take the names and skeleton an imported category declared (from an item's meta);
        False when another item declared a different skeleton (the first one stays)."""
        self.learn_keypoints(names)
        if self.skeleton is None:
            self.skeleton = skeleton
        return self.skeleton == skeleton

    def to_coco(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "supercategory": self.supercategory,
        }
        if self.has_keypoints:
            out["keypoints"] = self.keypoint_names
            out["skeleton"] = self.skeleton or []
        return out


def categories_of(ontology: Ontology) -> list[Category]:
    return [
        Category(id=i, name=cls.name, supercategory=cls.parent or cls.name)
        for i, cls in enumerate(ontology.classes, start=1)
    ]
