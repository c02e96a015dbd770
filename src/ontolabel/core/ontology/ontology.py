"""The Ontology: a consistent ontology document that validates annotations against itself
and emits its own JSON Schema."""

from __future__ import annotations

from typing import Any

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.ontology.document import OntologyDocument
from ontolabel.core.ontology.schema import annotation_schema
from ontolabel.core.ontology.validation import validate_annotation
from ontolabel.errors import AnnotationInvalid, Location, Violation


class Ontology(OntologyDocument):
    def validate(  # type: ignore[override]
        self, annotation: Annotation, content: ItemContent, *, complete: bool = True
    ) -> list[Violation]:
        """Every violation of this ontology by `annotation` on `content` (empty: valid).
        With `complete=False` (a draft) missing required attributes are not violations;
        everything else (unknown classes, wrong types, ranges, spans) still is."""
        return validate_annotation(self, annotation, content, complete=complete)

    def check(
        self,
        annotation: Annotation,
        content: ItemContent,
        *,
        item: str | None = None,
        complete: bool = True,
    ) -> None:
        """Raise AnnotationInvalid with every violation, each located at `item` if given."""
        violations = self.validate(annotation, content, complete=complete)
        if violations:
            if item is not None:
                violations = [
                    Violation(v.message, Location(item=item, path=v.location.path))
                    for v in violations
                ]
            count = f"{len(violations)} violation{'s' if len(violations) != 1 else ''}"
            raise AnnotationInvalid(
                f"the annotation does not satisfy ontology {self.name!r} ({count})",
                violations,
                location=Location(item=item),
            )

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of an annotation document of this ontology."""
        return annotation_schema(self)
