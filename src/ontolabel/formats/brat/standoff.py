"""One brat ``.ann`` file read against its ``.txt``: core objects and relations.

How brat's annotations become ontolabel's (and back, in ``writer.py``):

* ``T1\\tType START END\\tcovered`` -> a Span object ``T1`` of class ``Type``. Offsets are
  code points of the ``.txt`` read as UTF-8, exactly as stored (CRLF kept); the covered text
  must equal the slice. brat splits a span that crosses a line break into fragments
  (``0 5;6 10``): fragments separated by line breaks only are one span again. Any other
  discontinuous span is refused: an ontolabel span is one range, and several objects
  would not say they are one mention.
* ``R1\\tType Arg1:T1 Arg2:T2`` -> Relation ``R1`` from ``T1`` to ``T2``.
* ``*\\tType T1 T2 T3`` (equivalence, no id of its own) -> relations ``*k-1`` (T1 -> T2) and
  ``*k-2`` (T2 -> T3) for the k-th such line: the ``*`` in the id is what writes them back as
  one equivalence line.
* ``E1\\tType:T9 Theme:T1 Cause:E2`` (event) -> an object ``E1`` of class ``Type`` on its
  trigger's span, and one relation per argument, ``E1:Theme`` named by the role (brat's
  numbered repeats ``Theme2``, ``Theme3`` are role ``Theme``). A trigger that nothing but
  events refers to (brat's rule) is part of its events, not an object of its own.
* ``A1\\tName T1 [Value]`` and the older ``M1\\tName E1`` -> attribute ``Name`` of the object
  (or relation): ``Value``, or ``true`` when there is none.
* ``#1\\tAnnotatorNotes T1\\tnote`` -> attribute ``AnnotatorNotes`` (several notes of one
  target joined by line breaks, which a note cannot hold).
* ``N1\\tReference T1 DB:ID\\tname`` -> attribute ``Reference`` = ``DB:ID`` + tab + ``name``
  (several, one per line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue, Relation
from ontolabel.core.geometry import Span

NOTES = "AnnotatorNotes"
REFERENCE = "Reference"
DISCONTINUOUS_SEPARATOR = " "  # brat joins the texts of a span's fragments with it
_ROLE_NUMBER = re.compile(r"^(.*?\D)\d+$")
_ID = re.compile(r"^(?:[TREAMN]\d+|#\d*|\*)$")
_NORMALIZATION = re.compile(r"^(\S+) (\S+) (\S+?:\S+)$")

Problem = tuple[int, str]  # (line number in the .ann, message)


def role_name(role: str) -> str:
    """``Theme2`` -> ``Theme``: brat numbers an event's repeated roles."""
    match = _ROLE_NUMBER.match(role)
    return match.group(1) if match else role


@dataclass
class _TextBound:
    line: int
    type: str
    start: int
    end: int


@dataclass
class _Event:
    line: int
    type: str
    trigger: str
    args: list[tuple[str, str]]


@dataclass
class _Parsed:
    textbounds: dict[str, _TextBound] = field(default_factory=dict)
    events: dict[str, _Event] = field(default_factory=dict)
    relations: list[tuple[int, Relation]] = field(default_factory=list)
    equivalences: list[tuple[int, str, list[str]]] = field(default_factory=list)
    # (line, target, name, value, joins) of attributes, notes and normalizations; notes and
    # normalizations join (several per target), attributes do not
    attributes: list[tuple[int, str, str, AttributeValue, bool]] = field(default_factory=list)


