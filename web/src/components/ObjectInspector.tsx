/** Class and attributes of the selected object, with the server's complaints about it. */
import type { Violation } from "../api/types";
import type { AnnotationDoc, AnnotationObject, AttributeValue } from "../domain/annotation";
import { findClass, type Ontology } from "../domain/ontology";
import { AttributeForm } from "./AttributeForm";

/** Violations the server reported for one object's attributes, by attribute name. */
export function violationsFor(doc: AnnotationDoc, id: string, violations: readonly Violation[]): Record<string, string> {
  const index = doc.objects.findIndex((o) => o.id === id);
  const out: Record<string, string> = {};
  for (const v of violations) {
    // paths look like "objects[2].attributes.amount" or "objects.2.attributes.amount"
    const path = String(v.path ?? "").split(/[.[\]/]+/).filter(Boolean);
    const at = path.indexOf("objects");
    if (at >= 0 && path[at + 1] === String(index) && path[at + 2] === "attributes" && path[at + 3]) {
      out[path[at + 3]] = v.message;
    }
  }
  return out;
}

interface Props {
  ontology: Ontology;
  object: AnnotationObject;
  onAttribute: (name: string, value: AttributeValue | undefined) => void;
  serverErrors: Record<string, string>;
}

export function ObjectInspector({ ontology, object, onAttribute, serverErrors }: Props) {
  const cls = findClass(ontology, object.class_name);
  return (
    <section className="panel" aria-label="Attributes">
      <h3 className="panel-title">
        Attributes <span className="muted">· {object.class_name} {object.id}</span>
      </h3>
      {!cls && <p className="field-error">Class “{object.class_name}” is not in the ontology.</p>}
      <AttributeForm
        defs={cls?.attributes ?? []}
        values={object.attributes}
        onChange={onAttribute}
        serverErrors={serverErrors}
      />
    </section>
  );
}
