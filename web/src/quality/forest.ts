/**
 * Agreement results as rows of a forest plot: a point and its confidence interval per
 * coefficient (or per class), and for an undefined coefficient a row that carries the
 * reason in words instead of a point — never a 0 or a NaN drawn as if it were measured.
 */
import { fmt, fmtInterval, fmtLevel } from "./format";
import type { AgreementResult, ClassAgreement } from "./report";

export interface ForestRow {
  /** unique within one plot; also the y position */
  readonly key: string;
  readonly label: string;
  readonly coefficient: string;
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly level: number | null;
  /** why there is no value; null when there is one */
  readonly reason: string | null;
  /** the row as a sentence fragment: "0.743 95% CI [0.612, 0.851]" or "undefined — …" */
  readonly text: string;
}

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/** The row of one result, labelled `label` (the coefficient's own label by default). */
export function forestRow(r: AgreementResult, label: string = r.label, key: string = label): ForestRow {
  if (!finite(r.value)) {
    const reason = r.undefined_reason?.trim() || "no value was computed";
    return {
      key,
      label,
      coefficient: r.coefficient,
      value: null,
      low: null,
      high: null,
      level: null,
      reason,
      text: `undefined — ${reason}`,
    };
  }
  const low = finite(r.ci?.low) ? r.ci.low : null;
  const high = finite(r.ci?.high) ? r.ci.high : null;
  const level = r.ci && finite(r.ci.level) ? r.ci.level : null;
  const ci = low !== null && high !== null ? ` ${level !== null ? `${fmtLevel(level)} ` : ""}CI ${fmtInterval(low, high)}` : "";
  return { key, label, coefficient: r.coefficient, value: r.value, low, high, level, reason: null, text: `${fmt(r.value)}${ci}` };
}

/** One row per coefficient, in the report's order; repeated labels get a distinct key. */
export function forestRows(results: readonly AgreementResult[]): ForestRow[] {
  const seen = new Map<string, number>();
  return results.map((r) => {
    const n = (seen.get(r.label) ?? 0) + 1;
    seen.set(r.label, n);
    return forestRow(r, r.label, n === 1 ? r.label : `${r.label} (${n})`);
  });
}

/** The coefficients a per-class plot can show: the labels found in any class, first-seen order. */
export function classCoefficients(perClass: readonly ClassAgreement[]): string[] {
  const labels: string[] = [];
  for (const c of perClass) for (const r of c.coefficients) if (!labels.includes(r.label)) labels.push(r.label);
  return labels;
}

/** The coefficient to show per class first: the first one that has a value in some class. */
export function defaultClassCoefficient(perClass: readonly ClassAgreement[]): string | null {
  for (const label of classCoefficients(perClass)) {
    if (perClass.some((c) => c.coefficients.some((r) => r.label === label && finite(r.value)))) return label;
  }
  return classCoefficients(perClass)[0] ?? null;
}

/** One row per class for the coefficient labelled `label`; a class without it says so. */
export function classRows(perClass: readonly ClassAgreement[], label: string): ForestRow[] {
  return perClass.map((c) => {
    const rowLabel = `${c.class} (n = ${c.n_units})`;
    const r = c.coefficients.find((x) => x.label === label);
    if (!r) {
      return forestRow(
        { coefficient: label, label, value: null, undefined_reason: "not computed for this class", ci: null },
        rowLabel,
        c.class,
      );
    }
    return forestRow(r, rowLabel, c.class);
  });
}

/**
 * The x extent of a forest plot: always [.., 1] (the ceiling of every coefficient), starting
 * at 0 unless a value or bound is negative, then at that value rounded down to a tenth
 * (never below -1).
 */
export function forestDomain(rows: readonly ForestRow[]): [number, number] {
  let lo = 0;
  for (const r of rows) for (const v of [r.value, r.low]) if (v !== null && v < lo) lo = v;
  return [Math.max(-1, Math.floor(lo * 10 + 1e-9) / 10), 1];
}

/** Undefined rows gathered by reason, first-seen order: one sentence per reason, not per coefficient. */
export function undefinedGroups(rows: readonly ForestRow[]): { labels: string[]; reason: string }[] {
  const groups: { labels: string[]; reason: string }[] = [];
  for (const r of rows) {
    if (r.reason === null) continue;
    const g = groups.find((x) => x.reason === r.reason);
    if (g) g.labels.push(r.label);
    else groups.push({ labels: [r.label], reason: r.reason });
  }
  return groups;
}
