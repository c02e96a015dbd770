import { describe, expect, it } from "vitest";
import { confusionCells, diagonalShare, isEmptyConfusion } from "./confusion";

// rows: what one annotator said; columns: the other (pooled pairs)
const CM = {
  labels: ["Car", "Truck", "∅"],
  matrix: [
    [8, 2, 0],
    [1, 3, 0],
    [0, 0, 0],
  ],
};

describe("confusionCells", () => {
  it("gives one cell per label pair, row by row, with counts and row shares", () => {
    const cells = confusionCells(CM);
    expect(cells).toHaveLength(9);
    expect(cells.map((c) => [c.row, c.col, c.count])).toEqual([
      ["Car", "Car", 8],
      ["Car", "Truck", 2],
      ["Car", "∅", 0],
      ["Truck", "Car", 1],
      ["Truck", "Truck", 3],
      ["Truck", "∅", 0],
      ["∅", "Car", 0],
      ["∅", "Truck", 0],
      ["∅", "∅", 0],
    ]);
    expect(cells[0].share).toBeCloseTo(0.8, 12);
    expect(cells[1].share).toBeCloseTo(0.2, 12);
    expect(cells[3].share).toBeCloseTo(0.25, 12);
    expect(cells[4].share).toBeCloseTo(0.75, 12);
    expect(cells[0].rowTotal).toBe(10);
    expect(cells[3].rowTotal).toBe(4);
    expect(cells.filter((c) => c.diagonal).map((c) => c.row)).toEqual(["Car", "Truck", "∅"]);
  });

  it("leaves the share of an empty row undefined (null), not 0 or NaN", () => {
    const empty = confusionCells(CM).filter((c) => c.row === "∅");
    expect(empty.map((c) => c.share)).toEqual([null, null, null]);
  });

  it("refuses a matrix that is not labels × labels, naming the row", () => {
    expect(() => confusionCells({ labels: ["a", "b"], matrix: [[1, 2]] })).toThrow("1 rows for 2 labels");
    expect(() => confusionCells({ labels: ["a", "b"], matrix: [[1, 2], [3]] })).toThrow("row 1 (b) has 1 cells");
  });
});

describe("diagonalShare", () => {
  it("is the observed agreement of the pooled pairs", () => {
    expect(diagonalShare(CM)).toBeCloseTo(11 / 14, 12);
  });
  it("is null for no pairs", () => {
    expect(diagonalShare({ labels: ["a"], matrix: [[0]] })).toBeNull();
    expect(isEmptyConfusion({ labels: ["a"], matrix: [[0]] })).toBe(true);
    expect(isEmptyConfusion(null)).toBe(true);
    expect(isEmptyConfusion(CM)).toBe(false);
  });
});
