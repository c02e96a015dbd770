/**
 * Text offsets. The browser (DOM selections, String.prototype.length) counts UTF-16 code
 * units; ontolabel stores spans as half-open [start, end) in Unicode code points of the
 * stored text. These pure helpers are the only place the two meet.
 */

export interface CodepointSpan {
  readonly start: number;
  readonly end: number;
  /** text[start:end] in code points, kept with the span so the server can check it */
  readonly text: string;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True when a UTF-16 offset falls between the two halves of a surrogate pair. */
export function splitsSurrogatePair(text: string, utf16: number): boolean {
  if (utf16 <= 0 || utf16 >= text.length) return false;
  return isHighSurrogate(text.charCodeAt(utf16 - 1)) && isLowSurrogate(text.charCodeAt(utf16));
}

/**
 * Move a UTF-16 offset off the middle of a surrogate pair: "down" to before the pair (for a
 * span start), "up" to after it (for a span end). Offsets are clamped into [0, length].
 */
export function snapUtf16(text: string, utf16: number, direction: "down" | "up"): number {
  const clamped = Math.max(0, Math.min(text.length, Math.trunc(utf16)));
  if (!splitsSurrogatePair(text, clamped)) return clamped;
  return direction === "down" ? clamped - 1 : clamped + 1;
}

/** Number of code points in text before the UTF-16 offset (a split pair counts as before it). */
export function utf16ToCodepoint(text: string, utf16: number): number {
  const limit = snapUtf16(text, utf16, "down");
  let count = 0;
  for (let i = 0; i < limit; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
    }
    count++;
  }
  return count;
}

/** UTF-16 offset of the code point index (clamped to the end of the text). */
export function codepointToUtf16(text: string, codepoint: number): number {
  let units = 0;
  let seen = 0;
  while (seen < codepoint && units < text.length) {
    const unit = text.charCodeAt(units);
    const pair =
      isHighSurrogate(unit) && units + 1 < text.length && isLowSurrogate(text.charCodeAt(units + 1));
    units += pair ? 2 : 1;
    seen++;
  }
  return units;
}

/** Number of code points in the text. */
export function codepointLength(text: string): number {
  return utf16ToCodepoint(text, text.length);
}

/** text[start:end] with the indices in code points, as Python slices it. */
export function sliceCodepoints(text: string, start: number, end: number): string {
  return text.slice(codepointToUtf16(text, start), codepointToUtf16(text, end));
}

/**
 * A span from a browser selection in UTF-16 units. The ends are ordered, widened so no
 * surrogate pair is split, and converted to code points; null when the selection is empty.
 */
export function spanFromUtf16(text: string, a: number, b: number): CodepointSpan | null {
  const lo = snapUtf16(text, Math.min(a, b), "down");
  const hi = snapUtf16(text, Math.max(a, b), "up");
  if (hi <= lo) return null;
  const start = utf16ToCodepoint(text, lo);
  const end = utf16ToCodepoint(text, hi);
  return { start, end, text: text.slice(lo, hi) };
}

/**
 * Shrink a span so it neither starts nor ends with whitespace (a drag selection often
 * catches the space after a word); null when only whitespace remains.
 */
export function trimSpan(text: string, span: CodepointSpan): CodepointSpan | null {
  let lo = codepointToUtf16(text, span.start);
  let hi = codepointToUtf16(text, span.end);
  while (lo < hi && /\s/.test(text[lo])) lo++;
  while (hi > lo && /\s/.test(text[hi - 1])) hi--;
  if (hi <= lo) return null;
  return spanFromUtf16(text, lo, hi);
}

/** The UTF-16 range [start, end) of a code-point span, for rendering it in the DOM. */
export function spanToUtf16(text: string, start: number, end: number): [number, number] {
  return [codepointToUtf16(text, start), codepointToUtf16(text, end)];
}
