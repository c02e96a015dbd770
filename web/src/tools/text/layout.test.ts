import { describe, expect, it } from "vitest";
import { assignLevels, segments } from "./layout";

const EMOJI = "Ok \u{1F44D}\u{1F3FD} meet Ana in K\u00f6ln";

describe("span layout", () => {
  it("stacks overlapping spans on different levels and reuses free ones", () => {
    const levels = assignLevels([
      { id: "a", start: 0, end: 10 },
      { id: "b", start: 5, end: 8 },
      { id: "c", start: 10, end: 12 },
      { id: "d", start: 6, end: 14 },
    ]);
    expect(Object.fromEntries(levels)).toEqual({ a: 0, b: 1, d: 2, c: 0 });
  });

  it("cuts the text at span boundaries in UTF-16 units and covers the whole text", () => {
    const segs = segments(EMOJI, [
      { id: "ana", start: 11, end: 14 },
      { id: "koln", start: 18, end: 22 },
      { id: "phrase", start: 11, end: 22 },
    ]);
    expect(segs.map((s) => [EMOJI.slice(s.from, s.to), s.covering])).toEqual([
      ["Ok \u{1F44D}\u{1F3FD} meet ", []],
      ["Ana", ["phrase", "ana"]],
      [" in ", ["phrase"]],
      ["K\u00f6ln", ["phrase", "koln"]],
    ]);
    expect(segs.map((s) => EMOJI.slice(s.from, s.to)).join("")).toBe(EMOJI);
  });
});
