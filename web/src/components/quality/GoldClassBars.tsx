/** Per-class gold scores: a bar per annotator within each class (a missing score is no bar). */
import * as Plot from "@observablehq/plot";
import { useCallback, useMemo } from "react";
import { fmt } from "../../quality/format";
import { classBars, type ClassBar, type ClassMetric } from "../../quality/gold";
import type { GoldAnnotator } from "../../quality/report";
import { marginFor, PlotFigure } from "./PlotFigure";

export function GoldClassBars({ annotators, metric, metricLabel }: { annotators: readonly GoldAnnotator[]; metric: ClassMetric; metricLabel: string }) {
  const bars = useMemo(() => classBars(annotators, metric), [annotators, metric]);
  const classes = useMemo(() => [...new Set(bars.map((b) => b.class))], [bars]);
  const names = useMemo(() => annotators.map((a) => a.annotator), [annotators]);
  const build = useCallback(
    (): Plot.PlotOptions => ({
      height: 40 + classes.length * (names.length * 18 + 10),
      marginLeft: marginFor(classes, 50, 200),
      marginRight: 52,
      marginBottom: 40,
      x: { domain: [0, 1], grid: true, label: metricLabel, labelAnchor: "center", labelArrow: "none" },
      y: { domain: names, axis: null, padding: 0.15 },
      fy: { domain: classes, label: null, axis: "left", padding: 0.25 },
      color: { domain: names, legend: true, scheme: "tableau10" },
      marks: [
        Plot.barX(bars, { x: "value", y: "annotator", fy: "class", fill: "annotator", title: (b: ClassBar) => `${b.annotator}, ${b.class}: ${metricLabel} ${fmt(b.value)}${b.support !== null ? ` (support ${b.support})` : ""}` }),
        Plot.text(bars, { x: "value", y: "annotator", fy: "class", text: (b: ClassBar) => fmt(b.value, 2), textAnchor: "start", dx: 4, fill: "#1f2433" }),
        Plot.ruleX([0]),
      ],
    }),
    [bars, classes, names, metricLabel],
  );
  if (bars.length === 0) return <p className="muted">No per-class {metricLabel} in this scope.</p>;
  return <PlotFigure build={build} label={`${metricLabel} against gold per class and annotator`} maxWidth={760} />;
}
