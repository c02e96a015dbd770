/**
 * A confusion-matrix heatmap: cell colour is the share of its row (so a rare class reads as
 * well as a common one), the number in the cell is the count.
 */
import * as Plot from "@observablehq/plot";
import { useCallback, useMemo } from "react";
import { inkOn, shareColor } from "../../quality/colors";
import { confusionCells, type ConfusionCell } from "../../quality/confusion";
import type { ConfusionMatrix } from "../../quality/report";
import { marginFor, PlotFigure } from "./PlotFigure";

export function ConfusionHeatmap({
  confusion,
  rowLabel,
  colLabel,
  label,
}: {
  confusion: ConfusionMatrix;
  rowLabel: string;
  colLabel: string;
  label: string;
}) {
  const cells = useMemo(() => confusionCells(confusion), [confusion]);
  const n = confusion.labels.length;
  const build = useCallback(
    (width: number): Plot.PlotOptions => {
      const marginLeft = marginFor(confusion.labels, 50, 180) + 16;
      const marginTop = Math.min(120, marginFor(confusion.labels, 40, 120));
      const cell = Math.max(26, Math.min(56, Math.floor((width - marginLeft - 10) / Math.max(n, 1))));
      const title = (c: ConfusionCell) =>
        `${rowLabel} ${c.row} → ${colLabel} ${c.col}: ${c.count}` +
        (c.share === null ? "" : ` (${(c.share * 100).toFixed(1)}% of the row)`);
      return {
        width: marginLeft + cell * n + 10,
        height: marginTop + cell * n + 6,
        marginLeft,
        marginTop,
        marginRight: 10,
        marginBottom: 6,
        x: { domain: confusion.labels, axis: "top", label: colLabel, tickRotate: n > 4 ? -35 : 0, tickSize: 0 },
        y: { domain: confusion.labels, label: rowLabel, tickSize: 0 },
        color: { type: "identity" },
        marks: [
          Plot.cell(cells, { x: "col", y: "row", fill: (c: ConfusionCell) => shareColor(c.share), inset: 0.5, title }),
          Plot.frame({ stroke: "#e2e6ef" }),
          // the diagonal (agreement) in bold
          ...[true, false].map((diagonal) =>
            Plot.text(
              cells.filter((c) => c.diagonal === diagonal),
              {
                x: "col",
                y: "row",
                text: (c: ConfusionCell) => String(c.count),
                fill: (c: ConfusionCell) => inkOn(shareColor(c.share)),
                fontWeight: diagonal ? 700 : 400,
                title,
              },
            ),
          ),
        ],
      };
    },
    [cells, confusion.labels, n, rowLabel, colLabel],
  );
  return (
    <PlotFigure
      build={build}
      label={label}
      caption={<>Rows: {rowLabel}; columns: {colLabel}. Number = count; colour = share of the row.</>}
    />
  );
}
