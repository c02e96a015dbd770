/**
 * A format's export options as form fields, read from the JSON Schema of its options model
 * (the server's `options_schema`), and the query string of an export built from what the
 * user chose. Nothing here knows any format: a new option, or a new format, shows up in
 * the form because the schema says so, never because this file names it.
 */

type Json = Record<string, unknown>;

interface FieldBase {
  name: string;
  label: string;
  /** the schema's description, shown as help text */
  help: string | null;
  /** required by the schema with no default: an export without it is refused */
  required: boolean;
}

export type OptionField =
  | (FieldBase & { kind: "enum"; values: string[]; default: string | null; nullable: boolean })
  | (FieldBase & { kind: "bool"; default: boolean })
  | (FieldBase & {
      kind: "number";
      integer: boolean;
      /** bounds as the schema gives them; `exclusive` ones (pydantic's gt/lt) exclude the bound */
      min: number | null;
      max: number | null;
      minExclusive: boolean;
      maxExclusive: boolean;
      default: number | null;
    })
  | (FieldBase & { kind: "text"; minLength: number | null; maxLength: number | null; pattern: string | null; default: string | null })
  // a shape no form control fits (a list, an object): shown, never sent, so its default holds
  | (FieldBase & { kind: "unsupported"; default: unknown });

/** What the form holds per field: a checkbox's boolean, or the text of any other control. */
export type OptionValues = Readonly<Record<string, string | boolean>>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** `#/$defs/Name` in the document's own `$defs` (what pydantic writes for enums and models). */
function deref(schema: Json, root: Json, seen = 0): Json {
  const ref = schema.$ref;
  if (typeof ref === "string" && seen < 8) {
    const name = ref.replace(/^#\/(\$defs|definitions)\//, "");
    const defs = isObject(root.$defs) ? root.$defs : isObject(root.definitions) ? root.definitions : {};
    const target = defs[name];
    if (isObject(target)) {
      const { $ref: _drop, ...rest } = schema;
      // the property's own keywords (description, default) win over the definition's
      return { ...deref(target, root, seen + 1), ...rest };
    }
  }
  return schema;
}

/**
 * The one value schema of a property and whether null is allowed: `anyOf: [X, {type: null}]`
 * (pydantic's `X | None`), `allOf: [{$ref}]` (a referenced enum with its own description),
 * and `type: ["x", "null"]` all come down to X.
 */
function resolve(prop: Json, root: Json): { schema: Json; nullable: boolean } {
  let schema = deref(prop, root);
  let nullable = false;
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
    const { allOf: _drop, ...rest } = schema;
    schema = { ...deref(allOf[0], root), ...rest };
  }
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (union) {
    const options = union.filter(isObject).map((s) => deref(s, root));
    const concrete = options.filter((s) => s.type !== "null");
    nullable = concrete.length < options.length;
    if (concrete.length === 1) {
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      schema = { ...concrete[0], ...rest };
    }
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t): t is string => typeof t === "string");
    nullable = nullable || types.includes("null");
    const concrete = types.filter((t) => t !== "null");
    schema = { ...schema, type: concrete.length === 1 ? concrete[0] : concrete };
  }
  return { schema, nullable };
}

/** "row_group_rows" → "Row group rows", for a property without a title. */
export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One form field per property of the options schema, in the schema's order. */
export function optionFields(schema: unknown): OptionField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : []);
  return Object.entries(schema.properties).flatMap(([name, raw]): OptionField[] => {
    if (!isObject(raw)) return [];
    const { schema: s, nullable } = resolve(raw, schema);
    const hasDefault = "default" in s;
    const base: FieldBase = {
      name,
      label: text(s.title) ?? humanize(name),
      help: text(s.description),
      required: required.has(name) && !hasDefault,
    };
    const values = Array.isArray(s.enum) ? s.enum : "const" in s ? [s.const] : null;
    if (values && values.every((v) => typeof v === "string" || typeof v === "number")) {
      const def = s.default === null || s.default === undefined ? null : String(s.default);
      return [{ ...base, kind: "enum", values: values.map(String), default: def, nullable: nullable || !hasDefault }];
    }
    switch (s.type) {
      case "boolean":
        return [{ ...base, kind: "bool", default: s.default === true }];
      case "integer":
      case "number":
        return [
          {
            ...base,
            kind: "number",
            integer: s.type === "integer",
            min: num(s.minimum) ?? num(s.exclusiveMinimum),
            max: num(s.maximum) ?? num(s.exclusiveMaximum),
            minExclusive: num(s.minimum) === null && num(s.exclusiveMinimum) !== null,
            maxExclusive: num(s.maximum) === null && num(s.exclusiveMaximum) !== null,
            default: num(s.default),
          },
        ];
      case "string":
        return [
          {
            ...base,
            kind: "text",
            minLength: num(s.minLength),
            maxLength: num(s.maxLength),
            pattern: text(s.pattern),
            default: typeof s.default === "string" ? s.default : null,
          },
        ];
      default:
        return [{ ...base, kind: "unsupported", default: s.default }];
    }
  });
}

