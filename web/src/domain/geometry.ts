/**
 * Image geometry in displayed image pixels (x right, y down), mirroring the server's core
 * types. Values are immutable: every operation returns a new value.
 */

export type Point = readonly [number, number];
export type Ring = readonly Point[];

export interface Box {
  readonly kind: "box";
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface PolygonPart {
  readonly exterior: Ring;
  readonly holes: readonly Ring[];
}

export interface Polygon {
  readonly kind: "polygon";
  readonly parts: readonly PolygonPart[];
}

export interface Span {
  readonly kind: "span";
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Tag {
  readonly kind: "tag";
}

export interface Interval {
  readonly kind: "interval";
  readonly start: number;
  readonly end: number;
  readonly transcript?: string | null;
  readonly speaker?: string | null;
}

/** Kinds the UI edits are typed; the rest pass through untouched (lossless round trip). */
export interface OtherGeometry {
  readonly kind: string;
  readonly [key: string]: unknown;
}

export type Geometry = Box | Polygon | Span | Tag | Interval | OtherGeometry;

export interface Size {
  readonly width: number;
  readonly height: number;
}

export function isBox(g: Geometry): g is Box {
  return g.kind === "box";
}

export function isPolygon(g: Geometry): g is Polygon {
  return g.kind === "polygon";
}

export function isSpan(g: Geometry): g is Span {
  return g.kind === "span";
}

export function isInterval(g: Geometry): g is Interval {
  return g.kind === "interval";
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** A box from two corners in any order, clipped to the image. */
export function boxFromCorners(a: Point, b: Point, image: Size): Box {
  const xs = [clamp(a[0], 0, image.width), clamp(b[0], 0, image.width)];
  const ys = [clamp(a[1], 0, image.height), clamp(b[1], 0, image.height)];
  return {
    kind: "box",
    x1: Math.min(xs[0], xs[1]),
    y1: Math.min(ys[0], ys[1]),
    x2: Math.max(xs[0], xs[1]),
    y2: Math.max(ys[0], ys[1]),
  };
}

export function boxWidth(b: Box): number {
  return b.x2 - b.x1;
}

export function boxHeight(b: Box): number {
  return b.y2 - b.y1;
}

/** Move a box by (dx, dy), kept whole inside the image (it slides along the border). */
export function translateBox(b: Box, dx: number, dy: number, image: Size): Box {
  const w = boxWidth(b);
  const h = boxHeight(b);
  const x1 = clamp(b.x1 + dx, 0, Math.max(0, image.width - w));
  const y1 = clamp(b.y1 + dy, 0, Math.max(0, image.height - h));
  return { kind: "box", x1, y1, x2: x1 + w, y2: y1 + h };
}

/** A box given as top-left and size (what a canvas rectangle reports), clipped to the image. */
export function boxFromRect(x: number, y: number, w: number, h: number, image: Size): Box {
  return boxFromCorners([x, y], [x + w, y + h], image);
}

export function polygonFromPoints(points: readonly Point[], image: Size): Polygon {
  const exterior = points.map(
    ([x, y]) => [clamp(x, 0, image.width), clamp(y, 0, image.height)] as const,
  );
  return { kind: "polygon", parts: [{ exterior, holes: [] }] };
}

function mapRings(p: Polygon, f: (pt: Point) => Point): Polygon {
  return {
    kind: "polygon",
    parts: p.parts.map((part) => ({
      exterior: part.exterior.map(f),
      holes: part.holes.map((h) => h.map(f)),
    })),
  };
}

export function polygonBounds(p: Polygon): Box {
  const pts = p.parts.flatMap((part) => part.exterior);
  const xs = pts.map((q) => q[0]);
  const ys = pts.map((q) => q[1]);
  return {
    kind: "box",
    x1: Math.min(...xs),
    y1: Math.min(...ys),
    x2: Math.max(...xs),
    y2: Math.max(...ys),
  };
}

/** Move a polygon by (dx, dy), kept whole inside the image. */
export function translatePolygon(p: Polygon, dx: number, dy: number, image: Size): Polygon {
  const b = polygonBounds(p);
  const ddx = clamp(dx, -b.x1, image.width - b.x2);
  const ddy = clamp(dy, -b.y1, image.height - b.y2);
  return mapRings(p, ([x, y]) => [x + ddx, y + ddy]);
}

/** Replace one exterior vertex (clipped to the image). */
export function moveVertex(
  p: Polygon,
  part: number,
  vertex: number,
  to: Point,
  image: Size,
): Polygon {
  const pt: Point = [clamp(to[0], 0, image.width), clamp(to[1], 0, image.height)];
  return {
    kind: "polygon",
    parts: p.parts.map((pp, i) =>
      i !== part ? pp : { ...pp, exterior: pp.exterior.map((q, j) => (j === vertex ? pt : q)) },
    ),
  };
}

/** Remove an exterior vertex, unless that would leave fewer than three. */
export function removeVertex(p: Polygon, part: number, vertex: number): Polygon {
  const ring = p.parts[part]?.exterior;
  if (!ring || ring.length <= 3) return p;
  return {
    kind: "polygon",
    parts: p.parts.map((pp, i) =>
      i !== part ? pp : { ...pp, exterior: pp.exterior.filter((_, j) => j !== vertex) },
    ),
  };
}

/** Shoelace area of a ring (absolute). */
export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

/** Area of a polygon: exteriors minus holes. */
export function polygonArea(p: Polygon): number {
  return p.parts.reduce(
    (sum, part) => sum + ringArea(part.exterior) - part.holes.reduce((h, r) => h + ringArea(r), 0),
    0,
  );
}

/** Boxes and polygons smaller than this (in displayed pixels) are treated as stray clicks. */
export const MIN_SIZE = 2;

export function isDegenerateBox(b: Box): boolean {
  return boxWidth(b) < MIN_SIZE || boxHeight(b) < MIN_SIZE;
}
