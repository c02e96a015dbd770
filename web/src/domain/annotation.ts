/**
 * The annotation document (objects + relations) as the API carries it, with immutable
 * operations. Fields the UI does not know are kept as they came (nothing is dropped).
 */
import type { Geometry } from "./geometry";

/** A number with the unit it was written in, for attributes that declare several units. */
export interface Quantity {
  readonly value: number;
  readonly unit: string;
}

export type AttributeValue = boolean | number | string | string[] | Quantity | null;

export function isQuantity(v: unknown): v is Quantity {
  return v !== null && typeof v === "object" && !Array.isArray(v) && "value" in v && "unit" in v;
}

export interface AnnotationObject {
  readonly id: string;
  readonly class_name: string;
  readonly geometry: Geometry;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly media_index?: number;
  readonly track_id?: string | null;
  readonly entity_id?: string | null;
  readonly score?: number | null;
}

export interface Relation {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface AnnotationDoc {
  readonly objects: readonly AnnotationObject[];
  readonly relations: readonly Relation[];
}

export const EMPTY_DOC: AnnotationDoc = { objects: [], relations: [] };

/** Accept whatever the server sent for a document (possibly missing lists). */
export function toDoc(raw: unknown): AnnotationDoc {
  const r = (raw ?? {}) as Partial<AnnotationDoc>;
  return {
    objects: (r.objects ?? []).map((o) => ({ ...o, attributes: o.attributes ?? {} })),
    relations: (r.relations ?? []).map((x) => ({ ...x, attributes: x.attributes ?? {} })),
  };
}

/** A fresh object id, unique within the document ("o1", "o2", ...). */
export function nextId(doc: AnnotationDoc, prefix = "o"): string {
  const used = new Set<string>([...doc.objects.map((o) => o.id), ...doc.relations.map((r) => r.id)]);
  let n = doc.objects.length + doc.relations.length + 1;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

export function addObject(doc: AnnotationDoc, obj: AnnotationObject): AnnotationDoc {
  return { ...doc, objects: [...doc.objects, obj] };
}

export function updateObject(
  doc: AnnotationDoc,
  id: string,
  change: (o: AnnotationObject) => AnnotationObject,
): AnnotationDoc {
  return { ...doc, objects: doc.objects.map((o) => (o.id === id ? change(o) : o)) };
}

/** Remove an object and every relation that touches it (a dangling relation is invalid). */
export function removeObject(doc: AnnotationDoc, id: string): AnnotationDoc {
  return {
    objects: doc.objects.filter((o) => o.id !== id),
    relations: doc.relations.filter((r) => r.source !== id && r.target !== id),
  };
}

export function addRelation(doc: AnnotationDoc, rel: Relation): AnnotationDoc {
  return { ...doc, relations: [...doc.relations, rel] };
}

export function removeRelation(doc: AnnotationDoc, id: string): AnnotationDoc {
  return { ...doc, relations: doc.relations.filter((r) => r.id !== id) };
}

export function setAttribute(
  doc: AnnotationDoc,
  id: string,
  name: string,
  value: AttributeValue | undefined,
): AnnotationDoc {
  return updateObject(doc, id, (o) => {
    const attributes = { ...o.attributes };
    if (value === undefined || value === null || value === "") delete attributes[name];
    else attributes[name] = value;
    return { ...o, attributes };
  });
}

export function findObject(doc: AnnotationDoc, id: string | null): AnnotationObject | undefined {
  return id === null ? undefined : doc.objects.find((o) => o.id === id);
}
