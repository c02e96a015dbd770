/**
 * An Observable Plot chart inside React: `build` turns the figure's current width into plot
 * options (memoise it with useCallback), and the chart is redrawn when either changes.
 */
import * as Plot from "@observablehq/plot";
import { useEffect, useLayoutEffect, useRef, useState } from "react";

export const PLOT_STYLE = {
  fontFamily: "inherit",
  fontSize: "12px",
  background: "transparent",
  color: "#1f2433",
  overflow: "visible",
};

export function PlotFigure({
  build,
  label,
  caption,
  maxWidth,
}: {
  build: (width: number) => Plot.PlotOptions;
  /** what the chart shows, for screen readers */
  label: string;
  caption?: React.ReactNode;
  maxWidth?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((prev) => (Math.abs(prev - w) > 2 ? w : prev));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el || width <= 0) return;
    const w = Math.min(width, maxWidth ?? width);
    const options = build(w);
    // a chart may ask for less than the room it has (a heatmap of square cells)
    // the box around the chart carries the label (role img), so the svg need not repeat it
    const chart = Plot.plot({ style: PLOT_STYLE, ...options, width: Math.min(options.width ?? w, w) });
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [build, width, label, maxWidth]);

  return (
    <figure className="plot-figure">
      <div ref={box} className="plot-box" role="img" aria-label={label} />
      {caption && <figcaption className="plot-caption">{caption}</figcaption>}
    </figure>
  );
}

/** Left margin that fits the longest of `labels` at the plot's font size. */
export function marginFor(labels: readonly string[], min = 40, max = 260): number {
  const longest = labels.reduce((n, l) => Math.max(n, l.length), 0);
  return Math.max(min, Math.min(max, Math.round(longest * 7 + 14)));
}
