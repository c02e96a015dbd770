/**
 * The ontology as the UI uses it: a class hierarchy, typed attributes, which geometry each
 * class may take per modality, and typed relations. `parseOntology` reads the document the
 * server returns (GET /api/projects/{pid}/ontology) and tolerates the few spellings a
 * hand-written YAML file uses (nested `children` or flat `parent`, lists or maps).
 */
import { isQuantity, type AnnotationDoc, type AttributeValue } from "./annotation";

export type AttributeType = "enum" | "multi_enum" | "bool" | "int" | "float" | "text" | "date";

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly values: readonly string[];
  /** the unit of a plain number, or the unit offered first when `units` is set */
  readonly unit: string | null;
  /** units an annotator may choose; the value is then a Quantity {value, unit} */
  readonly units: readonly string[] | null;
  readonly default: AttributeValue;
  readonly min: number | null;
  readonly max: number | null;
  readonly required: boolean;
  readonly description: string | null;
}

export interface ClassDef {
  readonly name: string;
  readonly parent: string | null;
  readonly description: string | null;
  /** own attributes followed by the ones inherited from ancestors */
  readonly attributes: readonly AttributeDef[];
  /** modality -> allowed geometry kinds; null means any kind in any modality */
  readonly geometry: Readonly<Record<string, readonly string[]>> | null;
  readonly color: string;
  readonly depth: number;
  /** the ontology's own key for this class, if it gives one */
  readonly hotkey: string | null;
}

export interface RelationDef {
  readonly name: string;
  /** allowed source / target classes (empty = any) */
  readonly source: readonly string[];
  readonly target: readonly string[];
}

export interface Ontology {
  readonly name: string;
  readonly version: number | null;
  /** depth-first order of the hierarchy: parents before children */
  readonly classes: readonly ClassDef[];
  readonly relations: readonly RelationDef[];
}

const PALETTE = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#0891b2", "#f032e6",
  "#65a30d", "#b45309", "#0d9488", "#9a6324", "#800000", "#6b7280", "#000075",
];

const TYPE_ALIASES: Record<string, AttributeType> = {
  enum: "enum", select: "enum", choice: "enum",
  multi_enum: "multi_enum", "multi-enum": "multi_enum", multienum: "multi_enum", multiselect: "multi_enum",
  bool: "bool", boolean: "bool",
  int: "int", integer: "int",
  float: "float", number: "float", decimal: "float",
  text: "text", string: "text", str: "text",
  date: "date",
};

type Raw = Record<string, unknown>;

function asRecord(v: unknown): Raw {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {};
}

/** A list of named entries from either a list of objects or a {name: body} map. */
function namedEntries(v: unknown): Raw[] {
  if (Array.isArray(v)) {
    return v.map((e) => (typeof e === "string" ? { name: e } : asRecord(e)));
  }
  return Object.entries(asRecord(v)).map(([name, body]) => ({ name, ...asRecord(body) }));
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function strList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(asRecord(x).name ?? x));
  if (typeof v === "string") return [v];
  return [];
}

export function parseAttribute(raw: Raw): AttributeDef {
  const type = TYPE_ALIASES[String(raw.type ?? "text").toLowerCase()] ?? "text";
  const range = Array.isArray(raw.range) ? raw.range : [];
  return {
    name: String(raw.name),
    type,
    values: strList(raw.values ?? raw.options ?? raw.choices),
    unit: str(raw.unit),
    units: Array.isArray(raw.units) ? raw.units.map(String) : null,
    default: (raw.default ?? null) as AttributeValue,
    min: num(raw.min ?? raw.minimum ?? range[0]),
    max: num(raw.max ?? raw.maximum ?? range[1]),
    required: raw.required === true,
    description: str(raw.description),
  };
}

function parseGeometry(v: unknown): Record<string, string[]> | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v) || typeof v === "string") return { "*": strList(v) };
  const out: Record<string, string[]> = {};
  for (const [modality, kinds] of Object.entries(asRecord(v))) out[modality] = strList(kinds);
  return out;
}

interface FlatClass {
  name: string;
  parent: string | null;
  description: string | null;
  own: AttributeDef[];
  geometry: Record<string, string[]> | null;
  color: string | null;
  hotkey: string | null;
}

function flattenClasses(entries: Raw[], parent: string | null, out: FlatClass[]): void {
  for (const e of entries) {
    const name = String(e.name);
    out.push({
      name,
      parent: str(e.parent) ?? parent,
      description: str(e.description),
      own: namedEntries(e.attributes).map(parseAttribute),
      geometry: parseGeometry(e.geometry ?? e.geometries ?? e.kinds ?? e.shapes),
      color: str(e.color),
      hotkey: str(e.hotkey),
    });
    flattenClasses(namedEntries(e.children ?? e.subclasses), name, out);
  }
}

export function parseOntology(document: unknown, version: number | null = null): Ontology {
  const doc = asRecord(document);
  const flat: FlatClass[] = [];
  flattenClasses(namedEntries(doc.classes), null, flat);
  const byName = new Map(flat.map((c) => [c.name, c]));
  const children = new Map<string | null, FlatClass[]>();
  for (const c of flat) {
    const key = c.parent !== null && byName.has(c.parent) ? c.parent : null;
    children.set(key, [...(children.get(key) ?? []), c]);
  }
  const classes: ClassDef[] = [];
  const visit = (parent: string | null, depth: number, inherited: AttributeDef[], geometry: Record<string, string[]> | null) => {
    for (const c of children.get(parent) ?? []) {
      const ownNames = new Set(c.own.map((a) => a.name));
      const attributes = [...c.own, ...inherited.filter((a) => !ownNames.has(a.name))];
      const geo = c.geometry ?? geometry;
      classes.push({
        name: c.name,
        parent: c.parent,
        description: c.description,
        attributes,
        geometry: geo,
        color: c.color ?? PALETTE[classes.length % PALETTE.length],
        depth,
        hotkey: c.hotkey,
      });
      visit(c.name, depth + 1, attributes, geo);
    }
  };
  visit(null, 0, namedEntries(doc.attributes).map(parseAttribute), null);
  const relations = namedEntries(doc.relations).map((r) => ({
    name: String(r.name),
    source: strList(r.source ?? r.from ?? r.sources),
    target: strList(r.target ?? r.to ?? r.targets),
  }));
  return {
    name: str(doc.name) ?? "ontology",
    version: num(doc.version) ?? version,
    classes,
    relations,
  };
}

