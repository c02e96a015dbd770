import { describe, expect, it } from "vitest";
// every writable format's options schema as the server sent it (`options_schema` of
// GET /api/projects/{id}/formats), so the form is proven on the real schemas
import schemas from "./fixtures/export_options_schemas.json";
import {
  defaultChoice,
  fieldError,
  humanize,
  initialValues,
  listKinds,
  lossWarning,
  optionErrors,
  optionFields,
  optionQuery,
  splitByLoss,
  type OptionField,
} from "./exportOptions";

const byName = (fields: OptionField[]) => Object.fromEntries(fields.map((f) => [f.name, f]));

describe("options schema → form fields", () => {
  it("turns CoNLL's options into selects, a checkbox and their help, in the schema's order", () => {
    const fields = optionFields(schemas.conll);
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["status", "enum"],
      ["annotator", "text"],
      ["scheme", "enum"],
      ["layout", "enum"],
      ["separator", "enum"],
      ["docstart", "bool"],
      ["nested", "enum"],
    ]);
    const scheme = byName(fields).scheme;
    expect(scheme).toMatchObject({ label: "Scheme", values: ["iob2", "iobes"], default: "iob2", nullable: false });
    expect(scheme.help).toMatch(/S- for one token/);
    expect(byName(fields).docstart).toMatchObject({ kind: "bool", default: true });
  });

  it("reads a nullable string (pydantic's `str | None`) as an optional text input", () => {
    const annotator = byName(optionFields(schemas.coco)).annotator;
    expect(annotator).toMatchObject({ kind: "text", default: null, required: false });
  });

  it("keeps an integer's bounds and default", () => {
    expect(byName(optionFields(schemas.parquet)).row_group_rows).toMatchObject({
      kind: "number",
      integer: true,
      min: 1,
      max: 1_000_000,
      default: 50_000,
    });
  });

  it("renders every option of every real format with a control", () => {
    for (const [name, schema] of Object.entries(schemas)) {
      const fields = optionFields(schema);
      expect(fields.length, name).toBeGreaterThan(0);
      expect(fields.filter((f) => f.kind === "unsupported"), name).toEqual([]);
      expect(fields.every((f) => f.help), `${name}: every option has help text`).toBe(true);
    }
  });

  it("follows $ref and allOf into $defs, where pydantic puts Enum classes", () => {
    const schema = {
      type: "object",
      $defs: { Task: { enum: ["detect", "segment"], title: "Task", type: "string" } },
      properties: {
        task: { $ref: "#/$defs/Task", default: "segment", description: "what to train" },
        again: { allOf: [{ $ref: "#/$defs/Task" }], default: "detect", description: "wrapped" },
        maybe: { anyOf: [{ $ref: "#/$defs/Task" }, { type: "null" }], default: null },
      },
    };
    const f = byName(optionFields(schema));
    expect(f.task).toMatchObject({ kind: "enum", values: ["detect", "segment"], default: "segment", help: "what to train" });
    expect(f.again).toMatchObject({ kind: "enum", default: "detect", help: "wrapped" });
    expect(f.maybe).toMatchObject({ kind: "enum", default: null, nullable: true });
  });

  it("reads type lists, consts, exclusive bounds, required options and unknown shapes", () => {
    const schema = {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: ["string", "null"], minLength: 2 },
        only: { const: "v1", default: "v1" },
        ratio: { type: "number", exclusiveMinimum: 0, maximum: 1, default: 0.5 },
        tags: { type: "array", items: { type: "string" }, default: [] },
      },
    };
    const f = byName(optionFields(schema));
    expect(f.name).toMatchObject({ kind: "text", label: "Name", required: true, minLength: 2 });
    expect(f.only).toMatchObject({ kind: "enum", values: ["v1"] });
    expect(f.ratio).toMatchObject({ kind: "number", integer: false, min: 0, minExclusive: true, max: 1, maxExclusive: false });
    expect(f.tags.kind).toBe("unsupported");
  });

  it("gives nothing for a schema that is not an object schema", () => {
    expect(optionFields(null)).toEqual([]);
    expect(optionFields({ type: "object" })).toEqual([]);
    expect(optionFields("nope")).toEqual([]);
  });

  it.each([
    ["row_group_rows", "Row group rows"],
    ["image-prefix", "Image prefix"],
    ["x", "X"],
  ])("labels %s as %s when the schema has no title", (name, label) => {
    expect(humanize(name)).toBe(label);
  });
});

