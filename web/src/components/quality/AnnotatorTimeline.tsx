/**
 * One annotator's quality over time: a point per item (its score), sessions shaded, and a
 * rolling mean that restarts each session. The x axis is either clock time or the order of
 * work (sessions days apart then sit side by side).
 */
import * as Plot from "@observablehq/plot";
import { useCallback, useMemo } from "react";
import { fmt, fmtSeconds } from "../../quality/format";
import type { TimelineEntry } from "../../quality/report";
import { rollingMean, scoreAxisLabel, sessionSpans, timelinePoints, type MeanPoint, type SessionSpan, type TimelinePoint } from "../../quality/timeline";
import { PlotFigure } from "./PlotFigure";

export type TimeAxis = "order" | "time";

export function AnnotatorTimeline({ annotator, timeline, axis, window = 5 }: { annotator: string; timeline: readonly TimelineEntry[]; axis: TimeAxis; window?: number }) {
  const points = useMemo(() => timelinePoints(timeline), [timeline]);
  const means = useMemo(() => rollingMean(points, window), [points, window]);
  const spans = useMemo(() => sessionSpans(points), [points]);
  const scored = useMemo(() => points.filter((p) => p.score !== null), [points]);
  const yLabel = scoreAxisLabel(points);

  const build = useCallback((): Plot.PlotOptions => {
    const byTime = axis === "time";
    const t0 = points[0]?.time.getTime() ?? 0;
    const t1 = points[points.length - 1]?.time.getTime() ?? 0;
    // a session of one item still gets a visible band
    const pad = Math.max(30_000, (t1 - t0) * 0.005);
    const x1 = (s: SessionSpan) => (byTime ? new Date(s.start.getTime() - pad) : s.orderStart);
    const x2 = (s: SessionSpan) => (byTime ? new Date(s.end.getTime() + pad) : s.orderEnd);
    const px = (p: TimelinePoint | MeanPoint) => (byTime ? p.time : p.order);
    return {
      height: 210,
      marginLeft: 56,
      marginTop: 22,
      marginBottom: 40,
      x: byTime ? { type: "utc", label: "time (UTC)", labelAnchor: "center", labelArrow: "none" } : { label: "item, in order of work", labelAnchor: "center", labelArrow: "none", domain: [0.5, Math.max(1.5, points.length + 0.5)] },
      y: { domain: [0, 1], grid: true, label: yLabel, labelAnchor: "center", labelArrow: "none" },
      marks: [
        Plot.rect(spans.filter((s) => s.shaded), { x1, x2, fill: "#eef0ff" }),
        Plot.text(spans, {
          x: (s: SessionSpan) => (byTime ? new Date((s.start.getTime() + s.end.getTime()) / 2) : (s.orderStart + s.orderEnd) / 2),
          frameAnchor: "top",
          dy: -14,
          text: (s: SessionSpan) => `session ${s.session + 1}`,
          fill: "#6b7285",
        }),
        Plot.dot(scored, {
          x: px,
          y: "score",
          r: 3,
          fill: "#6366f1",
          fillOpacity: 0.55,
          title: (p: TimelinePoint) =>
            `item ${p.itemId}, session ${p.session + 1} #${p.position + 1}\n${p.time.toISOString().replace("T", " ").slice(0, 19)} UTC\nscore ${fmt(p.score)} · ${fmtSeconds(p.seconds)}`,
        }),
        Plot.line(means, { x: px, y: "mean", z: "session", stroke: "#b91c1c", strokeWidth: 2, curve: "linear" }),
      ],
    };
  }, [axis, points, scored, means, spans, yLabel]);

  if (scored.length === 0) return <p className="muted">No scored items for {annotator} (needs gold items or peers on the same items).</p>;
  return (
    <PlotFigure
      build={build}
      label={`Quality over time for ${annotator}`}
      caption={<>Dots: each item's {yLabel}; red line: mean of the last {window} items within a session; shaded bands: alternate sessions.</>}
    />
  );
}
