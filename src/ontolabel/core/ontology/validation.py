"""Validation of one annotation against an ontology and the item it annotates.

Every problem is reported, each at an exact path into the annotation document
(`objects[2].attributes.Dose.value`), so an editor can point at the field to fix.

Completeness is a separate question from correctness: a draft may still lack required
attributes (work in progress is saved as it is), but nothing in it may be wrong. With
``complete=False`` every check runs except "required attribute is missing".
"""

from __future__ import annotations

import math
from collections import defaultdict

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue, Relation
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import KINDS_BY_MODALITY, Modality
from ontolabel.core.ontology.attributes import check_value
from ontolabel.core.ontology.document import OntologyDocument
from ontolabel.core.ontology.geometry_checks import Frame, check_geometry
from ontolabel.core.ontology.paths import join_path, key
from ontolabel.core.ontology.spec import AttributeSpec, RelationSpec
from ontolabel.errors import Location, Violation


def _v(path: str, message: str) -> Violation:
    return Violation(message, Location(path=path))


def check_attributes(
    specs: list[AttributeSpec],
    values: dict[str, AttributeValue],
    path: str,
    owner: str,
    *,
    complete: bool = True,
) -> list[Violation]:
    """Unknown and wrongly typed or out-of-range attribute values, and (when `complete`)
    missing required ones."""
    found: list[Violation] = []
    by_name = {spec.name: spec for spec in specs}
    for spec in specs:
        if complete and spec.required and values.get(spec.name) is None:
            message = f"required attribute {spec.name!r} of {owner} is missing"
            found.append(_v(join_path(path, key(spec.name)), message))
    for name, value in values.items():
        where = join_path(path, key(name))
        known = by_name.get(name)
        if known is None:
            names = ", ".join(repr(s.name) for s in specs) or "none"
            found.append(_v(where, f"unknown attribute {name!r} for {owner} (known: {names})"))
        elif value is not None:
            for sub, message in check_value(known, value):
                found.append(_v(join_path(where, sub), message))
    return found