/** May this class take this geometry kind in this modality? */
export function allowsKind(c: ClassDef, modality: string, kind: string): boolean {
  // a class without geometry anywhere up its hierarchy takes none (a grouping class)
  if (c.geometry === null) return false;
  const kinds = c.geometry[modality] ?? c.geometry["*"];
  return kinds !== undefined && kinds.includes(kind);
}

export function classesFor(o: Ontology, modality: string, kinds: readonly string[]): ClassDef[] {
  return o.classes.filter((c) => kinds.some((k) => allowsKind(c, modality, k)));
}

export function findClass(o: Ontology, name: string): ClassDef | undefined {
  return o.classes.find((c) => c.name === name);
}

export function classColor(o: Ontology, name: string): string {
  return findClass(o, name)?.color ?? "#6b7280";
}

/** Is `name` the class `ancestor` or one of its descendants? */
export function isA(o: Ontology, name: string, ancestor: string): boolean {
  let c = findClass(o, name);
  while (c) {
    if (c.name === ancestor) return true;
    c = c.parent === null ? undefined : findClass(o, c.parent);
  }
  return false;
}

/** Relations whose source and target classes admit these two objects' classes. */
export function relationsBetween(o: Ontology, source: string, target: string): RelationDef[] {
  const fits = (allowed: readonly string[], cls: string) =>
    allowed.length === 0 || allowed.some((a) => isA(o, cls, a));
  return o.relations.filter((r) => fits(r.source, source) && fits(r.target, target));
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The message of a required attribute left empty: the one problem a draft may keep. */
export const REQUIRED = "Required";

/** The message to show under an attribute field, or null when the value is acceptable. */
export function attributeError(def: AttributeDef, value: AttributeValue | undefined): string | null {
  const empty =
    value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
  if (empty) return def.required ? REQUIRED : null;
  switch (def.type) {
    case "enum":
      return typeof value === "string" && def.values.includes(value) ? null : `Choose one of: ${def.values.join(", ")}`;
    case "multi_enum": {
      const bad = Array.isArray(value) ? value.filter((v) => !def.values.includes(v)) : ["?"];
      return bad.length === 0 ? null : `Unknown choice: ${bad.join(", ")}`;
    }
    case "bool":
      return typeof value === "boolean" ? null : "Must be yes or no";
    case "int":
    case "float": {
      if (def.units !== null) {
        if (!isQuantity(value)) return `Give a number and a unit (${def.units.join(", ")})`;
        if (!def.units.includes(value.unit)) return `Unit must be one of: ${def.units.join(", ")}`;
        return numberError(def, value.value, ` ${value.unit}`);
      }
      if (typeof value !== "number" || !Number.isFinite(value)) return "Must be a number";
      return numberError(def, value, def.unit ? ` ${def.unit}` : "");
    }
    case "date": {
      if (typeof value !== "string" || !DATE_RE.test(value)) return "Use the form YYYY-MM-DD";
      const d = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) ? null : "Not a real date";
    }
    case "text":
      return typeof value === "string" ? null : "Must be text";
  }
}

function numberError(def: AttributeDef, value: number, unit: string): string | null {
  if (!Number.isFinite(value)) return "Must be a number";
  if (def.type === "int" && !Number.isInteger(value)) return "Must be a whole number";
  if (def.min !== null && value < def.min) return `Must be at least ${def.min}${unit}`;
  if (def.max !== null && value > def.max) return `Must be at most ${def.max}${unit}`;
  return null;
}

/** The attributes a new object of this class starts with: the ontology's defaults. */
export function defaultAttributes(c: ClassDef | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const a of c?.attributes ?? []) if (a.default !== null && a.default !== undefined) out[a.name] = a.default;
  return out;
}

/** Every attribute problem of one object, by attribute name. */
export function attributeErrors(
  defs: readonly AttributeDef[],
  values: Readonly<Record<string, AttributeValue>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of defs) {
    const e = attributeError(d, values[d.name]);
    if (e !== null) out[d.name] = e;
  }
  return out;
}

/** What is still missing or wrong in a document's attributes, one line per problem. */
export function documentProblems(o: Ontology, doc: AnnotationDoc): string[] {
  const { missing, wrong } = documentProblemsByKind(o, doc);
  return [...missing, ...wrong];
}

/**
 * A document's attribute problems in two kinds: `missing` required values, which a draft
 * may keep (the server asks for them on submission), and `wrong` values, which the server
 * refuses in a draft too.
 */
export interface DocumentProblems {
  missing: string[];
  wrong: string[];
}

export function documentProblemsByKind(o: Ontology, doc: AnnotationDoc): DocumentProblems {
  const found: DocumentProblems = { missing: [], wrong: [] };
  for (const obj of doc.objects) {
    const errors = attributeErrors(findClass(o, obj.class_name)?.attributes ?? [], obj.attributes);
    for (const [name, message] of Object.entries(errors)) {
      (message === REQUIRED ? found.missing : found.wrong).push(`${obj.class_name} ${obj.id}: ${name} — ${message}`);
    }
  }
  return found;
}
