import { describe, expect, it } from "vitest";
import type { AnnotationDoc } from "./annotation";
// the demo ontologies as the server returns them (their YAML files, as JSON)
import clinical from "./fixtures/clinical_text_ontology.json";
import medical from "./fixtures/medical_ontology.json";
import {
  allowsKind,
  attributeError,
  attributeErrors,
  classesFor,
  defaultAttributes,
  documentProblems,
  documentProblemsByKind,
  findClass,
  parseOntology,
  relationsBetween,
} from "./ontology";

const DOC = {
  name: "clinical",
  classes: [
    {
      name: "Drug",
      geometry: { text: ["span"] },
      attributes: [{ name: "negated", type: "bool" }],
      children: [
        { name: "Name" },
        {
          name: "Dose",
          attributes: [
            { name: "amount", type: "float", unit: "mg", min: 0, max: 5000, required: true },
            { name: "route", type: "enum", values: ["oral", "iv"] },
          ],
        },
      ],
    },
    { name: "Document", parent: null, geometry: { text: ["tag"] } },
    { name: "Vehicle", geometry: { image: ["box", "polygon"] } },
    { name: "Car", parent: "Vehicle" },
  ],
  relations: [{ name: "dose_of", source: ["Dose"], target: ["Name"] }],
};

describe("ontology as the UI reads it", () => {
  const o = parseOntology(DOC);

  it("orders the hierarchy depth-first and inherits attributes and geometry", () => {
    expect(o.classes.map((c) => `${"-".repeat(c.depth)}${c.name}`)).toEqual([
      "Drug", "-Name", "-Dose", "Document", "Vehicle", "-Car",
    ]);
    const dose = o.classes.find((c) => c.name === "Dose")!;
    expect(dose.attributes.map((a) => a.name)).toEqual(["amount", "route", "negated"]);
    expect(allowsKind(dose, "text", "span")).toBe(true);
    expect(allowsKind(dose, "image", "box")).toBe(false);
  });

  it("lists the classes a tool may use", () => {
    expect(classesFor(o, "image", ["box"]).map((c) => c.name)).toEqual(["Vehicle", "Car"]);
    expect(classesFor(o, "text", ["tag"]).map((c) => c.name)).toEqual(["Document"]);
  });

  it("offers relations by class, through the hierarchy", () => {
    expect(relationsBetween(o, "Dose", "Name").map((r) => r.name)).toEqual(["dose_of"]);
    expect(relationsBetween(o, "Name", "Dose")).toEqual([]);
  });

  it("reads a map-shaped document too", () => {
    const m = parseOntology({
      classes: { Lung: { attributes: { side: { type: "enum", options: ["left", "right"] } } } },
    });
    expect(m.classes[0].attributes[0]).toMatchObject({ name: "side", type: "enum", values: ["left", "right"] });
  });

  it("explains invalid attribute values with units and ranges", () => {
    const amount = o.classes.find((c) => c.name === "Dose")!.attributes[0];
    expect(attributeError(amount, undefined)).toBe("Required");
    expect(attributeError(amount, -1)).toBe("Must be at least 0 mg");
    expect(attributeError(amount, 6000)).toBe("Must be at most 5000 mg");
    expect(attributeError(amount, 250)).toBeNull();
    const date = { ...amount, type: "date" as const, required: false };
    expect(attributeError(date, "2024-02-30")).toBe("Not a real date");
    expect(attributeError(date, "2024-02-29")).toBeNull();
    expect(attributeError(date, "29/02/2024")).toBe("Use the form YYYY-MM-DD");
    const int = { ...amount, type: "int" as const };
    expect(attributeError(int, 2.5)).toBe("Must be a whole number");
    expect(attributeErrors(o.classes[2].attributes, { route: "rectal" })).toEqual({
      amount: "Required",
      route: "Choose one of: oral, iv",
    });
  });
});


describe("the demo ontologies", () => {
  it("clinical text: spans under Drug, document topics as tags, quantities with units", () => {
    const o = parseOntology(clinical);
    expect(classesFor(o, "text", ["span"]).map((c) => c.name)).toEqual([
      "Drug", "Name", "Dose", "AdverseEvent", "Person", "Organisation", "Location",
    ]);
    expect(classesFor(o, "text", ["tag"]).map((c) => c.name)).toEqual([
      "Topic", "Politics", "Economy", "Health", "Conflict", "Sport", "Science", "Other",
    ]);
    const amount = findClass(o, "Dose")!.attributes[0];
    expect(amount.units).toEqual(["mg", "g", "mL", "units"]);
    expect(attributeError(amount, { value: 500, unit: "mg" })).toBeNull();
    expect(attributeError(amount, { value: 500, unit: "kg" })).toBe("Unit must be one of: mg, g, mL, units");
    expect(attributeError(amount, { value: -1, unit: "g" })).toBe("Must be at least 0 g");
    expect(attributeError(amount, 500)).toBe("Give a number and a unit (mg, g, mL, units)");
    expect(relationsBetween(o, "Name", "Dose").map((r) => r.name)).toEqual(["has_dose"]);
    expect(relationsBetween(o, "Dose", "AdverseEvent").map((r) => r.name)).toEqual(["causes"]);
    expect(findClass(o, "Person")!.hotkey).toBe("p");
  });

  it("medical: Nodule inherits Anomaly's attributes and takes boxes; defaults prefill", () => {
    const o = parseOntology(medical);
    const nodule = findClass(o, "Nodule")!;
    expect(nodule.attributes.map((a) => a.name)).toEqual(["diameter_mm", "solid", "laterality", "confidence"]);
    expect(classesFor(o, "image", ["box"]).map((c) => c.name)).toEqual(["Anomaly", "Nodule"]);
    expect(defaultAttributes(nodule)).toEqual({ solid: true, confidence: "medium" });
  });

  it("lists what a document still lacks before the server would take it", () => {
    const o = parseOntology(medical);
    const box = { kind: "box" as const, x1: 1, y1: 1, x2: 9, y2: 9 };
    const doc: AnnotationDoc = {
      objects: [
        { id: "o1", class_name: "Nodule", geometry: box, attributes: { diameter_mm: 120, solid: true } },
        { id: "o2", class_name: "Anomaly", geometry: box, attributes: {} },
      ],
      relations: [],
    };
    expect(documentProblems(o, doc)).toEqual(["Nodule o1: diameter_mm — Must be at most 100 mm"]);
  });

  it("tells what a draft may keep (required values not given) from what is wrong", () => {
    const o = parseOntology(medical);
    const ring: [number, number][] = [[0, 0], [9, 0], [9, 9]];
    const lung = { kind: "polygon" as const, parts: [{ exterior: ring, holes: [] }] };
    const box = { kind: "box" as const, x1: 1, y1: 1, x2: 9, y2: 9 };
    const doc: AnnotationDoc = {
      objects: [
        { id: "o1", class_name: "Lung", geometry: lung, attributes: {} },
        { id: "o2", class_name: "Nodule", geometry: box, attributes: { diameter_mm: -3 } },
      ],
      relations: [],
    };
    expect(documentProblemsByKind(o, doc)).toEqual({
      missing: ["Lung o1: laterality — Required"],
      wrong: ["Nodule o2: diameter_mm — Must be at least 1 mm"],
    });
    expect(documentProblems(o, doc)).toEqual([
      "Lung o1: laterality — Required",
      "Nodule o2: diameter_mm — Must be at least 1 mm",
    ]);
  });
});
