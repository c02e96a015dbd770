"""Consistency of an ontology document beyond field types: names, hierarchy, geometry per
modality, attribute declarations, relations and entity types.

Every element comes with its index in the document, so a problem's path points at the
line the user wrote even when other elements were dropped for being malformed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ontolabel.core.modality import KINDS_BY_MODALITY, Modality
from ontolabel.core.ontology.attributes import check_spec
from ontolabel.core.ontology.paths import join_path
from ontolabel.core.ontology.spec import AttributeSpec, ClassSpec, EntityType, RelationSpec
from ontolabel.errors import Location, Violation

Indexed = list[tuple[int, ClassSpec]]


def _violation(path: str, message: str) -> Violation:
    return Violation(message, Location(path=path))


def check_attribute_list(
    attributes: Iterable[tuple[int, AttributeSpec]], owner: str
) -> list[Violation]:
    """Duplicate names and inconsistent declarations among one owner's attributes."""
    found: list[Violation] = []
    first_index: dict[str, int] = {}
    for j, attribute in attributes:
        path = join_path(owner, "attributes", j)
        if attribute.name in first_index:
            found.append(
                _violation(
                    join_path(path, "name"),
                    (
                        f"duplicate attribute name {attribute.name!r} "
                        f"(first at {join_path(owner, 'attributes', first_index[attribute.name])})"
                    ),
                )
            )
        first_index.setdefault(attribute.name, j)
        found.extend(
            _violation(join_path(path, sub), message) for sub, message in check_spec(attribute)
        )
    return found


def _parent_cycles(classes: Indexed) -> list[Violation]:
    """One violation per parent cycle, reported at the cycle's first class in the document."""
    # A duplicated name is reported on its own; its first definition is the one used.
    parent_of: dict[str, str | None] = {}
    index_of: dict[str, int] = {}
    for i, spec in classes:
        parent_of.setdefault(spec.name, spec.parent)
        index_of.setdefault(spec.name, i)
    reported: set[frozenset[str]] = set()
    found: list[Violation] = []
    for i, spec in classes:
        if index_of[spec.name] != i:
            continue  # a duplicate: its parent is not the one the hierarchy uses
        chain = [spec.name]
        current = spec.parent
        while current is not None and current in parent_of and current not in chain:
            chain.append(current)
            current = parent_of[current]
        if current is None or current not in chain:
            continue
        cycle = chain[chain.index(current) :]
        members = frozenset(cycle)
        if members in reported:
            continue
        reported.add(members)
        first = min(cycle, key=lambda name: index_of[name])
        start = cycle.index(first)
        ordered = cycle[start:] + cycle[:start] + [first]
        found.append(
            _violation(
                join_path("classes", index_of[first], "parent"),
                "parent cycle: " + " -> ".join(ordered),
            )
        )
    return found


def resolved_geometry_of(name: str, classes: dict[str, ClassSpec]) -> dict[Modality, list[str]]:
    """The geometry a class takes after inheritance (safe on cyclic, partial documents)."""
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current in classes and current not in seen:
        seen.add(current)
        spec = classes[current]
        if spec.geometry is not None:
            return {modality: [str(k) for k in kinds] for modality, kinds in spec.geometry.items()}
        current = spec.parent
    return {}


def _repeated(
    first: dict[str, int], name: str, index: int, path: str, what: str, listed: str, why: str = ""
) -> list[Violation]:
    """The duplicate-name violation of element `index` when `name` came earlier in the list
    `listed` (the first one is the one used); records the name otherwise."""
    if name in first:
        message = f"duplicate {what} {name!r} (first at {listed}[{first[name]}]){why}"
        return [_violation(join_path(path, "name"), message)]
    first[name] = index
    return []


