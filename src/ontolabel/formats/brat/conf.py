"""brat's ``annotation.conf`` and ontolabel's ontology, each made from the other.

``ontology_from_conf`` turns a brat configuration into an ontology document (to create a
project for a brat corpus): entity and event types become span classes (indentation is the
hierarchy, ``!Type`` a class that groups others but takes no span), ``[relations]`` and
each event role become relations, ``[attributes]`` become enum attributes (``Value:a|b``) or
bool attributes (none) of the classes their ``Arg`` names. Every class and relation also
takes the text attributes ``AnnotatorNotes`` and ``Reference`` that brat's notes and
normalizations are read into.

``conf_from_ontology`` writes the configuration an export needs: the classes written as
events (and the roles they used) under ``[events]``, every other class under
``[entities]``, the ontology's relations, and its enum and bool attributes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ontolabel.core.ontology import AttributeType, Ontology
from ontolabel.formats.brat.standoff import NOTES, REFERENCE

SECTIONS = ("entities", "relations", "events", "attributes")
# how an ontology made from a conf remembers what brat calls events and their roles
EVENT_TYPE = "brat event type"
EVENT_ROLE = "brat event role"
_MACRO = re.compile(r"^<([^>]+)>\s*=\s*(.+)$")
_ROLE = re.compile(r"^([^?*+{]+)")


@dataclass
class _Type:
    name: str
    parent: str | None
    abstract: bool
    args: str = ""


@dataclass
class Usage:
    """What an export wrote, which the ontology alone does not say."""

    events: set[str] = field(default_factory=set)  # classes written as events
    roles: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )  # event class -> role -> target classes
    equivalences: set[str] = field(default_factory=set)  # relation names written as '*'


def _sections(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {s: [] for s in SECTIONS}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("---"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped[1:-1].strip().lower()
            continue
        if current in found:
            found[current].append(line)
    return found


def _tree(lines: list[str], macros: dict[str, str]) -> list[_Type]:
    """Types with their parents, from indentation (a deeper line is a child)."""
    out: list[_Type] = []
    stack: list[tuple[int, str]] = []
    for line in lines:
        match = _MACRO.match(line.strip())
        if match:
            macros[match.group(1)] = match.group(2).strip()
            continue
        depth = len(line) - len(line.lstrip())
        name, args = _head(line)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        abstract = name.startswith("!")
        name = name.lstrip("!")
        out.append(_Type(name, stack[-1][1] if stack else None, abstract, args.strip()))
        stack.append((depth, name))
    return out


def _head(line: str) -> tuple[str, str]:
    """A line's first word (a type or attribute name) and the rest."""
    parts = line.strip().split(None, 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _args(text: str) -> list[tuple[str, str]]:
    """``Theme+:Protein, Site?:Entity`` -> [("Theme+", "Protein"), ("Site?", "Entity")]."""
    pairs: list[tuple[str, str]] = []
    for part in text.split(","):
        role, colon, types = part.strip().partition(":")
        if colon and role:
            pairs.append((role.strip(), types.strip()))
    return pairs


class _Expander:
    def __init__(self, macros: dict[str, str], entities: list[str], events: list[str]):
        self.macros = macros
        self.groups = {"ENTITY": entities, "EVENT": events}

    def types(self, spec: str) -> list[str] | None:
        """The class names ``spec`` stands for; None: any class (``<ANY>``)."""
        out: list[str] = []
        for part in spec.split("|"):
            part = part.strip()
            if part.startswith("<") and part.endswith(">"):
                key = part[1:-1]
                if key == "ANY":
                    return None
                inner = self.types(self.macros[key]) if key in self.macros else None
                if key in self.macros and inner is None:
                    return None
                out.extend(inner if inner is not None else self.groups.get(key, []))
            elif part:
                out.append(part)
        return list(dict.fromkeys(out))


def ontology_from_conf(text: str, name: str) -> dict[str, Any]:
    """An ontology document (for ``parse_ontology``) from ``annotation.conf``'s text."""
    sections = _sections(text)
    macros: dict[str, str] = {}
    entities = _tree(sections["entities"], macros)
    events = _tree(sections["events"], macros)
    expand = _Expander(macros, [t.name for t in entities], [t.name for t in events])
    classes: dict[str, dict[str, Any]] = {}
    event_names = {t.name for t in events}
    for t in [*entities, *events]:
        classes.setdefault(
            t.name,
            {
                "name": t.name,
                **({"parent": t.parent} if t.parent else {}),
                **({"description": EVENT_TYPE} if t.name in event_names else {}),
                "geometry": {"text": [] if t.abstract else ["span"]},
                "attributes": [],
            },
        )
    # None: any class (an empty list in the ontology)
    relations: dict[str, dict[str, list[str] | None]] = {}
    role_names: set[str] = set()

    def relate(rel: str, sources: list[str] | None, targets: list[str] | None) -> None:
        spec = relations.setdefault(rel, {"sources": [], "targets": []})
        for key, names in (("sources", sources), ("targets", targets)):
            have = spec[key]
            spec[key] = (
                None if names is None or have is None else list(dict.fromkeys([*have, *names]))
            )

    for line in sections["relations"]:
        if _MACRO.match(line.strip()):
            continue
        rel, rest = _head(line)
        pairs = [(r, t) for r, t in _args(rest) if not r.startswith("<")]
        if rel == "ENTITY-NESTING" or len(pairs) != 2:
            continue
        relate(rel, expand.types(pairs[0][1]), expand.types(pairs[1][1]))
    for event in events:
        for role, types in _args(event.args):
            match = _ROLE.match(role)
            if match:
                role_names.add(match.group(1).strip())
                relate(match.group(1).strip(), [event.name], expand.types(types))
    for line in sections["attributes"]:
        attr, rest = _head(line)
        keys = dict(_args(rest))
        values = [v for v in keys.get("Value", "").split("|") if v]
        spec: dict[str, Any] = (
            {"name": attr, "type": "enum", "options": values}
            if values
            else {"name": attr, "type": "bool"}
        )
        for target in expand.types(keys.get("Arg", "")) or []:
            if target in classes:
                classes[target]["attributes"].append(spec)
    notes = [{"name": NOTES, "type": "text"}, {"name": REFERENCE, "type": "text"}]
    for spec_ in classes.values():
        if "parent" not in spec_:
            spec_["attributes"].extend(notes)
    return {
        "name": name,
        "classes": list(classes.values()),
        "relations": [
            {
                "name": rel,
                **({"description": EVENT_ROLE} if rel in role_names else {}),
                "sources": spec["sources"] or [],
                "targets": spec["targets"] or [],
                "attributes": [{"name": NOTES, "type": "text"}],
            }
            for rel, spec in relations.items()
        ],
    }


def _types(names: Iterable[str]) -> str:
    listed = "|".join(names)
    return listed or "<ANY>"


def _event_classes(ontology: Ontology, usage: Usage) -> tuple[set[str], set[str]]:
    """The classes written as events and the relations that are event roles: what the
    export wrote as such, what the ontology marks so (made from a conf), and every relation
    whose sources are all event classes."""
    roles = {role for used in usage.roles.values() for role in used} - usage.equivalences
    roles |= {r.name for r in ontology.relations if r.description == EVENT_ROLE}
    events = set(usage.events)
    events |= {n for n in ontology.class_names() if ontology.get_class(n).description == EVENT_TYPE}
    for relation in ontology.relations:
        if relation.name in roles:
            for source in relation.sources:
                events.update([source, *ontology.descendants(source)])
    for relation in ontology.relations:
        if relation.sources and all(s in events for s in relation.sources):
            roles.add(relation.name)
    return events, roles - usage.equivalences


def _event_args(ontology: Ontology, usage: Usage, name: str, roles: set[str]) -> str:
    args: dict[str, set[str]] = defaultdict(set)
    for relation in ontology.relations:
        if relation.name in roles and any(ontology.is_a(name, s) for s in relation.sources):
            args[relation.name].update(relation.targets)
    for role, targets in usage.roles.get(name, {}).items():
        spec = ontology.get_relation(role)
        if spec is None or not spec.targets:
            args[role].update(t for t in targets if t)
    return ", ".join(f"{role}*:{_types(sorted(t))}" for role, t in args.items())


def conf_from_ontology(ontology: Ontology, usage: Usage) -> str:
    """``annotation.conf`` for an export of ``ontology`` that wrote ``usage``."""
    events, roles = _event_classes(ontology, usage)
    known = set(ontology.class_names())
    with_ancestors = {a for e in events & known for a in ontology.class_path(e)}
    lines = [f"# written by ontolabel from ontology {ontology.name!r}", "", "[entities]", ""]

    def tree(names: list[str], depth: int, wanted: set[str], as_events: bool) -> None:
        for name in names:
            if name not in wanted:
                continue
            takes_span = "span" in ontology.allowed_kinds(name, "text")
            usable = takes_span and (name in events or not as_events)
            label = ("" if usable else "!") + name
            args = _event_args(ontology, usage, name, roles) if as_events and usable else ""
            lines.append("\t" * depth + (f"{label}\t{args}" if args else label))
            tree(ontology.children(name), depth + 1, wanted, as_events)

    entity_classes = {n for n in known if n not in events}
    entity_classes |= {a for n in entity_classes for a in ontology.class_path(n)}
    tree(ontology.roots(), 0, entity_classes - events, False)
    lines += ["", "[relations]", ""]
    for relation in ontology.relations:
        if relation.name in roles:
            continue
        line = f"{relation.name}\tArg1:{_types(relation.sources)}, Arg2:{_types(relation.targets)}"
        if relation.name in usage.equivalences:
            line += ", <REL-TYPE>:symmetric-transitive"
        lines.append(line)
    lines += ["", "[events]", ""]
    tree(ontology.roots(), 0, with_ancestors, True)
    for extra in sorted(events - known):  # classes the ontology does not declare
        args = _event_args(ontology, usage, extra, roles)
        lines.append(f"{extra}\t{args}" if args else extra)
    lines += ["", "[attributes]", ""]
    owners: dict[str, list[str]] = defaultdict(list)
    specs: dict[str, Any] = {}
    for name in ontology.class_names():
        for attribute in ontology.get_class(name).attributes:
            if attribute.name in (NOTES, REFERENCE):
                continue
            owners[attribute.name].append(name)
            specs.setdefault(attribute.name, attribute)
    for attr, names in owners.items():
        spec = specs[attr]
        if spec.type == AttributeType.BOOL:
            lines.append(f"{attr}\tArg:{'|'.join(names)}")
        elif spec.type == AttributeType.ENUM:
            lines.append(f"{attr}\tArg:{'|'.join(names)}, Value:{'|'.join(spec.options or [])}")
        else:
            lines.append(f"# {attr} ({spec.type}): brat attributes are enum or bool only")
    return "\n".join(lines) + "\n"
