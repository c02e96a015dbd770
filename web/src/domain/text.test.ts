import { describe, expect, it } from "vitest";
import {
  codepointLength,
  codepointToUtf16,
  sliceCodepoints,
  snapUtf16,
  spanFromUtf16,
  splitsSurrogatePair,
  trimSpan,
  utf16ToCodepoint,
} from "./text";

// U+1F44D THUMBS UP + U+1F3FD skin tone: two astral code points, four UTF-16 units;
// "ö" is precomposed U+00F6 (one unit, one code point).
const EMOJI = "Ok \u{1F44D}\u{1F3FD} meet Ana in K\u00f6ln";
const CRLF = "Name: Bo\r\nCity: Oslo\r\nZip: 0150";

/** The code point slice as Python would do it, computed independently with Array.from. */
function pySlice(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join("");
}

describe("utf16 <-> code point offsets", () => {
  it("places Köln at [18, 22) and Ana at [11, 14) in code points", () => {
    const k = EMOJI.indexOf("K\u00f6ln");
    const a = EMOJI.indexOf("Ana");
    expect([k, a]).toEqual([20, 13]); // what the browser reports (UTF-16)
    expect(spanFromUtf16(EMOJI, k, k + 4)).toEqual({ start: 18, end: 22, text: "K\u00f6ln" });
    expect(spanFromUtf16(EMOJI, a, a + 3)).toEqual({ start: 11, end: 14, text: "Ana" });
    expect(pySlice(EMOJI, 18, 22)).toBe("K\u00f6ln");
    expect(pySlice(EMOJI, 11, 14)).toBe("Ana");
  });

  it.each([
    [0, 0],
    [3, 3],
    [5, 4],
    [7, 5],
    [8, 6],
    [24, 22],
  ])("utf16 %i is code point %i", (u, c) => {
    expect(utf16ToCodepoint(EMOJI, u)).toBe(c);
    expect(codepointToUtf16(EMOJI, c)).toBe(u);
  });

  it("round-trips every code point boundary", () => {
    for (let c = 0; c <= codepointLength(EMOJI); c++) {
      expect(utf16ToCodepoint(EMOJI, codepointToUtf16(EMOJI, c))).toBe(c);
    }
    expect(codepointLength(EMOJI)).toBe(Array.from(EMOJI).length);
  });

  it("never splits a surrogate pair", () => {
    expect(splitsSurrogatePair(EMOJI, 4)).toBe(true);
    expect(splitsSurrogatePair(EMOJI, 5)).toBe(false);
    expect(snapUtf16(EMOJI, 4, "down")).toBe(3);
    expect(snapUtf16(EMOJI, 4, "up")).toBe(5);
    // a selection that ends inside the first emoji's pair grows to include the whole pair
    expect(spanFromUtf16(EMOJI, 0, 4)).toEqual({ start: 0, end: 4, text: "Ok \u{1F44D}" });
    // one that starts inside the second pair grows backwards to its high half
    expect(spanFromUtf16(EMOJI, 6, 12)).toEqual({ start: 4, end: 10, text: "\u{1F3FD} meet" });
    for (let a = 0; a <= EMOJI.length; a++) {
      for (let b = a + 1; b <= EMOJI.length; b++) {
        const s = spanFromUtf16(EMOJI, a, b);
        expect(s).not.toBeNull();
        expect(pySlice(EMOJI, s!.start, s!.end)).toBe(s!.text);
        expect(s!.text.isWellFormed()).toBe(true);
      }
    }
  });

  it("orders reversed selections and refuses empty ones", () => {
    expect(spanFromUtf16(EMOJI, 23, 13)).toEqual(spanFromUtf16(EMOJI, 13, 23));
    expect(spanFromUtf16(EMOJI, 7, 7)).toBeNull();
  });

  it("keeps CRLF as two characters so Oslo slices exactly Oslo", () => {
    const u = CRLF.indexOf("Oslo");
    const span = spanFromUtf16(CRLF, u, u + 4)!;
    expect(span).toEqual({ start: 16, end: 20, text: "Oslo" });
    expect(sliceCodepoints(CRLF, span.start, span.end)).toBe("Oslo");
    expect(pySlice(CRLF, span.start, span.end)).toBe("Oslo");
  });

  it("trims whitespace a drag selection caught", () => {
    const u = EMOJI.indexOf(" meet ");
    const s = spanFromUtf16(EMOJI, u, u + 6)!;
    expect(trimSpan(EMOJI, s)).toEqual({ start: 6, end: 10, text: "meet" });
    expect(trimSpan(EMOJI, spanFromUtf16(EMOJI, 2, 3)!)).toBeNull();
  });
});
