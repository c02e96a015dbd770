"""The ontology document as a whole: its lists, their consistency, and the hierarchy
queries the editors, the API and validation ask (path, children, inherited attributes,
geometry allowed per modality)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology.checks import check_document, resolved_geometry_of
from ontolabel.core.ontology.spec import (
    AttributeSpec,
    ClassSpec,
    EntityType,
    OntologyHeader,
    RelationSpec,
)
from ontolabel.errors import Location, NotFound, OntologyError


class _Memo:
    """Answers of the hierarchy queries, per class. The document is frozen, so they never
    change, and validation asks them for every object of every save. A cache, not state:
    two documents are equal whatever each has been asked so far."""

    __slots__ = ("paths", "attributes", "kinds")

    def __init__(self) -> None:
        self.paths: dict[str, tuple[str, ...]] = {}
        self.attributes: dict[str, tuple[AttributeSpec, ...]] = {}
        self.kinds: dict[tuple[str, Modality], tuple[GeometryKind, ...]] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Memo)

    __hash__ = None  # type: ignore[assignment]


class OntologyDocument(OntologyHeader):
    """A consistent ontology. Constructing one runs every check: an instance is valid."""

    classes: list[ClassSpec] = Field(min_length=1)
    relations: list[RelationSpec] = Field(default_factory=list)
    entity_types: list[EntityType] = Field(default_factory=list)

    _by_name: dict[str, ClassSpec] = PrivateAttr(default_factory=dict)
    _children: dict[str, list[str]] = PrivateAttr(default_factory=dict)
    _memo: _Memo = PrivateAttr(default_factory=lambda: _Memo())

    @model_validator(mode="after")
    def _consistent(self) -> OntologyDocument:
        problems = check_document(
            list(enumerate(self.classes)),
            list(enumerate(self.relations)),
            list(enumerate(self.entity_types)),
        )
        if problems:
            raise OntologyError(f"the ontology {self.name!r} is inconsistent", problems)
        # Consistent by now (no duplicates, no unknown parents, no cycles): plain maps work.
        self._by_name = {spec.name: spec for spec in self.classes}
        self._children = {spec.name: [] for spec in self.classes}
        for spec in self.classes:
            if spec.parent is not None:
                self._children[spec.parent].append(spec.name)
        return self

    # -- lookup -------------------------------------------------------------------------

    def has_class(self, name: str) -> bool:
        return name in self._by_name

    def get_class(self, name: str) -> ClassSpec:
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(
                f"no class {name!r} in ontology {self.name!r}", location=Location(path="class_name")
            ) from None

    def class_names(self) -> list[str]:
        """Every class name, in document order."""
        return [spec.name for spec in self.classes]

    def get_relation(self, name: str) -> RelationSpec | None:
        return next((r for r in self.relations if r.name == name), None)

    # -- hierarchy ----------------------------------------------------------------------

    def class_path(self, name: str) -> list[str]:
        """Names from the root down to `name`: ["Vehicle", "Car"]."""
        known = self._memo.paths.get(name)
        if known is None:
            path = [self.get_class(name).name]
            parent = self._by_name[name].parent
            while parent is not None:
                path.append(parent)
                parent = self._by_name[parent].parent
            known = self._memo.paths[name] = tuple(path[::-1])
        return list(known)

    def roots(self) -> list[str]:
        return [spec.name for spec in self.classes if spec.parent is None]

    def children(self, name: str) -> list[str]:
        """Direct subclasses of `name`, in document order."""
        self.get_class(name)
        return list(self._children[name])

    def descendants(self, name: str) -> list[str]:
        """Every class below `name` (not `name` itself), depth first in document order."""
        out: list[str] = []
        for child in self.children(name):
            out.append(child)
            out.extend(self.descendants(child))
        return out

    def is_a(self, name: str, ancestor: str) -> bool:
        """Whether `name` is `ancestor` or lies below it."""
        return ancestor in self.class_path(name)

    def is_leaf(self, name: str) -> bool:
        return not self.children(name)

    # -- inheritance --------------------------------------------------------------------

    def resolved_attributes(self, name: str) -> list[AttributeSpec]:
        """Attributes of `name` after inheritance: the root's first; a class's own attribute
        replaces an inherited one of the same name in place."""
        known = self._memo.attributes.get(name)
        if known is None:
            merged: dict[str, AttributeSpec] = {}
            for class_name in self.class_path(name):
                for attribute in self._by_name[class_name].attributes:
                    merged[attribute.name] = attribute
            known = self._memo.attributes[name] = tuple(merged.values())
        return list(known)

    def resolved_geometry(self, name: str) -> dict[Modality, list[GeometryKind]]:
        """Geometry kinds per modality after inheritance (the nearest class that says)."""
        self.get_class(name)
        raw = resolved_geometry_of(name, self._by_name)
        return {modality: [GeometryKind(k) for k in kinds] for modality, kinds in raw.items()}

    def allowed_kinds(self, name: str, modality: Modality | str) -> list[GeometryKind]:
        """Geometry kinds class `name` may take in `modality` (empty: none)."""
        key = (name, Modality(modality))
        known = self._memo.kinds.get(key)
        if known is None:
            known = self._memo.kinds[key] = tuple(self.resolved_geometry(name).get(key[1], []))
        return list(known)

    def classes_for(self, modality: Modality | str) -> list[str]:
        """Classes that take some geometry in `modality` (what a tool palette offers)."""
        return [n for n in self.class_names() if self.allowed_kinds(n, modality)]

    def entity_types_of(self, name: str, modality: Modality | str) -> list[str]:
        """Entity types that class `name` (or an ancestor listed there) carries in `modality`."""
        path = set(self.class_path(name))
        found: list[str] = []
        for entity in self.entity_types:
            if path.intersection(entity.classes.get(Modality(modality), [])):
                found.append(entity.name)
        return found

    def document(self) -> dict[str, Any]:
        """The document as JSON-ready data, without unset optional fields (what is stored)."""
        return self.model_dump(mode="json", exclude_none=True)
