"""The Label Studio labelling config (XML) that fits an export of a project's ontology.

Label Studio and its converter read results through the config's control names; the export
always uses the same names (see ``results``), so this config, made from the ontology, lets
Label Studio open the export as it is.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.core.ontology.spec import AttributeType

_IMAGE_CONTROLS = (
    "RectangleLabels box",
    "PolygonLabels polygon",
    "KeyPointLabels keypoint",
    "BrushLabels brush",
)


def label_config(ontology: Ontology, modality: Modality) -> str:
    """The config XML for an image or text project of ``ontology``."""
    names = [c.name for c in ontology.classes]
    labels = "".join(f"<Label value={quoteattr(n)}/>" for n in names)
    if modality is Modality.TEXT:
        target, lines = "text", ['<Text name="text" value="$text"/>']
        controls = ["Labels label"]
    else:
        target, lines = "image", ['<Image name="image" value="$image"/>']
        controls = list(_IMAGE_CONTROLS)
    for control in controls:
        tag, name = control.split()
        lines.append(f'<{tag} name="{name}" toName="{target}">{labels}</{tag}>')
    choices = "".join(f"<Choice value={quoteattr(n)}/>" for n in names)
    lines.append(f'<Choices name="choice" toName="{target}" choice="multiple">{choices}</Choices>')
    seen: set[str] = set()
    for spec in (a for c in ontology.classes for a in c.attributes):
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
