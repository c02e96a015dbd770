/**
 * Bird's-eye projection of a point cloud in the sensor frame (x forward, y left, z up):
 * forward is up on the screen and left is left, so screen x = -y and screen y = -x.
 */

export interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  minZ: number;
  maxZ: number;
}

export function bounds(xyz: Float32Array): Bounds {
  const b = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity, minZ: Infinity, maxZ: -Infinity };
  for (let i = 0; i + 2 < xyz.length; i += 3) {
    const x = xyz[i];
    const y = xyz[i + 1];
    const z = xyz[i + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    if (x < b.minX) b.minX = x;
    if (x > b.maxX) b.maxX = x;
    if (y < b.minY) b.minY = y;
    if (y > b.maxY) b.maxY = y;
    if (z < b.minZ) b.minZ = z;
    if (z > b.maxZ) b.maxZ = z;
  }
  return b;
}

export interface TopDownView {
  /** pixels per metre */
  scale: number;
  /** screen position of the sensor origin */
  cx: number;
  cy: number;
}

/** A view that shows the whole cloud in a width×height canvas. */
export function fitTopDown(b: Bounds, width: number, height: number, margin = 0.92): TopDownView {
  const spanY = Math.max(1e-6, b.maxY - b.minY); // across the screen
  const spanX = Math.max(1e-6, b.maxX - b.minX); // up the screen
  const scale = Math.min(width / spanY, height / spanX) * margin;
  const midY = (b.minY + b.maxY) / 2;
  const midX = (b.minX + b.maxX) / 2;
  return { scale, cx: width / 2 + midY * scale, cy: height / 2 + midX * scale };
}

export function project(v: TopDownView, x: number, y: number): [number, number] {
  return [v.cx - y * v.scale, v.cy - x * v.scale];
}

/** A perceptual-ish blue→green→yellow→red ramp for heights, t in [0, 1]. */
export function heightColor(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  const stops: [number, number, number][] = [
    [48, 18, 59], [40, 120, 240], [30, 200, 160], [170, 230, 50], [250, 180, 40], [200, 30, 20],
  ];
  const f = u * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(f));
  const k = f - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}