class _Checker:
    """One validation run: walks the annotation once and collects every violation."""

    def __init__(
        self,
        ontology: OntologyDocument,
        annotation: Annotation,
        content: ItemContent,
        complete: bool,
    ):
        self.ontology = ontology
        self.annotation = annotation
        self.content = content
        self.complete = complete
        self.found: list[Violation] = []
        # the first object of each id, as relations resolve their endpoints
        self.by_id: dict[str, AnnotationObject] = {}
        for obj in annotation.objects:
            self.by_id.setdefault(obj.id, obj)

    def add(self, path: str, message: str) -> None:
        self.found.append(_v(path, message))

    def media_of(self, obj: AnnotationObject) -> MediaInfo | None:
        media = self.content.media
        if media and 0 <= obj.media_index < len(media):
            return media[obj.media_index]
        return None

    def modality_of(self, obj: AnnotationObject) -> Modality:
        # Objects lie on one media file; a camera image of a point-cloud item is an image.
        media = self.media_of(obj)
        return media.modality if media is not None else self.content.modality

    def check_media_index(self, obj: AnnotationObject, path: str) -> None:
        count = len(self.content.media)
        if count == 0 and obj.media_index != 0:
            message = f"media_index {obj.media_index} points at no media: the item has none"
            self.add(join_path(path, "media_index"), message)
        elif count and not 0 <= obj.media_index < count:
            message = f"media_index {obj.media_index} is out of range: the item has {count} media"
            self.add(join_path(path, "media_index"), message)

    def check_kind(self, obj: AnnotationObject, path: str, known_class: bool) -> None:
        kind, modality = obj.geometry.kind, self.modality_of(obj)
        if kind not in KINDS_BY_MODALITY[modality]:
            where = join_path(path, "geometry", "kind")
            self.add(where, f"geometry {kind!r} does not exist in {modality} media")
        elif known_class:
            allowed = self.ontology.allowed_kinds(obj.class_name, modality)
            if kind not in allowed:
                takes = ", ".join(str(k) for k in allowed) or "no geometry"
                message = f"class {obj.class_name!r} may not be a {kind} in {modality}; "
                self.add(join_path(path, "geometry", "kind"), message + f"it takes {takes}")

    def check_object(self, index: int, obj: AnnotationObject) -> None:
        path = f"objects[{index}]"  # join_path("objects", index), on the hot path
        known_class = self.ontology.has_class(obj.class_name)
        if not known_class:
            self.add(join_path(path, "class_name"), f"unknown class {obj.class_name!r}")
        self.check_media_index(obj, path)
        self.check_kind(obj, path, known_class)
        for sub, message in check_geometry(
            obj.geometry, Frame(self.media_of(obj), self.content.text)
        ):
            self.add(join_path(path, "geometry", sub), message)
        if known_class:
            self.check_object_attributes(obj, path)
        if obj.score is not None and not (math.isfinite(obj.score) and 0 <= obj.score <= 1):
            self.add(join_path(path, "score"), f"score {obj.score!r} is not in [0, 1]")

    def check_object_attributes(self, obj: AnnotationObject, path: str) -> None:
        specs = self.ontology.resolved_attributes(obj.class_name)
        if not obj.attributes and not (self.complete and any(s.required for s in specs)):
            return  # nothing given and nothing demanded: the common case of a plain shape
        self.found.extend(
            check_attributes(
                specs,
                obj.attributes,
                join_path(path, "attributes"),
                f"class {obj.class_name!r}",
                complete=self.complete,
            )
        )

    def check_ids(self) -> None:
        first: dict[str, int] = {}
        for i, obj in enumerate(self.annotation.objects):
            if obj.id in first:
                message = f"duplicate object id {obj.id!r} (first at objects[{first[obj.id]}])"
                self.add(join_path("objects", i, "id"), message)
            first.setdefault(obj.id, i)
        seen: dict[str, int] = {}
        for k, relation in enumerate(self.annotation.relations):
            if relation.id in seen:
                first_at = f"relations[{seen[relation.id]}]"
                message = f"duplicate relation id {relation.id!r} (first at {first_at})"
                self.add(join_path("relations", k, "id"), message)
            seen.setdefault(relation.id, k)

    def check_tracks(self) -> None:
        """A track keeps one class across frames."""
        first: dict[str, int] = {}
        objects = self.annotation.objects
        for i, obj in enumerate(objects):
            if obj.track_id is None:
                continue
            j = first.setdefault(obj.track_id, i)
            if objects[j].class_name != obj.class_name:
                message = (
                    f"track {obj.track_id!r} is a {objects[j].class_name!r} at objects[{j}] "
                    f"but a {obj.class_name!r} here"
                )
                self.add(join_path("objects", i, "class_name"), message)

    def check_entities(self) -> None:
        """Objects sharing an entity_id carry a common entity type of the ontology."""
        if not self.ontology.entity_types:
            return
        by_entity: dict[str, list[int]] = defaultdict(list)
        for i, obj in enumerate(self.annotation.objects):
            if obj.entity_id is not None and self.ontology.has_class(obj.class_name):
                by_entity[obj.entity_id].append(i)
        for entity_id, indices in by_entity.items():
            common: set[str] | None = None
            for i in indices:
                obj = self.annotation.objects[i]
                modality = self.modality_of(obj)
                types = set(self.ontology.entity_types_of(obj.class_name, modality))
                where = join_path("objects", i, "entity_id")
                if not types:
                    self.add(
                        where, f"class {obj.class_name!r} carries no entity type in {modality}"
                    )
                    continue
                if common is not None and not common & types:
                    message = (
                        f"entity {entity_id!r} mixes entity types: a {obj.class_name!r} shares "
                        "none with the entity's other objects"
                    )
                    self.add(where, message)
                    continue
                common = types if common is None else common & types

    def check_endpoint(
        self, relation: Relation, spec: RelationSpec | None, side: str, path: str
    ) -> None:
        object_id: str = getattr(relation, side)
        obj = self.by_id.get(object_id)
        if obj is None:
            self.add(join_path(path, side), f"{side} {object_id!r} is no object of this annotation")
            return
        allowed: list[str] = [] if spec is None else getattr(spec, side + "s")
        if not allowed or not self.ontology.has_class(obj.class_name):
            return  # any class may be an endpoint, or the object's class is reported already
        if not any(self.ontology.is_a(obj.class_name, a) for a in allowed):
            message = (
                f"relation {relation.name!r} takes a {side} of class {', '.join(allowed)}; "
                f"{object_id!r} is a {obj.class_name!r}"
            )
            self.add(join_path(path, side), message)

    def check_relations(self) -> None:
        for k, relation in enumerate(self.annotation.relations):
            path = join_path("relations", k)
            spec = self.ontology.get_relation(relation.name)
            if spec is None:
                known = ", ".join(repr(r.name) for r in self.ontology.relations) or "none"
                self.add(
                    join_path(path, "name"), f"unknown relation {relation.name!r} (known: {known})"
                )
            self.check_endpoint(relation, spec, "source", path)
            self.check_endpoint(relation, spec, "target", path)
            if spec is not None:
                owner = f"relation {relation.name!r}"
                self.found.extend(
                    check_attributes(
                        spec.attributes,
                        relation.attributes,
                        join_path(path, "attributes"),
                        owner,
                        complete=self.complete,
                    )
                )

    def run(self) -> list[Violation]:
        self.check_ids()
        for i, obj in enumerate(self.annotation.objects):
            self.check_object(i, obj)
        self.check_tracks()
        self.check_entities()
        self.check_relations()
        return self.found


def validate_annotation(
    ontology: OntologyDocument,
    annotation: Annotation,
    content: ItemContent,
    *,
    complete: bool = True,
) -> list[Violation]:
    """Every way `annotation` breaks `ontology` or does not fit `content` (empty: valid).
    `complete=False` (a draft) leaves out only missing required attributes."""
    return _Checker(ontology, annotation, content, complete).run()
