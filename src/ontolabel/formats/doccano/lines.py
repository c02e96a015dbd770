"""One doccano JSONL line read into core objects, with every problem located in the line.

doccano writes (and reads) one JSON object per line. The shapes it uses:

* sequence labeling, legacy: ``{"text": ..., "label": [[start, end, "PER"], ...]}``
* text classification: ``{"text": ..., "label": ["positive", ...]}`` (or one string)
* relation extraction: ``{"text": ..., "entities": [{"id", "label", "start_offset",
  "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}``
* intent detection: ``{"text": ..., "entities": [[start, end, "City"]], "cats": [...]}``

Every other key is the example's metadata (doccano keeps it as meta and writes it back at
the top level); ``id`` is the example's id, read as the item's external id. doccano's import
examples name the columns ``column_data``/``column_label`` (its configurable column names,
whose defaults are ``text``/``label``): they are read the same way.

Offsets: doccano's annotation editor counts UTF-16 code units (JavaScript string indices;
see doccano issue #2290), so its files do too, unless a project counts grapheme clusters
(its "grapheme mode", not read here). doccano's 0.x releases and files written by Python
scripts count code points (``str`` indices). The two agree on text without characters
beyond U+FFFF; where they differ, ``units`` says which the file uses, and offsets are turned
into code points of the text (ontolabel's convention) here and back in the writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ontolabel.core.annotation import AnnotationObject, Relation
from ontolabel.core.geometry import Span, Tag
from ontolabel.core.text_offsets import utf16_length, utf16_span_to_codepoints
from ontolabel.errors import TextOffsetError

TEXT_KEYS = ("text", "column_data")
LABEL_KEYS = ("label", "column_label")
# the keys that are labels, not metadata (a meta key of these names cannot be written)
LABEL_FIELDS = ("entities", "relations", "cats")
RESERVED = frozenset({"id", *TEXT_KEYS, *LABEL_KEYS, *LABEL_FIELDS})

Problem = tuple[str, str]  # (path in the line, message)
Units = Literal["utf16", "codepoints"]
UNIT_NAMES = {"utf16": "UTF-16 code units", "codepoints": "code points"}


def has_wide_characters(text: str) -> bool:
    """Whether ``text`` holds a character beyond U+FFFF (two UTF-16 units, one code point)."""
    return not text.isascii() and any(ord(c) > 0xFFFF for c in text)


def id_text(value: object) -> str | None:
    """An id as doccano writes it (an int, or a string) as ontolabel's string id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value
    return None


def id_value(oid: str) -> int | str:
    """An ontolabel id as doccano writes it: a plain decimal number as a JSON number."""
    if oid.isascii() and oid.isdigit() and (oid == "0" or not oid.startswith("0")):
        return int(oid)
    return oid


def _describe(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), f"the number {value!r}" if isinstance(value, int | float) else "a value"
    )


@dataclass
class Line:
    """What one line holds, once read."""

    text: str
    external_id: str | None
    meta: dict[str, Any]
    objects: list[AnnotationObject] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