/** The form's starting values: each option's default (empty for "none"). */
export function initialValues(fields: readonly OptionField[]): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const f of fields) {
    if (f.kind === "bool") values[f.name] = f.default;
    else if (f.kind !== "unsupported") values[f.name] = f.default === null ? "" : String(f.default);
  }
  return values;
}

/** What is wrong with the value of `field`, or null: checked before the export is asked for,
 * so a mistyped number is shown beside its field instead of arriving as a 422 download. */
export function fieldError(field: OptionField, value: string | boolean | undefined): string | null {
  if (field.kind === "bool" || field.kind === "unsupported") return null;
  const raw = typeof value === "string" ? value : "";
  if (raw.trim() === "") return field.required ? "Required" : null;
  if (field.kind === "enum") return field.values.includes(raw) ? null : `One of ${field.values.join(", ")}`;
  if (field.kind === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n)) return "Must be a number";
    if (field.integer && !Number.isInteger(n)) return "Must be a whole number";
    if (field.min !== null && (field.minExclusive ? n <= field.min : n < field.min)) {
      return field.minExclusive ? `More than ${field.min}` : `At least ${field.min}`;
    }
    if (field.max !== null && (field.maxExclusive ? n >= field.max : n > field.max)) {
      return field.maxExclusive ? `Less than ${field.max}` : `At most ${field.max}`;
    }
    return null;
  }
  const length = [...raw].length; // code points, as the server counts them
  if (field.minLength !== null && length < field.minLength) return `At least ${field.minLength} characters`;
  if (field.maxLength !== null && length > field.maxLength) return `At most ${field.maxLength} characters`;
  if (field.pattern !== null && !new RegExp(field.pattern, "u").test(raw)) return `Must match ${field.pattern}`;
  return null;
}

/** Every field's problem, by option name (empty: the export can be asked for). */
export function optionErrors(fields: readonly OptionField[], values: OptionValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const e = fieldError(f, values[f.name]);
    if (e) errors[f.name] = e;
  }
  return errors;
}

/**
 * The query parameters of an export with these options: only those that differ from the
 * option's default (so the URL says what was chosen, and a default the server changes
 * later is followed), an empty value meaning "none" (left out). Numbers are sent as typed,
 * booleans as true/false, which the server's options model reads back.
 */
export function optionQuery(fields: readonly OptionField[], values: OptionValues): Record<string, string> {
  const query: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === "unsupported" || v === undefined) continue;
    if (f.kind === "bool") {
      if (v !== f.default) query[f.name] = v ? "true" : "false";
      continue;
    }
    const raw = typeof v === "string" ? (f.kind === "number" ? v.trim() : v) : String(v);
    if (raw === "") continue;
    if (f.kind === "number" && f.default !== null && Number(raw) === f.default) continue;
    if (f.kind !== "number" && raw === f.default) continue;
    query[f.name] = raw;
  }
  return query;
}

/** An export's loss as the server reports it: the project's kinds it cannot carry. */
export interface LossyChoice {
  name: string;
  lost_kinds: readonly string[];
}

/** The exports that carry every kind of the project, and those that would lose some. */
export function splitByLoss<C extends LossyChoice>(choices: readonly C[]): { fitting: C[]; lossy: C[] } {
  return {
    fitting: choices.filter((c) => c.lost_kinds.length === 0),
    lossy: choices.filter((c) => c.lost_kinds.length > 0),
  };
}

/** "polyline", "polyline and mask", "box, polyline and mask". */
export function listKinds(kinds: readonly string[]): string {
  const shown = kinds.map((k) => k.replace(/_/g, " "));
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** What choosing a lossy export means, in words (null: it loses nothing). */
export function lossWarning(choice: LossyChoice): string | null {
  if (choice.lost_kinds.length === 0) return null;
  const kinds = listKinds(choice.lost_kinds);
  return `${choice.name} cannot carry ${kinds}: every ${kinds} object is left out of the file.`;
}

/** The export shown first: the one named (if offered), else the first that loses nothing. */
export function defaultChoice<C extends LossyChoice>(choices: readonly C[], preferred?: string | null): C | null {
  return choices.find((c) => c.name === preferred) ?? splitByLoss(choices).fitting[0] ?? choices[0] ?? null;
}
