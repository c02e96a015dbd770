import { describe, expect, it } from "vitest";
import {
  boxFromCorners,
  isDegenerateBox,
  moveVertex,
  polygonArea,
  polygonFromPoints,
  removeVertex,
  translateBox,
  translatePolygon,
} from "./geometry";

const IMG = { width: 300, height: 400 };

describe("image geometry in displayed pixels", () => {
  it("orders corners and clips boxes to the image", () => {
    expect(boxFromCorners([250, 50], [10, 20], IMG)).toEqual({ kind: "box", x1: 10, y1: 20, x2: 250, y2: 50 });
    expect(boxFromCorners([-5, 390], [320, 500], IMG)).toEqual({ kind: "box", x1: 0, y1: 390, x2: 300, y2: 400 });
  });

  it("moves a box but keeps it whole inside the image", () => {
    const b = boxFromCorners([10, 10], [60, 30], IMG);
    expect(translateBox(b, 5, 7, IMG)).toEqual({ kind: "box", x1: 15, y1: 17, x2: 65, y2: 37 });
    expect(translateBox(b, 1000, -1000, IMG)).toEqual({ kind: "box", x1: 250, y1: 0, x2: 300, y2: 20 });
  });

  it("treats tiny boxes as stray clicks", () => {
    expect(isDegenerateBox(boxFromCorners([5, 5], [6, 40], IMG))).toBe(true);
    expect(isDegenerateBox(boxFromCorners([5, 5], [8, 8], IMG))).toBe(false);
  });

  it("computes polygon area (shoelace, holes subtracted)", () => {
    const square = polygonFromPoints([[0, 0], [10, 0], [10, 10], [0, 10]], IMG);
    expect(polygonArea(square)).toBe(100);
    const holed = { ...square, parts: [{ ...square.parts[0], holes: [[[2, 2], [4, 2], [4, 4], [2, 4]] as const] }] };
    expect(polygonArea(holed)).toBe(96);
  });

  it("edits vertices and translates polygons inside the image", () => {
    const tri = polygonFromPoints([[10, 10], [50, 10], [30, 40]], IMG);
    const moved = moveVertex(tri, 0, 2, [30, 999], IMG);
    expect(moved.parts[0].exterior[2]).toEqual([30, 400]);
    expect(tri.parts[0].exterior[2]).toEqual([30, 40]); // the original is untouched
    expect(removeVertex(tri, 0, 1)).toBe(tri); // a triangle keeps its three vertices
    const t = translatePolygon(tri, -100, 5, IMG);
    expect(t.parts[0].exterior).toEqual([[0, 15], [40, 15], [20, 45]]);
    expect(polygonArea(t)).toBe(polygonArea(tri));
  });
});