class LineReader:
    """Reads one decoded line; ``problems`` lists everything wrong with it."""

    def __init__(self, obj: dict[str, Any], units: Units = "utf16"):
        self.obj = obj
        self.units = units
        self.wide = False  # whether the line's offsets need converting to code points
        self.length = 0  # of the text, in the file's units
        self.problems: list[Problem] = []
        self.objects: list[AnnotationObject] = []
        self.relations: list[Relation] = []
        self.entity_ids: set[str] = set()
        self.pending: list[tuple[str, int, int, str, str | None]] = []  # spans before ids
        self.tags: list[str] = []
        self.text = ""

    def read(self) -> Line | None:
        obj = self.obj
        text_key = next((k for k in TEXT_KEYS if k in obj), None)
        if text_key is None and "filename" in obj:
            self.problems.append(
                ("", "a doccano image/audio line ('filename'): only text projects are read")
            )
            return None
        if text_key is None:
            found = ", ".join(repr(k) for k in list(obj)[:6]) or "none"
            self.problems.append(("", f"no 'text' field (keys: {found})"))
            return None
        text = obj[text_key]
        if not isinstance(text, str):
            self.problems.append((text_key, f"the text must be a string, not {_describe(text)}"))
            return None
        self.text = text
        self.wide = self.units == "utf16" and has_wide_characters(text)
        self.length = utf16_length(text) if self.wide else len(text)
        external_id = None
        if "id" in obj:
            external_id = id_text(obj["id"])
            if external_id is None:
                self.problems.append(("id", f"an id is a number or a string, not {obj['id']!r}"))
        label_key = next((k for k in LABEL_KEYS if k in obj), None)
        if label_key is not None:
            self._labels(obj[label_key], label_key)
        if "entities" in obj:
            self._entities(obj["entities"])
        if "cats" in obj:
            self._cats(obj["cats"])
        self._make_objects()
        if "relations" in obj:
            self._relations(obj["relations"])
        if self.problems:
            return None
        meta = {k: v for k, v in obj.items() if k not in RESERVED}
        return Line(text, external_id, meta, self.objects, self.relations)

    # -- labels ----------------------------------------------------------------------------

    def _labels(self, value: Any, key: str) -> None:
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]  # doccano takes a lone category for a list of one
        if not isinstance(value, list):
            self.problems.append((key, f"'{key}' must be a list, not {_describe(value)}"))
            return
        for i, label in enumerate(value):
            where = f"{key}[{i}]"
            if isinstance(label, list | dict):
                self._span(label, where)
            else:
                self._category(label, where)

    def _entities(self, value: Any) -> None:
        if not isinstance(value, list):
            self.problems.append(("entities", f"'entities' must be a list, not {_describe(value)}"))
            return
        for i, entity in enumerate(value):
            self._span(entity, f"entities[{i}]")

    def _cats(self, value: Any) -> None:
        if isinstance(value, dict):
            self.problems.append(
                ("cats", "'cats' is an object of scores (spaCy's textcat form), not doccano's list")
            )
            return
        if not isinstance(value, list):
            self.problems.append(("cats", f"'cats' must be a list, not {_describe(value)}"))
            return
        for i, label in enumerate(value):
            self._category(label, f"cats[{i}]")

    def _category(self, label: Any, where: str) -> None:
        if isinstance(label, bool) or not isinstance(label, str | int):
            self.problems.append((where, f"a category is a string, not {_describe(label)}"))
        elif label == "":
            self.problems.append((where, "a category must not be empty"))
        else:
            self.tags.append(str(label))

    def _span(self, label: Any, where: str) -> None:
        oid: str | None = None
        if isinstance(label, list):
            if len(label) != 3:
                self.problems.append(
                    (where, f"a span is [start, end, label], not a list of {len(label)}")
                )
                return
            start, end, name = label
        else:
            missing = [k for k in ("start_offset", "end_offset", "label") if k not in label]
            if missing:
                self.problems.append((where, f"the entity has no {', '.join(missing)}"))
                return
            start, end, name = label["start_offset"], label["end_offset"], label["label"]
            if "id" in label:
                oid = id_text(label["id"])
                if oid is None:
                    self.problems.append((f"{where}.id", f"bad entity id {label['id']!r}"))
                    return
                if oid in self.entity_ids:
                    self.problems.append((f"{where}.id", f"entity id {oid!r} repeats"))
                    return
                self.entity_ids.add(oid)
        if not isinstance(name, str) or not name:
            self.problems.append((where, f"a span's label is a non-empty string, not {name!r}"))
            return
        for value, side in ((start, "start"), (end, "end")):
            if isinstance(value, bool) or not isinstance(value, int):
                self.problems.append((where, f"the {side} offset {value!r} is not a whole number"))
                return
        length = self.length
        if not 0 <= start < end <= length:
            self.problems.append(
                (
                    where,
                    f"span [{start}, {end}) does not fit the text (length {length} "
                    f"{UNIT_NAMES[self.units]}; a span needs 0 <= start < end <= length)",
                )
            )
            return
        if self.wide:
            try:
                start, end = utf16_span_to_codepoints(self.text, start, end)
            except TextOffsetError as exc:
                self.problems.append(
                    (
                        where,
                        f"{exc.message}: doccano counts UTF-16 code units (a file that counts "
                        "code points reads as format doccano-codepoints)",
                    )
                )
                return
        self.pending.append((name, start, end, where, oid))

    def _make_objects(self) -> None:
        """Objects in the file's order; spans and categories the file gives no id get the
        smallest unused numbers, so the same line always yields the same ids."""
        taken = set(self.entity_ids)
        counter = 0

        def fresh() -> str:
            nonlocal counter
            while str(counter) in taken:
                counter += 1
            taken.add(str(counter))
            return str(counter)

        text = self.text
        for name, start, end, _, oid in self.pending:
            span = Span(start=start, end=end, text=text[start:end])
            self.objects.append(AnnotationObject(id=oid or fresh(), class_name=name, geometry=span))
        for name in self.tags:
            self.objects.append(AnnotationObject(id=fresh(), class_name=name, geometry=Tag()))

    def _relations(self, value: Any) -> None:
        if not isinstance(value, list):
            self.problems.append(
                ("relations", f"'relations' must be a list, not {_describe(value)}")
            )
            return
        given = {
            rid
            for r in value
            if isinstance(r, dict) and "id" in r and (rid := id_text(r["id"])) is not None
        }
        counter = 0
        seen: set[str] = set()
        for i, relation in enumerate(value):
            where = f"relations[{i}]"
            if not isinstance(relation, dict):
                self.problems.append((where, f"a relation is an object, not {_describe(relation)}"))
                continue
            missing = [k for k in ("from_id", "to_id", "type") if k not in relation]
            if missing:
                self.problems.append((where, f"the relation has no {', '.join(missing)}"))
                continue
            ends = []
            for side in ("from_id", "to_id"):
                end = id_text(relation[side])
                if end is None or end not in self.entity_ids:
                    self.problems.append(
                        (
                            f"{where}.{side}",
                            f"{relation[side]!r} is the id of no entity of the line",
                        )
                    )
                else:
                    ends.append(end)
            kind = relation["type"]
            if not isinstance(kind, str) or not kind:
                self.problems.append((f"{where}.type", f"a relation type is a string: {kind!r}"))
                continue
            rid = id_text(relation["id"]) if "id" in relation else None
            if "id" in relation and rid is None:
                self.problems.append((f"{where}.id", f"bad relation id {relation['id']!r}"))
                continue
            if rid is None:
                while str(counter) in given or str(counter) in seen:
                    counter += 1
                rid = str(counter)
            if rid in seen:
                self.problems.append((f"{where}.id", f"relation id {rid!r} repeats"))
                continue
            seen.add(rid)
            if len(ends) == 2:
                self.relations.append(Relation(id=rid, name=kind, source=ends[0], target=ends[1]))
