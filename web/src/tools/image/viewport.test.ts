import { describe, expect, it } from "vitest";
import { fit, panBy, toImage, toScreen, wheelFactor, zoomAbout } from "./viewport";

describe("canvas viewport", () => {
  it("fits a portrait image centred in a landscape view", () => {
    const vp = fit({ width: 300, height: 400 }, { width: 800, height: 400 }, 1);
    expect(vp).toEqual({ scale: 1, x: 250, y: 0 });
  });

  it("zooms about the cursor: the image point under it stays put", () => {
    const vp = { scale: 0.5, x: 10, y: 20 };
    const cursor = [210, 120] as const;
    const before = toImage(vp, cursor);
    const z = zoomAbout(vp, cursor, 3);
    expect(z.scale).toBe(1.5);
    expect(toImage(z, cursor)[0]).toBeCloseTo(before[0], 9);
    expect(toImage(z, cursor)[1]).toBeCloseTo(before[1], 9);
  });

  it("round-trips screen and image coordinates, and pans in screen pixels", () => {
    const vp = panBy({ scale: 2, x: 5, y: 7 }, 10, -3);
    expect(toScreen(vp, toImage(vp, [123, 45]))).toEqual([123, 45]);
    expect(toScreen(vp, [0, 0])).toEqual([15, 4]);
  });

  it("zooms in for wheel up and out for wheel down, symmetrically", () => {
    expect(wheelFactor(-100)).toBeCloseTo(1.1);
    expect(wheelFactor(-100) * wheelFactor(100)).toBeCloseTo(1);
  });
});
