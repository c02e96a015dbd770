"""One item's annotation as brat ``.ann`` lines (the inverse of ``standoff.py``).

Ids are kept where they are brat ids already (``T3``, ``R1``, ``E2``: an import's own), so a
round trip gives the same file; other objects and relations get the next free number.
Objects whose id is an event id (``E<n>``) are events: their span becomes a trigger line
(one per class and span) and the relations ``E<n>:<role>`` from them its arguments.
Relations whose id starts with ``*`` are equivalences. A span that crosses a line break is
written as fragments split there, as brat makes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue, Relation
from ontolabel.core.geometry import Span
from ontolabel.formats.brat.conf import Usage
from ontolabel.formats.brat.standoff import DISCONTINUOUS_SEPARATOR, NOTES, REFERENCE, role_name

_T = re.compile(r"^T(\d+)$")
_R = re.compile(r"^R(\d+)$")
EVENT_ID = re.compile(r"^E(\d+)$")
_LINE_BREAKS = re.compile(r"[^\r\n]+")

Skip = Callable[[str, str | None], None]  # (message, path in the annotation)


class _Ids:
    """brat ids of one prefix: the kept ones, then the next free numbers."""

    def __init__(self, prefix: str, pattern: re.Pattern[str], wanted: list[str]):
        self.prefix = prefix
        self.kept: set[str] = set()
        for oid in wanted:
            if pattern.match(oid):
                self.kept.add(oid)
        self.next = 1 + max((int(k[len(prefix) :]) for k in self.kept), default=0)

    def of(self, oid: str | None) -> str:
        if oid is not None and oid in self.kept:
            self.kept.discard(oid)  # a second object of that id gets a fresh one
            return oid
        fresh = f"{self.prefix}{self.next}"
        self.next += 1
        return fresh


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` split at line breaks (an ``.ann`` line cannot hold one)."""
    return [(start + m.start(), start + m.end()) for m in _LINE_BREAKS.finditer(text[start:end])]


def _value(value: AttributeValue) -> str | None:
    """An attribute value as brat's one-word value; None: no such form."""
    if isinstance(value, bool | list) or value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value and not any(c.isspace() for c in value):
        return value
    return None


