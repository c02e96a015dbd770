import { describe, expect, it } from "vitest";
import { allowsKind, attributeError, attributeErrors, classesFor, parseOntology, relationsBetween } from "./ontology";

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
