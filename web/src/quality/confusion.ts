/**
 * A confusion matrix as heatmap cells: one cell per (row label, column label) with its count
 * and its share of the row (row-normalised, so a rare class is as readable as a common one).
 */
import type { ConfusionMatrix } from "./report";

export interface ConfusionCell {
  readonly row: string;
  readonly col: string;
  readonly i: number;
  readonly j: number;
  readonly count: number;
  /** count / row total; null for an empty row */
  readonly share: number | null;
  readonly rowTotal: number;
  readonly diagonal: boolean;
}

/** Every cell, row by row; a matrix that is not labels × labels is refused with where it breaks. */
export function confusionCells(c: ConfusionMatrix): ConfusionCell[] {
  const n = c.labels.length;
  if (c.matrix.length !== n) throw new Error(`confusion matrix has ${c.matrix.length} rows for ${n} labels`);
  const cells: ConfusionCell[] = [];
  c.matrix.forEach((row, i) => {
    if (row.length !== n) throw new Error(`confusion matrix row ${i} (${c.labels[i]}) has ${row.length} cells for ${n} labels`);
    const rowTotal = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      cells.push({
        row: c.labels[i],
        col: c.labels[j],
        i,
        j,
        count,
        share: rowTotal > 0 ? count / rowTotal : null,
        rowTotal,
        diagonal: i === j,
      });
    });
  });
  return cells;
}

/** Share of all counts on the diagonal (observed agreement of the pooled pairs); null when empty. */
export function diagonalShare(c: ConfusionMatrix): number | null {
  let total = 0;
  let diag = 0;
  c.matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      total += v;
      if (i === j) diag += v;
    }),
  );
  return total > 0 ? diag / total : null;
}

export function isEmptyConfusion(c: ConfusionMatrix | null | undefined): boolean {
  return !c || c.labels.length === 0 || c.matrix.every((row) => row.every((v) => v === 0));
}
