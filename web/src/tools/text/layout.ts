/**
 * How labelled spans are laid over the text: each span gets a level (overlapping spans get
 * different levels, drawn as stacked underlines), and the text is cut into segments at
 * every span boundary, each segment knowing which spans cover it. Segments are in UTF-16
 * units of the stored text, since that is what the DOM renders.
 */
import { spanToUtf16 } from "../../domain/text";

export interface SpanRef {
  readonly id: string;
  readonly start: number; // code points
  readonly end: number;
}

export interface Segment {
  readonly from: number; // UTF-16
  readonly to: number;
  readonly covering: readonly string[]; // span ids, by level
}

/** Greedy interval colouring: longer spans first at each start, lowest free level. */
export function assignLevels(spans: readonly SpanRef[]): Map<string, number> {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const levelEnds: number[] = []; // end of the last span placed on each level
  const out = new Map<string, number>();
  for (const s of sorted) {
    let level = levelEnds.findIndex((end) => end <= s.start);
    if (level < 0) level = levelEnds.length;
    levelEnds[level] = s.end;
    out.set(s.id, level);
  }
  return out;
}

export function segments(text: string, spans: readonly SpanRef[]): Segment[] {
  const units = spans.map((s) => {
    const [from, to] = spanToUtf16(text, s.start, s.end);
    return { id: s.id, from, to };
  });
  const cuts = new Set<number>([0, text.length]);
  for (const u of units) {
    cuts.add(Math.max(0, Math.min(text.length, u.from)));
    cuts.add(Math.max(0, Math.min(text.length, u.to)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const levels = assignLevels(spans);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i];
    const to = points[i + 1];
    const covering = units
      .filter((u) => u.from <= from && u.to >= to)
      .sort((a, b) => (levels.get(a.id) ?? 0) - (levels.get(b.id) ?? 0))
      .map((u) => u.id);
    out.push({ from, to, covering });
  }
  return out;
}
