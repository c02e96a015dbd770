import { describe, expect, it } from "vitest";
import {
  classCoefficients,
  classRows,
  defaultClassCoefficient,
  forestDomain,
  forestRow,
  forestRows,
  undefinedGroups,
} from "./forest";
import type { AgreementResult, ClassAgreement } from "./report";

const ci = (low: number, high: number) => ({ low, high, level: 0.95, n_resamples: 1000, seed: 0, method: "percentile" });

// Krippendorff's published example (4 observers × 12 units): nominal α = 0.743, ordinal 0.815
const ALPHA: AgreementResult = {
  coefficient: "krippendorff_alpha",
  label: "Krippendorff's α (nominal)",
  value: 0.7434,
  undefined_reason: null,
  ci: ci(0.5123, 0.9012),
  per_category: null,
  counts: { units: 12, raters: 4 },
  params: { level: "nominal" },
};
const ORDINAL: AgreementResult = { ...ALPHA, label: "Krippendorff's α (ordinal)", value: 0.8154, ci: ci(0.6, 0.95) };
const UNDEFINED: AgreementResult = {
  coefficient: "fleiss_kappa",
  label: "Fleiss' κ",
  value: null,
  undefined_reason: "every rating is the same category (no variation)",
  ci: null,
};

describe("forestRow", () => {
  it("carries the value, its interval and the level", () => {
    const row = forestRow(ALPHA);
    expect(row).toMatchObject({ key: ALPHA.label, value: 0.7434, low: 0.5123, high: 0.9012, level: 0.95, reason: null });
    expect(row.text).toBe("0.743 95% CI [0.512, 0.901]");
  });

  it("gives an undefined coefficient its reason in words and no point", () => {
    const row = forestRow(UNDEFINED);
    expect(row.value).toBeNull();
    expect(row.low).toBeNull();
    expect(row.high).toBeNull();
    expect(row.reason).toBe("every rating is the same category (no variation)");
    expect(row.text).toBe("undefined — every rating is the same category (no variation)");
    expect(row.text).not.toMatch(/NaN|0\.000/);
  });

  it("says something even when the server gave no reason", () => {
    expect(forestRow({ ...UNDEFINED, undefined_reason: null }).text).toBe("undefined — no value was computed");
    expect(forestRow({ ...UNDEFINED, undefined_reason: "  " }).reason).toBe("no value was computed");
  });

  it("shows a value without an interval when the bootstrap gave none", () => {
    const row = forestRow({ ...ALPHA, ci: null });
    expect(row.text).toBe("0.743");
    expect([row.low, row.high]).toEqual([null, null]);
  });
});

describe("forestRows", () => {
  it("keeps the report's order and makes repeated labels distinct keys", () => {
    const rows = forestRows([ALPHA, UNDEFINED, ORDINAL, ALPHA]);
    expect(rows.map((r) => r.key)).toEqual([
      "Krippendorff's α (nominal)",
      "Fleiss' κ",
      "Krippendorff's α (ordinal)",
      "Krippendorff's α (nominal) (2)",
    ]);
  });
});

describe("per-class rows", () => {
  const perClass: ClassAgreement[] = [
    { class: "Car", n_units: 120, coefficients: [UNDEFINED, ALPHA] },
    { class: "Truck", n_units: 8, coefficients: [UNDEFINED] },
  ];

  it("lists the coefficients found in any class and picks one with a value first", () => {
    expect(classCoefficients(perClass)).toEqual(["Fleiss' κ", "Krippendorff's α (nominal)"]);
    expect(defaultClassCoefficient(perClass)).toBe("Krippendorff's α (nominal)");
    expect(defaultClassCoefficient([])).toBeNull();
  });

  it("gives one row per class, with its unit count, and says when a class lacks the coefficient", () => {
    const rows = classRows(perClass, "Krippendorff's α (nominal)");
    expect(rows.map((r) => r.label)).toEqual(["Car (n = 120)", "Truck (n = 8)"]);
    expect(rows[0].value).toBe(0.7434);
    expect(rows[1].text).toBe("undefined — not computed for this class");
  });
});

describe("forestDomain", () => {
  it("spans 0..1 for non-negative values", () => {
    expect(forestDomain(forestRows([ALPHA, UNDEFINED]))).toEqual([0, 1]);
  });
  it("reaches down to a negative bound, rounded to a tenth, never below -1", () => {
    expect(forestDomain(forestRows([{ ...ALPHA, value: -0.12, ci: ci(-0.31, 0.05) }]))).toEqual([-0.4, 1]);
    expect(forestDomain(forestRows([{ ...ALPHA, value: -1, ci: ci(-1, -0.9) }]))).toEqual([-1, 1]);
  });
});

describe("undefinedGroups", () => {
  it("says each reason once, naming every coefficient it applies to", () => {
    const other: AgreementResult = { ...UNDEFINED, label: "Gwet's AC1", undefined_reason: "only 1 category is declared" };
    const rows = forestRows([ALPHA, UNDEFINED, { ...UNDEFINED, label: "Scott's π" }, other]);
    expect(undefinedGroups(rows)).toEqual([
      { labels: ["Fleiss' κ", "Scott's π"], reason: "every rating is the same category (no variation)" },
      { labels: ["Gwet's AC1"], reason: "only 1 category is declared" },
    ]);
    expect(undefinedGroups(forestRows([ALPHA]))).toEqual([]);
  });
});
