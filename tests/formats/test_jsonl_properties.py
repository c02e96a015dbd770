"""The law of canonical JSONL: for any data, export -> import -> export is the identity."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from format_builders import ONTOLOGY, image
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, get_format

ONT = parse_ontology(ONTOLOGY)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
# any text but NUL, which no database of ontolabel's stores (the import refuses it)
storable = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
text = st.text(storable, max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
attribute = st.none() | st.booleans() | st.integers() | finite | text | st.lists(text, max_size=3)
point = st.tuples(finite, finite)

geometries = st.one_of(
    st.builds(
        lambda a, b, c, d: {"kind": "box", "x1": a, "y1": b, "x2": c, "y2": d},
        finite,
        finite,
        finite,
        finite,
    ),
    st.builds(
        lambda ring, holes: {"kind": "polygon", "parts": [{"exterior": ring, "holes": holes}]},
        st.lists(point, min_size=3, max_size=5),
        st.lists(st.lists(point, min_size=3, max_size=4), max_size=2),
    ),
    st.builds(
        lambda s, e, t: {"kind": "span", "start": s, "end": e, "text": t},
        st.integers(),
        st.integers(),
        text,
    ),
    st.builds(
        lambda s, e: {"kind": "interval", "start": s, "end": e, "transcript": None}, finite, finite
    ),
    st.builds(
        lambda v: {
            "kind": "cuboid",
            "x": v[0],
            "y": v[1],
            "z": v[2],
            "length": v[3],
            "width": v[4],
            "height": v[5],
        },
        st.tuples(*[finite] * 6),
    ),
    st.builds(
        lambda n, x, y: {"kind": "keypoints", "points": [{"name": n, "x": x, "y": y}]},
        text,
        finite,
        finite,
    ),
    st.just({"kind": "tag"}),
)


@st.composite
def records(draw: st.DrawFn) -> list[ExportRecord]:
    out: list[ExportRecord] = []
    for i in range(draw(st.integers(1, 3))):
        objects: list[dict[str, Any]] = [
            {
                "id": draw(text),
                "class_name": draw(st.sampled_from(["Car", "Person", "Nope"])),
                "geometry": draw(geometries),
                "attributes": draw(st.dictionaries(text, attribute, max_size=3)),
                "score": draw(st.none() | finite),
                "track_id": draw(st.none() | text),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        out.append(
            ExportRecord(
                item_id=i,
                external_id=draw(st.none() | text.map("x:".__add__)) if i == 0 else f"id-{i}",
                content=ItemContent(
                    modality=draw(st.sampled_from(list(Modality))),
                    media=draw(st.lists(st.just(image()), max_size=1)),
                    text=draw(st.none() | st.text(storable)),
                    meta=draw(st.dictionaries(text, json_values, max_size=3)),
                ),
                annotations=[
                    AnnotationRecord(
                        document=Annotation.model_validate({"objects": objects}),
                        user=draw(st.none() | text),
                        status=draw(st.sampled_from(["draft", "submitted"])),
                        revision=draw(st.integers(1, 10**6)),
                        source=draw(st.sampled_from(["human", "model"])),
                    )
                ],
            )
        )
    return out


def export(recs: list[ExportRecord]) -> bytes:
    fmt = get_format("jsonl")
    out = io.BytesIO()
    fmt.write(recs, out, ontology=ONT, options=fmt.parse_options(None))
    return out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_any_data_survives_export_and_import_unchanged(recs: list[ExportRecord]) -> None:
    first = export(recs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.jsonl"
        path.write_bytes(first)
        policy = ErrorPolicy("fail")
        back = list(get_format("jsonl").read(path, policy))
    assert policy.violations == []
    assert [(r.external_id, r.modality, r.text, r.meta) for r in back] == [
        (r.external_id, r.content.modality, r.content.text, r.content.meta) for r in recs
    ]
    assert [r.annotations for r in back] == [r.annotations for r in recs]
    again = [
        ExportRecord(
            item_id=r.item_id,
            external_id=b.external_id,
            content=b.content([m.info for m in b.media if m.info is not None]),
            annotations=b.annotations,
        )
        for r, b in zip(recs, back, strict=True)
    ]
    assert export(again) == first
