"""Reading an ontology file and refusing a bad one with every problem, each with its file,
line (for YAML) and path.

Parsing goes element by element (each class, each attribute, each relation) so that one
malformed class does not hide the problems of the others; the consistency checks then
run over everything that did parse.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ontolabel.core.ontology.checks import check_attribute_list, check_document
from ontolabel.core.ontology.ontology import Ontology
from ontolabel.core.ontology.paths import PathPart, join_path
from ontolabel.core.ontology.spec import (
    AttributeSpec,
    ClassSpec,
    EntityType,
    OntologyHeader,
    RelationSpec,
)
from ontolabel.errors import Location, OntologyError, Violation

_LISTS = ("classes", "relations", "entity_types")

M = TypeVar("M", bound=BaseModel)


def _loc_to_path(prefix: str, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """A pydantic error location as our path, and a note for dict-key errors."""
    parts: list[PathPart] = []
    note = ""
    for item in loc:
        if item == "[key]":
            note = "key"  # pydantic marks a bad mapping key (e.g. an unknown modality)
            continue
        parts.append(item)
    return join_path(prefix, *parts), note


def _pydantic_violations(prefix: str, error: ValidationError) -> list[Violation]:
    found: list[Violation] = []
    for detail in error.errors(include_url=False):
        path, note = _loc_to_path(prefix, tuple(detail["loc"]))
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        elif detail["type"] == "missing":
            message = "required field is missing"
        elif detail["type"] == "enum" and "expected" in detail.get("ctx", {}):
            what = "key" if note else "value"
            message = f"unknown {what} {detail['input']!r}; expected {detail['ctx']['expected']}"
        elif note:
            message = f"bad key {detail['input']!r}: {message}"
        found.append(Violation(message, Location(path=path)))
    return found


def _parse(model: type[M], raw: Any, path: str, found: list[Violation]) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        found.extend(_pydantic_violations(path, error))
        return None


def _parse_with_attributes(model: type[M], raw: Any, path: str, found: list[Violation]) -> M | None:
    """Parse a class or relation, each of its attributes on its own."""
    if not isinstance(raw, dict):
        found.append(
            Violation(f"expected a mapping, got {type(raw).__name__}", Location(path=path))
        )
        return None
    raw_attributes = raw.get("attributes", [])
    parsed = _parse(model, {**raw, "attributes": []}, path, found)
    if not isinstance(raw_attributes, list):
        found.append(
            Violation("attributes is a list", Location(path=join_path(path, "attributes")))
        )
        return None
    attributes: list[tuple[int, AttributeSpec]] = []
    for j, raw_attribute in enumerate(raw_attributes):
        attribute = _parse(AttributeSpec, raw_attribute, join_path(path, "attributes", j), found)
        if attribute is not None:
            attributes.append((j, attribute))
    # Checked here, with their indices in the file, since malformed ones were left out.
    found.extend(check_attribute_list(attributes, path))
    if parsed is None:
        return None
    # Keep the class even if some attributes were malformed: its name, parent and
    # geometry still take part in the consistency checks.
    return parsed.model_copy(update={"attributes": [a for _, a in attributes]})


def _parse_list(
    document: dict[str, Any],
    name: str,
    parse_one: Callable[[Any, str, list[Violation]], M | None],
    found: list[Violation],
) -> list[tuple[int, M]]:
    raw = document.get(name, [])
    if raw is None:
        return []
    if not isinstance(raw, list):
        found.append(Violation(f"{name} is a list", Location(path=name)))
        return []
    out: list[tuple[int, M]] = []
    for i, element in enumerate(raw):
        parsed = parse_one(element, join_path(name, i), found)
        if parsed is not None:
            out.append((i, parsed))
    return out


def _problems(document: dict[str, Any]) -> list[Violation]:
    found: list[Violation] = []
    header = {k: v for k, v in document.items() if k not in _LISTS}
    _parse(OntologyHeader, header, "", found)

    def parse_class(raw: Any, path: str, sink: list[Violation]) -> ClassSpec | None:
        return _parse_with_attributes(ClassSpec, raw, path, sink)

    def parse_relation(raw: Any, path: str, sink: list[Violation]) -> RelationSpec | None:
        return _parse_with_attributes(RelationSpec, raw, path, sink)

    def parse_entity(raw: Any, path: str, sink: list[Violation]) -> EntityType | None:
        return _parse(EntityType, raw, path, sink)

    classes = _parse_list(document, "classes", parse_class, found)
    relations = _parse_list(document, "relations", parse_relation, found)
    entity_types = _parse_list(document, "entity_types", parse_entity, found)
    if not document.get("classes"):
        found.append(Violation("an ontology declares at least one class", Location(path="classes")))
    raw_classes = document.get("classes")
    declared = frozenset(
        c["name"]
        for c in (raw_classes if isinstance(raw_classes, list) else [])
        if isinstance(c, dict) and isinstance(c.get("name"), str)
    )
    found.extend(check_document(classes, relations, entity_types, declared, attributes=False))
    found.extend(_unknown_parents_of_malformed(raw_classes, {i for i, _ in classes}, declared))
    return found


def _unknown_parents_of_malformed(
    raw_classes: Any, parsed: set[int], declared: frozenset[str]
) -> list[Violation]:
    """A class that failed to parse is left out of the consistency checks, but a parent
    it names that no class declares is still its own problem: report it too."""
    if not isinstance(raw_classes, list):
        return []
    found: list[Violation] = []
    for i, raw in enumerate(raw_classes):
        if i in parsed or not isinstance(raw, dict):
            continue
        parent, name = raw.get("parent"), raw.get("name")
        if isinstance(parent, str) and parent not in declared:
            found.append(
                Violation(
                    f"unknown parent class {parent!r} of {name!r}",
                    Location(path=join_path("classes", i, "parent")),
                )
            )
    return found


def _with_file(
    violations: list[Violation], file: str | None, lines: dict[str, int]
) -> list[Violation]:
    out: list[Violation] = []
    for v in violations:
        out.append(
            dataclasses.replace(
                v,
                location=dataclasses.replace(
                    v.location, file=file, line=_line_of(v.location.path, lines)
                ),
            )
        )
    return out


def _line_of(path: str | None, lines: dict[str, int]) -> int | None:
    """Line of the deepest element of `path` present in the source."""
    if not lines or path is None:
        return None
    candidate = path
    while candidate:
        if candidate in lines:
            return lines[candidate]
        cut = max(candidate.rfind("."), candidate.rfind("["))
        candidate = candidate[:cut] if cut > 0 else ""
    return lines.get("")


def parse_ontology(
    document: Any, file: str | None = None, *, _lines: dict[str, int] | None = None
) -> Ontology:
    """The Ontology of a parsed document (dict); OntologyError listing every problem."""
    if not isinstance(document, dict):
        raise OntologyError(
            f"an ontology document is a mapping, got {type(document).__name__}",
            location=Location(file=file),
        )
    problems = _problems(document)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise OntologyError(
            f"the ontology is not valid ({count})",
            _with_file(problems, file, _lines or {}),
            location=Location(file=file),
        )
    return Ontology.model_validate(document)


def yaml_lines(text: str) -> dict[str, int]:
    """Map each path in a YAML document to its 1-based line ("" for the root)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = join_path(path, str(key_node.value))
                lines[child] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, join_path(path, i))

    if root is not None:
        walk(root, "")
    return lines


def load_ontology(path: str | Path) -> Ontology:
    """Read an ontology from a .yaml/.yml or .json file (by suffix; else YAML, which also
    reads JSON)."""
    source = Path(path)
    name = str(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OntologyError(
            f"cannot read the ontology file: {error}", location=Location(file=name)
        ) from error
    return parse_ontology_text(text, name, json_syntax=source.suffix.lower() == ".json")


def parse_ontology_text(
    text: str, file: str | None = None, *, json_syntax: bool = False
) -> Ontology:
    """The Ontology written in `text` (YAML, or JSON when `json_syntax`)."""
    try:
        document = json.loads(text) if json_syntax else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise OntologyError(
            f"not valid JSON: {error.msg}", location=Location(file=file, line=error.lineno)
        ) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise OntologyError(
            f"not valid YAML: {error}", location=Location(file=file, line=line)
        ) from error
    return parse_ontology(document, file, _lines={} if json_syntax else yaml_lines(text))