class AnnWriter:
    def __init__(self, text: str, usage: Usage, skip: Skip):
        self.text = text
        self.usage = usage
        self.skip = skip
        self.lines: list[str] = []
        self.n_attr = 0
        self.n_note = 0
        self.n_norm = 0
        self.objects = 0

    def write(self, document: Annotation) -> str:
        spans: list[tuple[int, AnnotationObject, Span]] = []
        for index, obj in enumerate(document.objects):
            path = f"objects[{index}]"
            if not isinstance(obj.geometry, Span):
                self.skip(f"brat has no form for a {obj.geometry.kind}", path)
            elif any(c.isspace() for c in obj.class_name):
                # brat ends the type at the first space: its own reader (and ours) refuses it
                self.skip(
                    f"class {obj.class_name!r} has whitespace: it cannot be a brat label", path
                )
            else:
                spans.append((index, obj, obj.geometry))
        t_ids = _Ids("T", _T, [o.id for _, o, _ in spans if not EVENT_ID.match(o.id)])
        brat: dict[str, str] = {}  # object id -> brat id
        events: list[tuple[int, AnnotationObject, Span]] = []
        for index, obj, span in spans:
            if EVENT_ID.match(obj.id):
                events.append((index, obj, span))
                continue
            if obj.id in brat:
                self.skip(f"object id {obj.id!r} repeats", f"objects[{index}]")
                continue
            tid = t_ids.of(obj.id)
            if self._textbound(tid, obj.class_name, span, f"objects[{index}]"):
                brat[obj.id] = tid
        triggers: dict[tuple[str, int, int], str] = {}
        for index, obj, span in events:
            key = (obj.class_name, span.start, span.end)
            if key not in triggers:
                tid = t_ids.of(None)
                if not self._textbound(tid, obj.class_name, span, f"objects[{index}]"):
                    continue
                triggers[key] = tid
            brat[obj.id] = obj.id
        self._events(document, events, triggers, brat)
        r_ids = _Ids("R", _R, [r.id for r in document.relations])
        equivalences: dict[str, list[tuple[int, Relation]]] = {}
        for k, relation in enumerate(document.relations):
            path = f"relations[{k}]"
            if relation.source in brat and relation.id.startswith(f"{relation.source}:"):
                continue  # an event argument, written with its event
            if relation.source not in brat or relation.target not in brat:
                self.skip(f"relation {relation.id!r} joins an object not written", path)
                continue
            if relation.id.startswith("*"):
                group = relation.id.rsplit("-", 1)[0]
                equivalences.setdefault(group, []).append((k, relation))
                continue
            rid = r_ids.of(relation.id)
            source, target = brat[relation.source], brat[relation.target]
            self.lines.append(f"{rid}\t{relation.name} Arg1:{source} Arg2:{target}\t")
            self._attributes(rid, relation.attributes, path)
        for members in equivalences.values():
            self._equivalence(members, brat)
        for index, obj in enumerate(document.objects):
            if obj.id in brat:
                self._attributes(brat[obj.id], obj.attributes, f"objects[{index}]")
                lost = [k for k in ("entity_id", "track_id", "score") if getattr(obj, k)]
                if lost:
                    self.skip(f"{', '.join(lost)} of {obj.id!r} not written", f"objects[{index}]")
        self.objects = len(brat)
        return "".join(line + "\n" for line in self._ordered())

    def _ordered(self) -> list[str]:
        # brat's own order: text-bound lines first, so every reference points backwards
        order = {"T": 0, "E": 1, "R": 2, "*": 3, "A": 4, "N": 5, "#": 6}
        return sorted(self.lines, key=lambda line: order.get(line[0], 7))

    def _textbound(self, tid: str, cls: str, span: Span, path: str) -> bool:
        parts = fragments(self.text, span.start, span.end)
        if not parts:
            self.skip("the span covers line breaks only", path)
            return False
        offsets = ";".join(f"{s} {e}" for s, e in parts)
        covered = DISCONTINUOUS_SEPARATOR.join(self.text[s:e] for s, e in parts)
        self.lines.append(f"{tid}\t{cls} {offsets}\t{covered}")
        return True

    def _events(
        self,
        document: Annotation,
        events: list[tuple[int, AnnotationObject, Span]],
        triggers: dict[tuple[str, int, int], str],
        brat: dict[str, str],
    ) -> None:
        classes = {o.id: o.class_name for o in document.objects}
        for _, obj, span in events:
            trigger = triggers.get((obj.class_name, span.start, span.end))
            if trigger is None:
                continue
            self.usage.events.add(obj.class_name)
            args: list[str] = []
            roles: set[str] = set()
            for k, relation in enumerate(document.relations):
                if relation.source != obj.id or not relation.id.startswith(f"{obj.id}:"):
                    continue
                if relation.target not in brat:
                    self.skip(
                        f"event argument {relation.id!r} joins an object not written",
                        f"relations[{k}]",
                    )
                    continue
                args.append(f"{self._role(obj.id, relation, roles)}:{brat[relation.target]}")
                target_class = classes.get(relation.target, "")
                self.usage.roles[obj.class_name][relation.name].add(target_class)
                if relation.attributes:
                    self.skip(
                        f"attributes of event argument {relation.id!r} not written",
                        f"relations[{k}]",
                    )
            line = f"{obj.id}\t{obj.class_name}:{trigger}"
            self.lines.append(" ".join([line, *args]))

    @staticmethod
    def _role(event: str, relation: Relation, taken: set[str]) -> str:
        """The role as the import read it (``Site2`` pairs with ``Theme2``: kept in the
        relation's id), else the relation's name, numbered when it repeats."""
        written = relation.id[len(event) + 1 :]
        if role_name(written) != relation.name or written in taken:
            written = relation.name
            n = 1
            while written in taken:
                n += 1
                written = f"{relation.name}{n}"
        taken.add(written)
        return written

    def _equivalence(self, group: list[tuple[int, Relation]], brat: dict[str, str]) -> None:
        relations = [r for _, r in group]
        chain = all(
            a.target == b.source and a.name == b.name
            for a, b in zip(relations, relations[1:], strict=False)
        )
        members = (
            [[relations[0].source, *(r.target for r in relations)]]
            if chain
            else [[r.source, r.target] for r in relations]
        )
        for names, (_, relation) in zip(members, group, strict=False):
            self.usage.equivalences.add(relation.name)
            self.lines.append(f"*\t{relation.name} " + " ".join(brat[m] for m in names))
        for k, relation in group:
            if relation.attributes:
                self.skip(
                    f"attributes of equivalence {relation.id!r} not written: it has no id",
                    f"relations[{k}]",
                )

    def _attributes(self, target: str, attributes: dict[str, AttributeValue], path: str) -> None:
        for name, value in attributes.items():
            where = f"{path}.attributes.{name}"
            if name == NOTES and isinstance(value, str):
                for note in value.split("\n"):
                    self.n_note += 1
                    self.lines.append(f"#{self.n_note}\t{NOTES} {target}\t{note}")
                continue
            if name == REFERENCE and isinstance(value, str):
                for entry in value.split("\n"):
                    reference, _, label = entry.partition("\t")
                    self.n_norm += 1
                    self.lines.append(f"N{self.n_norm}\t{REFERENCE} {target} {reference}\t{label}")
                continue
            if value is None or value is False:
                continue  # brat's binary attribute: absent is false
            word = "" if value is True else _value(value)
            if word is None:
                self.skip(f"attribute {name} = {value!r} has no brat form (one word)", where)
                continue
            self.n_attr += 1
            self.lines.append(f"A{self.n_attr}\t{name} {target}" + (f" {word}" if word else ""))
