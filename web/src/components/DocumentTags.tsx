/**
 * Labels on the whole item (document classes, call outcome): one toggle per tag class of
 * the ontology. A tag whose class has attributes can be selected to fill them in.
 */
import { addObject, nextId, removeObject, type AnnotationDoc } from "../domain/annotation";
import { defaultAttributes, type ClassDef } from "../domain/ontology";

interface Props {
  classes: readonly ClassDef[];
  doc: AnnotationDoc;
  edit: (next: AnnotationDoc) => void;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  label?: string;
}

export function DocumentTags({ classes, doc, edit, selectedId, onSelect, label = "Document" }: Props) {
  if (classes.length === 0) return null;
  const tagOf = (name: string) => doc.objects.find((o) => o.geometry.kind === "tag" && o.class_name === name);
  const toggle = (c: ClassDef) => {
    const existing = tagOf(c.name);
    if (existing) {
      edit(removeObject(doc, existing.id));
      if (selectedId === existing.id) onSelect(null);
      return;
    }
    const id = nextId(doc);
    edit(addObject(doc, { id, class_name: c.name, geometry: { kind: "tag" }, attributes: defaultAttributes(c) }));
    // a tag with attributes opens them right away
    if (c.attributes.length > 0) onSelect(id);
  };
  return (
    <div className="doc-tags" role="group" aria-label={`${label} classes`}>
      <span className="muted">{label}:</span>
      {classes.map((c) => {
        const tag = tagOf(c.name);
        return (
          <span key={c.name} className={`chip${tag ? " on" : ""}${tag && tag.id === selectedId ? " selected" : ""}`} style={{ borderColor: c.color }}>
            <label className="chip-toggle">
              <input type="checkbox" checked={tag !== undefined} onChange={() => toggle(c)} />
              {c.name}
            </label>
            {tag && c.attributes.length > 0 && (
              <button type="button" className="chip-edit" aria-label={`Attributes of ${c.name}`} onClick={() => onSelect(tag.id)}>
                ⋯
              </button>
            )}
          </span>
        );
      })}
    </div>
  );
}
