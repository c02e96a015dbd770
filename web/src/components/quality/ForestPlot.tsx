/**
 * A forest plot: one row per coefficient (or class), the point estimate with its confidence
 * interval, the numbers written on the right, and an undefined row's reason written across
 * the row instead of a point.
 */
import * as Plot from "@observablehq/plot";
import { useCallback } from "react";
import { forestDomain, undefinedGroups, type ForestRow } from "../../quality/forest";
import { marginFor, PlotFigure } from "./PlotFigure";

const ACCENT = "#4f46e5";

export function ForestPlot({ rows, label, xLabel = "agreement" }: { rows: readonly ForestRow[]; label: string; xLabel?: string }) {
  const build = useCallback(
    (width: number): Plot.PlotOptions => {
      const [lo, hi] = forestDomain(rows);
      const labelOf = new Map(rows.map((r) => [r.key, r.label]));
      const defined = rows.filter((r) => r.value !== null);
      const withCi = defined.filter((r) => r.low !== null && r.high !== null);
      const undefinedRows = rows.filter((r) => r.value === null);
      const marginRight = Math.min(220, Math.max(60, Math.round(Math.max(0, ...defined.map((r) => r.text.length)) * 6.6 + 16)));
      const marginLeft = marginFor(rows.map((r) => r.label));
      return {
        height: 44 + rows.length * 30,
        marginLeft,
        marginRight,
        marginTop: 8,
        marginBottom: 40,
        x: { domain: [lo, hi], grid: true, label: xLabel, labelAnchor: "center", labelArrow: "none" },
        y: { domain: rows.map((r) => r.key), tickFormat: (k: string) => labelOf.get(k) ?? k, label: null, tickSize: 0 },
        marks: [
          Plot.ruleX([0], { stroke: "#9aa3b5" }),
          Plot.ruleY(withCi, { y: "key", x1: "low", x2: "high", stroke: ACCENT, strokeWidth: 2, strokeOpacity: 0.55 }),
          Plot.tickX(withCi, { y: "key", x: "low", stroke: ACCENT, inset: 9 }),
          Plot.tickX(withCi, { y: "key", x: "high", stroke: ACCENT, inset: 9 }),
          Plot.dot(defined, { y: "key", x: "value", fill: ACCENT, r: 5, title: (r: ForestRow) => `${r.label}: ${r.text}` }),
          Plot.text(defined, { y: "key", x: hi, text: "text", textAnchor: "start", dx: 12, fill: "#1f2433" }),
          // the reason as far as the row has room (the full sentence is below the plot)
          Plot.text(undefinedRows, {
            y: "key",
            x: lo,
            text: "text",
            textAnchor: "start",
            dx: 6,
            fill: "#b45309",
            fontStyle: "italic",
            lineWidth: Math.max(8, (width - marginLeft - 12) / 12),
            textOverflow: "ellipsis",
            title: (r: ForestRow) => `${r.label}: ${r.text}`,
          }),
        ],
        // a narrow figure still leaves the estimate room
        ...(width < 420 ? { marginRight: 0 } : {}),
      };
    },
    [rows, xLabel],
  );
  const groups = undefinedGroups(rows);
  if (rows.length === 0) return null;
  return (
    <PlotFigure
      build={build}
      label={label}
      caption={
        groups.length > 0 && (
          <ul className="undefined-list" aria-label="Why some values are undefined">
            {groups.map((g) => (
              <li key={g.reason}>
                <b>{g.labels.join(", ")}</b>: undefined — {g.reason}
              </li>
            ))}
          </ul>
        )
      }
    />
  );
}