describe("checking what the user typed", () => {
  const fields = byName(
    optionFields({
      type: "object",
      required: ["key"],
      properties: {
        rows: { type: "integer", minimum: 1, maximum: 10, default: 5 },
        ratio: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.5 },
        key: { type: "string", minLength: 2, maxLength: 4, pattern: "^[a-z]+$" },
        mode: { enum: ["a", "b"], default: "a" },
      },
    }),
  );

  it.each([
    ["rows", "3", null],
    ["rows", "", null],
    ["rows", "x", "Must be a number"],
    ["rows", "2.5", "Must be a whole number"],
    ["rows", "0", "At least 1"],
    ["rows", "11", "At most 10"],
    ["ratio", "0", "More than 0"],
    ["ratio", "1", "Less than 1"],
    ["ratio", "0.99", null],
    ["key", "", "Required"],
    ["key", "a", "At least 2 characters"],
    ["key", "abcde", "At most 4 characters"],
    ["key", "AB", "Must match ^[a-z]+$"],
    ["key", "東京", "Must match ^[a-z]+$"],
    ["key", "abc", null],
    ["mode", "c", "One of a, b"],
  ] as const)("%s = %j → %s", (name, value, error) => {
    expect(fieldError(fields[name], value)).toBe(error);
  });

  it("collects every field's problem by name", () => {
    const list = Object.values(fields);
    expect(optionErrors(list, { ...initialValues(list), rows: "99" })).toEqual({ rows: "At most 10", key: "Required" });
  });
});

describe("building the export query", () => {
  const fields = optionFields(schemas.conll);

  it("starts from every option's default", () => {
    expect(initialValues(fields)).toEqual({
      status: "any",
      annotator: "",
      scheme: "iob2",
      layout: "two_column",
      separator: "space",
      docstart: true,
      nested: "longest",
    });
  });

  it("sends nothing when every option is its default", () => {
    expect(optionQuery(fields, initialValues(fields))).toEqual({});
  });

  it("sends only what differs from the defaults, booleans as true/false", () => {
    const values = { ...initialValues(fields), scheme: "iobes", docstart: false, annotator: "ana" };
    expect(optionQuery(fields, values)).toEqual({ scheme: "iobes", docstart: "false", annotator: "ana" });
  });

  it("sends a checkbox turned on against a false default, and a number as typed", () => {
    const cvat = optionFields(schemas.cvat);
    expect(optionQuery(cvat, { ...initialValues(cvat), include_media: true })).toEqual({ include_media: "true" });
    const parquet = optionFields(schemas.parquet);
    expect(optionQuery(parquet, { ...initialValues(parquet), row_group_rows: " 1000 " })).toEqual({ row_group_rows: "1000" });
    expect(optionQuery(parquet, { ...initialValues(parquet), row_group_rows: "50000.0" })).toEqual({});
  });

  it("leaves out an emptied optional value, so the server's default (none) holds", () => {
    expect(optionQuery(fields, { ...initialValues(fields), annotator: "" })).toEqual({});
  });
});

describe("exports that lose kinds", () => {
  const choices = [
    { name: "csv", lost_kinds: [] },
    { name: "coco", lost_kinds: ["polyline"] },
    { name: "jsonl", lost_kinds: [] },
    { name: "voc", lost_kinds: ["polyline", "rotated_box", "mask"] },
  ];

  it("are told apart from those that carry everything", () => {
    const { fitting, lossy } = splitByLoss(choices);
    expect(fitting.map((c) => c.name)).toEqual(["csv", "jsonl"]);
    expect(lossy.map((c) => c.name)).toEqual(["coco", "voc"]);
  });

  it("say what is left out", () => {
    expect(lossWarning(choices[1])).toBe("coco cannot carry polyline: every polyline object is left out of the file.");
    expect(lossWarning(choices[3])).toMatch(/^voc cannot carry polyline, rotated box and mask:/);
    expect(lossWarning(choices[0])).toBeNull();
    expect(listKinds(["box", "mask"])).toBe("box and mask");
  });

  it("are never the first choice unless named or nothing else fits", () => {
    expect(defaultChoice(choices)?.name).toBe("csv");
    expect(defaultChoice(choices, "coco")?.name).toBe("coco");
    expect(defaultChoice(choices, "gone")?.name).toBe("csv");
    expect(defaultChoice([choices[1]])?.name).toBe("coco");
    expect(defaultChoice([])).toBeNull();
  });
});
