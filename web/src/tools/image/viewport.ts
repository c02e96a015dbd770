/**
 * The canvas viewport: screen = image * scale + offset. Zoom keeps the image point under
 * the cursor fixed; fit centres the whole image with a margin.
 */
import type { Point, Size } from "../../domain/geometry";

export interface Viewport {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 40;

export function fit(image: Size, view: Size, margin = 0.96): Viewport {
  if (image.width <= 0 || image.height <= 0 || view.width <= 0 || view.height <= 0) {
    return { scale: 1, x: 0, y: 0 };
  }
  const scale = Math.min(view.width / image.width, view.height / image.height) * margin;
  return {
    scale,
    x: (view.width - image.width * scale) / 2,
    y: (view.height - image.height * scale) / 2,
  };
}

export function toImage(vp: Viewport, screen: Point): Point {
  return [(screen[0] - vp.x) / vp.scale, (screen[1] - vp.y) / vp.scale];
}

export function toScreen(vp: Viewport, p: Point): Point {
  return [p[0] * vp.scale + vp.x, p[1] * vp.scale + vp.y];
}

/** Zoom by `factor` about a screen point, which stays over the same image point. */
export function zoomAbout(vp: Viewport, screen: Point, factor: number): Viewport {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, vp.scale * factor));
  const [ix, iy] = toImage(vp, screen);
  return { scale, x: screen[0] - ix * scale, y: screen[1] - iy * scale };
}

export function panBy(vp: Viewport, dx: number, dy: number): Viewport {
  return { ...vp, x: vp.x + dx, y: vp.y + dy };
}

/** Wheel deltas to a zoom factor: one notch (about 100 units) is 10 %. */
export function wheelFactor(deltaY: number): number {
  return Math.pow(1.1, -deltaY / 100);
}
