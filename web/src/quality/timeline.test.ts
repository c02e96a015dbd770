import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "./report";
import { rollingMean, scoreAxisLabel, sessionSpans, timelinePoints } from "./timeline";

const at = (minute: number, session: number, position: number, score: number | null, item = minute): TimelineEntry => ({
  time: new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString(),
  item_id: item,
  session,
  position_in_session: position,
  seconds: 40,
  score,
  score_kind: "gold_f1",
});

// two sessions, given out of order; one item without a score
const ENTRIES: TimelineEntry[] = [
  at(50, 1, 0, 0.5),
  at(0, 0, 0, 1.0),
  at(1, 0, 1, 0.8),
  at(2, 0, 2, null),
  at(3, 0, 3, 0.6),
  at(51, 1, 1, 0.7),
];

describe("timelinePoints", () => {
  it("sorts by time and numbers the order of work from 1", () => {
    const pts = timelinePoints(ENTRIES);
    expect(pts.map((p) => p.order)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pts.map((p) => p.itemId)).toEqual([0, 1, 2, 3, 50, 51]);
    expect(pts[2].score).toBeNull();
  });
  it("drops an entry whose time does not parse", () => {
    expect(timelinePoints([{ ...at(0, 0, 0, 1), time: "yesterday" }])).toEqual([]);
  });
});

describe("rollingMean", () => {
  const pts = timelinePoints(ENTRIES);

  it("is the trailing mean of scored items and restarts with each session", () => {
    const m = rollingMean(pts, 2);
    expect(m.map((x) => x.order)).toEqual([1, 2, 4, 5, 6]);
    expect(m.map((x) => x.mean)).toEqual([1.0, 0.9, 0.7, 0.5, 0.6]);
    expect(m.map((x) => x.n)).toEqual([1, 2, 2, 1, 2]);
    expect(m.map((x) => x.session)).toEqual([0, 0, 0, 1, 1]);
  });
  it("with a wide window is the running mean of the session", () => {
    expect(rollingMean(pts, 10)[2].mean).toBeCloseTo((1.0 + 0.8 + 0.6) / 3, 12);
  });
  it("refuses a window below 1", () => {
    expect(() => rollingMean(pts, 0)).toThrow("at least 1");
  });
});

describe("sessionSpans", () => {
  it("gives each session its time extent and order extent, alternately shaded", () => {
    const spans = sessionSpans(timelinePoints(ENTRIES));
    expect(spans.map((s) => [s.session, s.n, s.orderStart, s.orderEnd, s.shaded])).toEqual([
      [0, 4, 0.5, 4.5, true],
      [1, 2, 4.5, 6.5, false],
    ]);
    expect(spans[0].start.toISOString()).toBe("2026-01-05T09:00:00.000Z");
    expect(spans[0].end.toISOString()).toBe("2026-01-05T09:03:00.000Z");
  });
});

describe("scoreAxisLabel", () => {
  it("names the kinds of score plotted", () => {
    const pts = timelinePoints([at(0, 0, 0, 0.9), { ...at(1, 0, 1, 0.8), score_kind: "peer_f1" }]);
    expect(scoreAxisLabel(pts)).toBe("F1 against gold / F1 against peers");
    expect(scoreAxisLabel([])).toBe("score");
  });
});
