import { describe, expect, it } from "vitest";
import { inkOn, kappaColor, NO_VALUE_COLOR, shareColor } from "./colors";
import { kappaMatrix } from "./pairwise";
import type { PairAgreement } from "./report";

const kappa = (value: number | null, reason: string | null = null) => ({
  coefficient: "cohen_kappa",
  label: "Cohen's κ",
  value,
  undefined_reason: reason,
  ci: null,
});

const PAIRS: PairAgreement[] = [
  { a: "alice", b: "bob", n_items: 30, cohen_kappa: kappa(0.6123) },
  { a: "bob", b: "carol", n_items: 12, cohen_kappa: kappa(null, "one category only") },
  { a: "carol", b: "dan", n_items: 4, cohen_kappa: null },
];

describe("kappaMatrix", () => {
  const m = kappaMatrix(["alice", "bob", "carol"], PAIRS);

  it("is square and symmetric over the raters", () => {
    expect(m).toHaveLength(3);
    expect(m.every((row) => row.length === 3)).toBe(true);
    expect(m[0][1]).toMatchObject({ a: "alice", b: "bob", value: 0.6123, nItems: 30, text: "0.61" });
    expect(m[1][0]).toMatchObject({ a: "bob", b: "alice", value: 0.6123, nItems: 30 });
  });

  it("leaves the diagonal empty", () => {
    expect([m[0][0].text, m[1][1].text, m[2][2].text]).toEqual(["", "", ""]);
    expect(m[1][1].value).toBeNull();
  });

  it("shows an undefined pair with its reason and a pair without common items as such", () => {
    expect(m[1][2]).toMatchObject({ value: null, text: "undefined", reason: "one category only", nItems: 12 });
    expect(m[0][2]).toMatchObject({ value: null, text: "—", reason: "no items in common" });
  });

  it("shows a pair without κ (no class labels to compare) as such", () => {
    const withDan = kappaMatrix(["carol", "dan"], PAIRS);
    expect(withDan[0][1]).toMatchObject({ value: null, text: "—", nItems: 4, reason: "no class labels to compare" });
  });
});

describe("kappaColor", () => {
  it("is white at chance, the accent at 1 and red at -1", () => {
    expect(kappaColor(0)).toBe("#ffffff");
    expect(kappaColor(1)).toBe("#4f46e5");
    expect(kappaColor(-1)).toBe("#dc2626");
    expect(kappaColor(0.5)).toBe("#a7a3f2");
  });
  it("clamps out-of-range values and greys out missing ones", () => {
    expect(kappaColor(1.7)).toBe("#4f46e5");
    expect(kappaColor(null)).toBe(NO_VALUE_COLOR);
    expect(kappaColor(Number.NaN)).toBe(NO_VALUE_COLOR);
  });
});

describe("shareColor", () => {
  it("ramps from white (none of the row) to the accent (all of it)", () => {
    expect(shareColor(0)).toBe("#ffffff");
    expect(shareColor(1)).toBe("#4f46e5");
    expect(shareColor(0.5)).toBe(kappaColor(0.5));
    expect(shareColor(null)).toBe(NO_VALUE_COLOR);
  });
});

describe("inkOn", () => {
  it("writes white on the dark end and black on the light end", () => {
    expect(inkOn(kappaColor(1))).toBe("#ffffff");
    expect(inkOn(kappaColor(0.1))).toBe("#000000");
    expect(inkOn("#000000")).toBe("#ffffff");
    expect(inkOn("not a colour")).toBe("#000000");
  });
});
