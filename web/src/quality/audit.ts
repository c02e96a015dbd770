/** The audit's verdicts as the page shows them: a tone for the pill and a one-line summary. */
import { fmt, fmtP } from "./format";
import type { AuditAnnotator, DriftTest } from "./report";

export type Tone = "bad" | "ok" | "neutral";

/** "drop" is bad news, "no drop" good; anything else ("not enough data") is neither. */
export function driftTone(drift: DriftTest | null): Tone {
  if (!drift) return "neutral";
  const v = drift.verdict.trim().toLowerCase();
  if (v === "drop") return "bad";
  if (v === "no drop") return "ok";
  return "neutral";
}

/** "drop (p = 0.002)", "no drop (p = 0.41)", "not enough data". */
export function driftSummary(drift: DriftTest | null): string {
  if (!drift) return "not tested";
  if (drift.p_value === null || !Number.isFinite(drift.p_value)) return drift.verdict;
  return `${drift.verdict} (${fmtP(drift.p_value)})`;
}

/** Peer agreement of one annotator in words: the value, or why there is none. */
export function peerAgreementText(a: AuditAnnotator): string {
  const r = a.agreement_with_peers;
  if (!r) return "no peers on the same items";
  if (r.value === null || !Number.isFinite(r.value)) return `undefined — ${r.undefined_reason?.trim() || "no value was computed"}`;
  return fmt(r.value);
}

/** Annotators with a detected drop first, then by name: the ones a lead reads first. */
export function auditOrder(annotators: readonly AuditAnnotator[]): AuditAnnotator[] {
  const rank = (a: AuditAnnotator) => (driftTone(a.drift) === "bad" ? 0 : 1);
  return [...annotators].sort((x, y) => rank(x) - rank(y) || x.annotator.localeCompare(y.annotator));
}
