/**
 * Pairwise Cohen's κ as a raters × raters matrix (symmetric; the diagonal is the rater with
 * themself and shows nothing).
 */
import { fmt } from "./format";
import type { PairAgreement } from "./report";

export interface KappaCell {
  readonly a: string;
  readonly b: string;
  readonly value: number | null;
  readonly reason: string | null;
  readonly nItems: number | null;
  readonly text: string;
}

export function kappaMatrix(raters: readonly string[], pairs: readonly PairAgreement[]): KappaCell[][] {
  const byPair = new Map<string, PairAgreement>();
  for (const p of pairs) {
    byPair.set(`${p.a}\u0000${p.b}`, p);
    byPair.set(`${p.b}\u0000${p.a}`, p);
  }
  return raters.map((a) =>
    raters.map((b): KappaCell => {
      if (a === b) return { a, b, value: null, reason: null, nItems: null, text: "" };
      const p = byPair.get(`${a}\u0000${b}`);
      if (!p) return { a, b, value: null, reason: "no items in common", nItems: 0, text: "—" };
      if (!p.cohen_kappa) return { a, b, value: null, reason: "no class labels to compare", nItems: p.n_items, text: "—" };
      const v = p.cohen_kappa.value;
      if (v === null || !Number.isFinite(v)) {
        const reason = p.cohen_kappa.undefined_reason?.trim() || "no value was computed";
        return { a, b, value: null, reason, nItems: p.n_items, text: "undefined" };
      }
      return { a, b, value: v, reason: null, nItems: p.n_items, text: fmt(v, 2) };
    }),
  );
}