def _check_classes(classes: Indexed, declared: frozenset[str], attributes: bool) -> list[Violation]:
    found: list[Violation] = []
    first_name: dict[str, int] = {}
    first_hotkey: dict[str, int] = {}
    for i, spec in classes:
        path = join_path("classes", i)
        found.extend(
            _repeated(
                first_name,
                spec.name,
                i,
                path,
                "class name",
                "classes",
                "; class names are unique across the whole ontology",
            )
        )
        if spec.hotkey is not None:
            if spec.hotkey in first_hotkey:
                found.append(
                    _violation(
                        join_path(path, "hotkey"),
                        (
                            f"hotkey {spec.hotkey!r} is already used by "
                            f"classes[{first_hotkey[spec.hotkey]}]"
                        ),
                    )
                )
            first_hotkey.setdefault(spec.hotkey, i)
        for modality, kinds in (spec.geometry or {}).items():
            for k, kind in enumerate(kinds):
                where = join_path(path, "geometry", str(modality), k)
                if kind not in KINDS_BY_MODALITY[modality]:
                    allowed = ", ".join(sorted(KINDS_BY_MODALITY[modality]))
                    found.append(
                        _violation(
                            where,
                            (
                                f"geometry kind {str(kind)!r} does not exist in {modality}; "
                                f"{modality} takes {allowed}"
                            ),
                        )
                    )
                elif kind in kinds[:k]:
                    found.append(_violation(where, f"geometry kind {str(kind)!r} is listed twice"))
        if attributes:
            found.extend(check_attribute_list(enumerate(spec.attributes), path))
    names = set(first_name) | declared
    for i, spec in classes:
        if spec.parent is not None and spec.parent not in names:
            found.append(
                _violation(
                    join_path("classes", i, "parent"),
                    (f"unknown parent class {spec.parent!r} of {spec.name!r}"),
                )
            )
    found.extend(_parent_cycles(classes))
    return found


def _check_relations(
    relations: Iterable[tuple[int, RelationSpec]], names: set[str], attributes: bool
) -> list[Violation]:
    found: list[Violation] = []
    first_name: dict[str, int] = {}
    for i, relation in relations:
        path = join_path("relations", i)
        found.extend(_repeated(first_name, relation.name, i, path, "relation name", "relations"))
        for side in ("sources", "targets"):
            for k, class_name in enumerate(getattr(relation, side)):
                if class_name not in names:
                    found.append(
                        _violation(
                            join_path(path, side, k),
                            (f"relation {relation.name!r} names unknown class {class_name!r}"),
                        )
                    )
        if attributes:
            found.extend(check_attribute_list(enumerate(relation.attributes), path))
    return found


def _check_entity_types(
    entity_types: Iterable[tuple[int, EntityType]],
    classes: dict[str, ClassSpec],
    declared: frozenset[str],
) -> list[Violation]:
    found: list[Violation] = []
    first_name: dict[str, int] = {}
    for i, entity in entity_types:
        path = join_path("entity_types", i)
        found.extend(_repeated(first_name, entity.name, i, path, "entity type", "entity_types"))
        for modality, class_names in entity.classes.items():
            for k, class_name in enumerate(class_names):
                where = join_path(path, "classes", str(modality), k)
                if class_name in declared and class_name not in classes:
                    continue  # declared but malformed: reported where it is declared
                if class_name not in classes:
                    found.append(
                        _violation(
                            where,
                            (f"entity type {entity.name!r} names unknown class {class_name!r}"),
                        )
                    )
                elif not resolved_geometry_of(class_name, classes).get(modality):
                    found.append(
                        _violation(
                            where,
                            (
                                f"class {class_name!r} takes no geometry in {modality}, "
                                "so it cannot "
                                f"carry {entity.name!r} there"
                            ),
                        )
                    )
    return found


def check_document(
    classes: Indexed,
    relations: Iterable[tuple[int, RelationSpec]],
    entity_types: Iterable[tuple[int, EntityType]],
    declared: frozenset[str] = frozenset(),
    *,
    attributes: bool = True,
) -> list[Violation]:
    """Every consistency problem of a (possibly partial) ontology document.

    `declared` names classes the document declares that failed to parse; they count as
    known, so their malformation is not echoed as "unknown class" elsewhere. With
    `attributes=False` the caller checks attribute lists itself (with their own indices).
    """
    found = _check_classes(classes, declared, attributes)
    by_name: dict[str, ClassSpec] = {}
    for _, spec in classes:
        by_name.setdefault(spec.name, spec)
    found.extend(_check_relations(relations, set(by_name) | declared, attributes))
    found.extend(_check_entity_types(entity_types, by_name, declared))
    return found
