/**
 * An annotator's timeline as chart data: one point per item (score against time and against
 * the item's place in the order of work), a rolling mean that restarts with every session
 * (so late-session fatigue shows as a falling line inside a session), and the sessions'
 * extents for shading.
 */
import type { TimelineEntry } from "./report";

export interface TimelinePoint {
  readonly time: Date;
  /** 1-based place in the annotator's order of work */
  readonly order: number;
  readonly itemId: number;
  readonly session: number;
  readonly position: number;
  readonly seconds: number | null;
  readonly score: number | null;
  readonly kind: string;
}

export function timelinePoints(entries: readonly TimelineEntry[]): TimelinePoint[] {
  return entries
    .map((e) => ({ e, t: Date.parse(e.time) }))
    .filter(({ t }) => Number.isFinite(t))
    .sort((x, y) => x.t - y.t || x.e.session - y.e.session || x.e.position_in_session - y.e.position_in_session)
    .map(({ e, t }, k) => ({
      time: new Date(t),
      order: k + 1,
      itemId: e.item_id,
      session: e.session,
      position: e.position_in_session,
      seconds: e.seconds,
      score: e.score !== null && Number.isFinite(e.score) ? e.score : null,
      kind: e.score_kind,
    }));
}

export interface MeanPoint {
  readonly time: Date;
  readonly order: number;
  readonly session: number;
  readonly mean: number;
  /** how many scores the mean is over (fewer than the window at a session's start) */
  readonly n: number;
}

/**
 * The trailing mean of the last `window` scored items, within each session, at every scored
 * item. Items without a score neither count nor get a point.
 */
export function rollingMean(points: readonly TimelinePoint[], window = 5): MeanPoint[] {
  if (window < 1) throw new Error(`rolling window must be at least 1, got ${window}`);
  const out: MeanPoint[] = [];
  let session: number | null = null;
  let recent: number[] = [];
  for (const p of points) {
    if (p.session !== session) {
      session = p.session;
      recent = [];
    }
    if (p.score === null) continue;
    recent.push(p.score);
    if (recent.length > window) recent.shift();
    out.push({
      time: p.time,
      order: p.order,
      session: p.session,
      mean: recent.reduce((a, b) => a + b, 0) / recent.length,
      n: recent.length,
    });
  }
  return out;
}

export interface SessionSpan {
  readonly session: number;
  readonly start: Date;
  readonly end: Date;
  /** first and last place in the order of work, widened by half an item for shading */
  readonly orderStart: number;
  readonly orderEnd: number;
  readonly n: number;
  /** alternate sessions are shaded */
  readonly shaded: boolean;
}

export function sessionSpans(points: readonly TimelinePoint[]): SessionSpan[] {
  const spans = new Map<number, { start: Date; end: Date; first: number; last: number; n: number }>();
  for (const p of points) {
    const s = spans.get(p.session);
    if (!s) spans.set(p.session, { start: p.time, end: p.time, first: p.order, last: p.order, n: 1 });
    else {
      if (p.time < s.start) s.start = p.time;
      if (p.time > s.end) s.end = p.time;
      s.first = Math.min(s.first, p.order);
      s.last = Math.max(s.last, p.order);
      s.n += 1;
    }
  }
  return [...spans.entries()]
    .sort((a, b) => a[1].first - b[1].first)
    .map(([session, s], k) => ({
      session,
      start: s.start,
      end: s.end,
      orderStart: s.first - 0.5,
      orderEnd: s.last + 0.5,
      n: s.n,
      shaded: k % 2 === 0,
    }));
}

/** What the y axis measures, from the kinds of score in the timeline. */
export function scoreAxisLabel(points: readonly TimelinePoint[]): string {
  const kinds = new Set(points.filter((p) => p.score !== null).map((p) => p.kind));
  const names: Record<string, string> = { gold_f1: "F1 against gold", peer_f1: "F1 against peers" };
  if (kinds.size === 0) return "score";
  return [...kinds].map((k) => names[k] ?? k).join(" / ");
}
