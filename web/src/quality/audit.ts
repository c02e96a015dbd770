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

/** The drift tests the audit ran on one annotator, named for the reader, in a fixed order. */
export function driftTests(a: AuditAnnotator): { name: string; test: DriftTest }[] {
  const tests: { name: string; test: DriftTest | null | undefined }[] = [
    { name: "early vs late", test: a.drift },
    { name: "within sessions", test: a.trend },
    { name: "across sessions", test: a.across_sessions },
  ];
  return tests.filter((t): t is { name: string; test: DriftTest } => !!t.test);
}

/** The worst verdict of all the annotator's tests: one drop makes the annotator "bad". */
export function annotatorTone(a: AuditAnnotator): Tone {
  const tones = driftTests(a).map((t) => driftTone(t.test));
  if (tones.includes("bad")) return "bad";
  if (tones.includes("ok")) return "ok";
  return "neutral";
}

/** Peer agreement of one annotator in words: the value, or why there is none. */
export function peerAgreementText(a: AuditAnnotator): string {
  const r = a.agreement_with_peers;
  if (!r) return typeof a.peer_f1 === "number" && Number.isFinite(a.peer_f1) ? `F1 ${fmt(a.peer_f1)}` : "no peers on the same items";
  if (r.value === null || !Number.isFinite(r.value)) return `undefined — ${r.undefined_reason?.trim() || "no value was computed"}`;
  return fmt(r.value);
}

/** Annotators with a detected drop first, then by name: the ones a lead reads first. */
export function auditOrder(annotators: readonly AuditAnnotator[]): AuditAnnotator[] {
  const rank = (a: AuditAnnotator) => (annotatorTone(a) === "bad" ? 0 : 1);
  return [...annotators].sort((x, y) => rank(x) - rank(y) || x.annotator.localeCompare(y.annotator));
}