class AnnReader:
    """Reads the lines of one ``.ann``; ``problems`` lists what is wrong, by line."""

    def __init__(self, text: str):
        self.text = text
        self.problems: list[Problem] = []
        self.parsed = _Parsed()
        self.ids: set[str] = set()

    def read(self, lines: list[str]) -> Annotation | None:
        for number, raw in enumerate(lines, start=1):
            line = raw[:-1] if raw.endswith("\n") else raw
            if not line.strip():
                continue
            self._line(number, line)
        if self.problems:
            return None
        document = self._build()
        return None if self.problems else document

    def _bad(self, number: int, message: str) -> None:
        self.problems.append((number, message))

    def _claim(self, number: int, oid: str) -> bool:
        if oid in self.ids:
            self._bad(number, f"id {oid} is used twice")
            return False
        self.ids.add(oid)
        return True

    def _line(self, number: int, line: str) -> None:
        oid, tab, rest = line.partition("\t")
        if not tab or not _ID.match(oid):
            self._bad(number, f"not a brat annotation line (id {oid[:20]!r}, then a tab)")
            return
        data, _, tail = rest.partition("\t")
        data = data.rstrip("\r")
        kind = oid[0]
        if kind == "T":
            self._textbound(number, oid, data, tail)
        elif kind == "E":
            self._event(number, oid, data)
        elif kind == "R":
            self._relation(number, oid, data)
        elif kind == "*":
            parts = data.split()
            if len(parts) < 3:
                self._bad(number, "an equivalence names a type and at least two annotations")
            else:
                self.parsed.equivalences.append((number, parts[0], parts[1:]))
        elif kind in "AM":
            self._attribute(number, oid, data)
        elif kind == "#":
            parts = data.split()
            if len(parts) != 2:
                self._bad(number, "a note is '#N\\tType ID\\tnote'")
            else:
                note = tail.rstrip("\r")
                self.parsed.attributes.append((number, parts[1], parts[0], note, True))
        else:  # N
            match = _NORMALIZATION.match(data)
            if match is None:
                self._bad(number, "a normalization is 'N1\\tType ID DB:ENTRY\\tname'")
                return
            name, target, reference = match.groups()
            label = tail.rstrip("\r")
            value = f"{reference}\t{label}" if label else reference
            self.parsed.attributes.append((number, target, name, value, True))

    def _textbound(self, number: int, oid: str, data: str, tail: str) -> None:
        kind, _, offsets = data.partition(" ")
        fragments: list[tuple[int, int]] = []
        for part in offsets.split(";"):
            pair = part.split()
            if len(pair) != 2 or not all(p.isdigit() for p in pair):
                self._bad(number, f"offsets {offsets!r} are not 'START END[;START END]*'")
                return
            fragments.append((int(pair[0]), int(pair[1])))
        length = len(self.text)
        for start, end in fragments:
            if not start < end <= length:
                self._bad(
                    number,
                    f"span {start} {end} does not fit the text ({length} code points; "
                    "start < end <= length)",
                )
                return
        slices = [self.text[s:e] for s, e in fragments]
        covered = DISCONTINUOUS_SEPARATOR.join(slices)
        given = tail[: len(covered)] if tail.rstrip("\r") else covered  # brat fills a blank one
        if given != covered or tail[len(covered) :].strip("\r"):
            self._bad(
                number,
                f"covered text {tail.rstrip(chr(13))!r} differs from the .txt's {covered!r} "
                f"at {offsets} (offsets count code points of the UTF-8 text as stored)",
            )
            return
        for (_, end), (start, _) in zip(fragments, fragments[1:], strict=False):
            gap = self.text[end:start]
            if start < end or gap.strip("\r\n"):
                self._bad(
                    number,
                    f"{oid} is a discontinuous span ({len(fragments)} fragments): an ontolabel "
                    "span is one range of the text, so it is not read",
                )
                return
        if self._claim(number, oid):
            self.parsed.textbounds[oid] = _TextBound(
                number, kind, fragments[0][0], fragments[-1][1]
            )

    def _event(self, number: int, oid: str, data: str) -> None:
        head, *args = data.split()
        kind, colon, trigger = head.partition(":") if head else ("", "", "")
        if not colon or not kind or not trigger:
            self._bad(number, "an event begins with 'Type:TRIGGER'")
            return
        pairs: list[tuple[str, str]] = []
        for arg in args:
            role, colon, target = arg.partition(":")
            if not colon or not role or not target:
                self._bad(number, f"event argument {arg!r} is not ROLE:ID")
                return
            if role in (r for r, _ in pairs):
                self._bad(number, f"event role {role} repeats (brat numbers them: {role}2)")
                return
            pairs.append((role, target))
        if self._claim(number, oid):
            self.parsed.events[oid] = _Event(number, kind, trigger, pairs)

    def _relation(self, number: int, oid: str, data: str) -> None:
        kind, *args = data.split()
        roles = dict(arg.partition(":")[::2] for arg in args)
        if len(args) != 2 or set(roles) != {"Arg1", "Arg2"}:
            self._bad(number, f"a relation is 'Type Arg1:ID Arg2:ID', not {data!r}")
            return
        if self._claim(number, oid):
            relation = Relation(id=oid, name=kind, source=roles["Arg1"], target=roles["Arg2"])
            self.parsed.relations.append((number, relation))

    def _attribute(self, number: int, oid: str, data: str) -> None:
        parts = data.split(" ")
        if len(parts) not in (2, 3) or not all(parts):
            self._bad(number, "an attribute is 'A1\\tName ID [Value]'")
            return
        value: AttributeValue = parts[2] if len(parts) == 3 else True
        if self._claim(number, oid):
            self.parsed.attributes.append((number, parts[1], parts[0], value, False))

    # -- building the annotation -----------------------------------------------------------

    def _build(self) -> Annotation:
        p = self.parsed
        triggers = {e.trigger for e in p.events.values()}
        elsewhere: set[str] = {t for _, _, t, _, _ in p.attributes}
        for _, relation in p.relations:
            elsewhere.update((relation.source, relation.target))
        for _, _, members in p.equivalences:
            elsewhere.update(members)
        for event in p.events.values():
            elsewhere.update(t for _, t in event.args)
        objects: dict[str, AnnotationObject] = {}
        for oid, tb in p.textbounds.items():
            if oid in triggers and oid not in elsewhere:
                continue  # part of its events
            objects[oid] = self._span_object(oid, tb)
        relations: list[Relation] = []
        for oid, event in p.events.items():
            trigger = p.textbounds.get(event.trigger)
            if trigger is None:
                self._bad(event.line, f"trigger {event.trigger} of {oid} is no text-bound span")
                continue
            objects[oid] = self._span_object(oid, trigger, event.type)
            for role, target in event.args:
                relations.append(
                    Relation(id=f"{oid}:{role}", name=role_name(role), source=oid, target=target)
                )
        relations.extend(r for _, r in p.relations)
        for k, (_, kind, members) in enumerate(p.equivalences, start=1):
            relations.extend(
                Relation(id=f"*{k}-{j}", name=kind, source=a, target=b)
                for j, (a, b) in enumerate(zip(members, members[1:], strict=False), start=1)
            )
        self._check_ends(relations, objects)
        by_relation = {r.id: r for r in relations}
        for number, target, name, value, joins in p.attributes:
            owner = objects.get(target) or by_relation.get(target)
            if owner is None:
                self._bad(number, f"{name} refers to {target}, which is no annotation here")
                continue
            previous = owner.attributes.get(name)
            if previous is not None and not joins:
                self._bad(number, f"{target} has attribute {name} twice")
                continue
            if previous is not None:
                value = f"{previous}\n{value}"
            owner.attributes[name] = value
        return Annotation(objects=list(objects.values()), relations=relations)

    def _check_ends(self, relations: list[Relation], objects: dict[str, AnnotationObject]) -> None:
        lines = {r.id: n for n, r in self.parsed.relations}
        lines.update(
            {f"{e}:{role}": ev.line for e, ev in self.parsed.events.items() for role, _ in ev.args}
        )
        for k, (number, _, _) in enumerate(self.parsed.equivalences, start=1):
            lines.update({r.id: number for r in relations if r.id.startswith(f"*{k}-")})
        for relation in relations:
            for end in (relation.source, relation.target):
                if end not in objects:
                    self._bad(
                        lines.get(relation.id, 0),
                        f"{relation.name} refers to {end}, which is no entity or event here",
                    )

    def _span_object(self, oid: str, tb: _TextBound, kind: str | None = None) -> AnnotationObject:
        span = Span(start=tb.start, end=tb.end, text=self.text[tb.start : tb.end])
        return AnnotationObject(id=oid, class_name=kind or tb.type, geometry=span)
