import { describe, expect, it } from "vitest";
import { annotatorTone, auditOrder, driftSummary, driftTests, driftTone, peerAgreementText } from "./audit";
import { fmt, fmtInterval, fmtLevel, fmtP, fmtRate, fmtSeconds } from "./format";
import { bestAnnotators, classBars, presentMetrics } from "./gold";
import type { AuditAnnotator, GoldAnnotator } from "./report";

describe("number formats", () => {
  it("never write NaN or -0", () => {
    expect(fmt(0.74341)).toBe("0.743");
    expect(fmt(null)).toBe("—");
    expect(fmt(Number.NaN)).toBe("—");
    expect(fmt(-0.0001)).toBe("0.000");
    expect(fmt(-0.25, 2)).toBe("-0.25");
    expect(fmtInterval(0.5, null)).toBe("[0.500, —]");
  });
  it("write p-values and levels as a report does", () => {
    expect(fmtP(0.0004)).toBe("p < 0.001");
    expect(fmtP(0.0234)).toBe("p = 0.023");
    expect(fmtP(null)).toBe("p not computed");
    expect(fmtLevel(0.95)).toBe("95%");
    expect(fmtLevel(0.995)).toBe("99.5%");
  });
  it("write seconds per item", () => {
    expect(fmtSeconds(4.25)).toBe("4.3 s");
    expect(fmtSeconds(41.2)).toBe("41 s");
    expect(fmtSeconds(125)).toBe("2 min 05 s");
    expect(fmtSeconds(null)).toBe("—");
  });
  it("write rates", () => {
    expect(fmtRate(72.46)).toBe("72.5");
    expect(fmtRate(7282535.4)).toBe("7,282,535");
    expect(fmtRate(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

const gold = (annotator: string, f1: number | null, cer: number | null = null): GoldAnnotator => ({
  annotator,
  n_items: 10,
  f1,
  precision: f1,
  recall: f1,
  mean_iou: null,
  dice: null,
  accuracy: null,
  cer,
  wer: null,
  per_class: [
    { class: "Car", f1, iou: 0.7, support: 12 },
    { class: "Truck", f1: null, support: 0 },
  ],
});

describe("gold shaping", () => {
  it("makes a bar per annotator and class with a score; a null score is no bar", () => {
    const bars = classBars([gold("alice", 0.9), gold("bob", 0.6)], "f1");
    expect(bars).toEqual([
      { annotator: "alice", class: "Car", value: 0.9, support: 12 },
      { annotator: "bob", class: "Car", value: 0.6, support: 12 },
    ]);
    expect(classBars([gold("alice", 0.9)], "iou").map((b) => b.value)).toEqual([0.7]);
  });
  it("shows only metrics somebody has", () => {
    expect(presentMetrics([gold("alice", 0.9), gold("bob", 0.6)]).map((m) => m.key)).toEqual(["f1", "precision", "recall"]);
    expect(presentMetrics([gold("alice", 0.9, 0.12)]).map((m) => m.key)).toContain("cer");
  });
  it("marks the best annotator per metric, lower being better for error rates", () => {
    const team = [gold("alice", 0.9, 0.3), gold("bob", 0.6, 0.1)];
    expect([...bestAnnotators(team, "f1", false)]).toEqual(["alice"]);
    expect([...bestAnnotators(team, "cer", true)]).toEqual(["bob"]);
    expect(bestAnnotators([gold("a", 0.5), gold("b", 0.5)], "f1", false).size).toBe(0);
  });
});

const auditee = (annotator: string, verdict: string, p: number | null): AuditAnnotator => ({
  annotator,
  n_items: 20,
  n_sessions: 2,
  median_seconds_per_item: 30,
  items_per_hour: 100,
  agreement_with_peers: null,
  gold_f1: null,
  per_class: [],
  timeline: [],
  drift: { test: "Mann-Whitney U", statistic: 1, p_value: p, effect: null, verdict, detail: "" },
});

describe("audit shaping", () => {
  it("reads the drift verdict", () => {
    expect(driftTone(auditee("a", "drop", 0.002).drift)).toBe("bad");
    expect(driftTone(auditee("a", "no drop", 0.4).drift)).toBe("ok");
    expect(driftTone(auditee("a", "not enough data", null).drift)).toBe("neutral");
    expect(driftSummary(auditee("a", "drop", 0.002).drift)).toBe("drop (p = 0.002)");
    expect(driftSummary(auditee("a", "not enough data", null).drift)).toBe("not enough data");
  });
  it("puts annotators with a drop first", () => {
    const order = auditOrder([auditee("alice", "no drop", 0.5), auditee("carol", "drop", 0.01), auditee("bob", "no drop", 0.3)]);
    expect(order.map((a) => a.annotator)).toEqual(["carol", "alice", "bob"]);
  });
  it("names every test that ran, and one drop makes the annotator a concern", () => {
    const a = {
      ...auditee("dana", "not enough data", null),
      trend: { test: "Kendall tau-b", statistic: -0.4, p_value: 0.003, effect: -0.4, verdict: "drop", detail: "falls within sessions" },
      across_sessions: null,
    };
    expect(driftTests(a).map((t) => [t.name, t.test.verdict])).toEqual([
      ["early vs late", "not enough data"],
      ["within sessions", "drop"],
    ]);
    expect(annotatorTone(a)).toBe("bad");
    expect(annotatorTone(auditee("erin", "no drop", 0.5))).toBe("ok");
    expect(auditOrder([auditee("alice", "no drop", 0.5), a]).map((x) => x.annotator)).toEqual(["dana", "alice"]);
  });
  it("falls back to the peer F1 when no coefficient came with the audit", () => {
    expect(peerAgreementText({ ...auditee("a", "drop", 0.1), peer_f1: 0.71875 })).toBe("F1 0.719");
  });
  it("says why there is no peer agreement", () => {
    expect(peerAgreementText(auditee("a", "drop", 0.1))).toBe("no peers on the same items");
    const a = { ...auditee("a", "drop", 0.1), agreement_with_peers: { coefficient: "k", label: "k", value: null, undefined_reason: "one unit", ci: null } };
    expect(peerAgreementText(a)).toBe("undefined — one unit");
  });
});
