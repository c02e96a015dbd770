"""The Label Studio labelling config (XML) that fits an export of a project's ontology.

Label Studio and its converter read results through the config's control names; the export
always uses the same names (see ``results``), so this config, made from the ontology, lets
Label Studio open the export as it is.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.core.ontology.spec import AttributeType
from ontolabel.formats.labelstudio.results import CONTROL_NAMES

# each control and the geometry kinds it draws; its name is the ``from_name`` the writer gives
# its results (``results.CONTROL_NAMES``, keyed by the result type, the tag in lower case)
_CONTROLS: dict[Modality, list[tuple[str, frozenset[GeometryKind]]]] = {
    Modality.IMAGE: [
        ("RectangleLabels", frozenset({GeometryKind.BOX, GeometryKind.ROTATED_BOX})),
        ("PolygonLabels", frozenset({GeometryKind.POLYGON})),
        ("KeyPointLabels", frozenset({GeometryKind.KEYPOINTS})),
        ("BrushLabels", frozenset({GeometryKind.MASK})),
    ],
    Modality.TEXT: [("Labels", frozenset({GeometryKind.SPAN}))],
}


# the attribute a free-value Tag keeps its value in (see ``regions``), and its control
_FREE_VALUES = {"text": "TextArea", "number": "Number", "rating": "Rating", "datetime": "DateTime"}


def label_config(ontology: Ontology, modality: Modality) -> str:
    """The config XML for an image or text project of ``ontology``: exactly the controls its
    classes use in ``modality``, each offering only the classes that may take its geometry.

    A control no class uses is left out: Label Studio's converter reads a KeyPointLabels
    control as its keypoint mode, and its COCO export then makes every label of that control
    a keypoint of one ``default`` category (boxes and polygons of those classes included)."""
    target = "text" if modality is Modality.TEXT else "image"
    lines = [
        '<Text name="text" value="$text"/>'
        if modality is Modality.TEXT
        else '<Image name="image" value="$image"/>'
    ]
    kinds = {
        c.name: set(ontology.resolved_geometry(c.name).get(modality, [])) for c in ontology.classes
    }
    for tag, drawn in _CONTROLS.get(modality, []):
        names = [n for n, k in kinds.items() if k & drawn]
        if not names:
            continue
        # Label Studio's COCO and YOLO pose export order keypoints by their model_index
        index = tag == "KeyPointLabels"
        labels = "".join(
            f"<Label value={quoteattr(n)}" + (f' model_index="{i}"' if index else "") + "/>"
            for i, n in enumerate(names)
        )
        name = CONTROL_NAMES[tag.lower()]
        lines.append(f'<{tag} name="{name}" toName="{target}">{labels}</{tag}>')
    tags = [n for n, k in kinds.items() if GeometryKind.TAG in k]
    # a whole-item class with one free value (a caption's text) is a control of its own
    choosable: list[str] = []
    for name in tags:
        attributes = ontology.resolved_attributes(name)
        if len(attributes) == 1 and attributes[0].name in _FREE_VALUES:
            tag = _FREE_VALUES[attributes[0].name]
            lines.append(f'<{tag} name={quoteattr(name)} toName="{target}"/>')
        else:
            choosable.append(name)
    if choosable:
        choices = "".join(f"<Choice value={quoteattr(n)}/>" for n in choosable)
        lines.append(
            f'<Choices name="{CONTROL_NAMES["choices"]}" toName="{target}" choice="multiple">'
            f"{choices}</Choices>"
        )
    seen: set[str] = set()
    # per-region controls: the attributes of the classes drawn as regions in this modality
    regions = [n for n, k in kinds.items() if k - {GeometryKind.TAG}]
    for spec in (a for n in regions for a in ontology.resolved_attributes(n)):
        if spec.name in seen:
            continue
        seen.add(spec.name)
        name = quoteattr(spec.name)
        common = f'name={name} toName="{target}" perRegion="true"'
        if spec.type in (AttributeType.ENUM, AttributeType.MULTI_ENUM) and spec.options:
            options = "".join(f"<Choice value={quoteattr(o)}/>" for o in spec.options)
            lines.append(f'<Choices {common} choice="multiple">{options}</Choices>')
        elif spec.type in (AttributeType.INT, AttributeType.FLOAT):
            lines.append(f"<Number {common}/>")
        elif spec.type is AttributeType.DATE:
            lines.append(f'<DateTime {common} only="date"/>')
        elif spec.type is AttributeType.TEXT:
            lines.append(f"<TextArea {common}/>")
    relations = "".join(f"<Relation value={quoteattr(r.name)}/>" for r in ontology.relations)
    if relations:
        lines.append(f"<Relations>{relations}</Relations>")
    return "<View>\n  " + "\n  ".join(lines) + "\n</View>\n"
