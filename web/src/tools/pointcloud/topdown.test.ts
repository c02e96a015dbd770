import { describe, expect, it } from "vitest";
import { bounds, fitTopDown, project } from "./topdown";

describe("top-down projection (x forward, y left, z up)", () => {
  const xyz = new Float32Array([0, 0, 0, 10, 0, 1, 0, 4, -1, 5, -4, 2]);
  const b = bounds(xyz);

  it("finds the extent", () => {
    expect(b).toEqual({ minX: 0, maxX: 10, minY: -4, maxY: 4, minZ: -1, maxZ: 2 });
  });

  it("draws forward as up and left as left, fitting the canvas", () => {
    const v = fitTopDown(b, 200, 200, 1);
    expect(v.scale).toBe(20); // 10 m forward over 200 px
    const [ox, oy] = project(v, 0, 0);
    const [fx, fy] = project(v, 10, 0);
    const [lx] = project(v, 0, 4);
    expect(fy).toBeLessThan(oy); // forward is up
    expect(fx).toBe(ox);
    expect(lx).toBeLessThan(ox); // left is left
    expect([ox, oy, fy]).toEqual([100, 200, 0]);
  });
});
