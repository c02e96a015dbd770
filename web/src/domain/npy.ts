/**
 * Point clouds for the viewer: NumPy .npy (float32/float64, N×3 or more columns, C order)
 * and PCD (ascii or binary, fields x y z). Returns xyz as a flat Float32Array.
 */

export interface PointCloud {
  readonly xyz: Float32Array;
  readonly count: number;
}

export class PointCloudFormatError extends Error {}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(buf: ArrayBuffer): boolean {
  const b = new Uint8Array(buf, 0, Math.min(6, buf.byteLength));
  return NPY_MAGIC.every((m, i) => b[i] === m);
}

export function parseNpy(buf: ArrayBuffer): PointCloud {
  if (!isNpy(buf)) throw new PointCloudFormatError("not a .npy file");
  const view = new DataView(buf);
  const major = view.getUint8(6);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder("latin1").decode(new Uint8Array(buf, headerStart, headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (!descr || shape.length !== 2 || shape[1] < 3) {
    throw new PointCloudFormatError(`expected an N×3 array, got shape (${shapeText}) ${descr ?? ""}`);
  }
  const [n, cols] = shape;
  const little = !descr.startsWith(">");
  const size = descr.endsWith("f4") ? 4 : descr.endsWith("f8") ? 8 : 0;
  if (size === 0) throw new PointCloudFormatError(`unsupported dtype ${descr}`);
  const offset = headerStart + headerLen;
  const xyz = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const idx = fortran ? k * n + i : i * cols + k;
      const at = offset + idx * size;
      xyz[i * 3 + k] = size === 4 ? view.getFloat32(at, little) : view.getFloat64(at, little);
    }
  }
  return { xyz, count: n };
}

/** PCD with fields including x, y, z; DATA ascii or binary (not binary_compressed). */
export function parsePcd(buf: ArrayBuffer): PointCloud {
  const bytes = new Uint8Array(buf);
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  const dataMatch = /^DATA\s+(\S+)[^\n]*\n/m.exec(head);
  if (!dataMatch) throw new PointCloudFormatError("PCD header has no DATA line");
  const lines = head.slice(0, dataMatch.index).split("\n");
  const field = (key: string) =>
    lines.find((l) => l.startsWith(`${key} `))?.trim().split(/\s+/).slice(1) ?? [];
  const fields = field("FIELDS");
  const sizes = field("SIZE").map(Number);
  const types = field("TYPE");
  const counts = field("COUNT").map(Number);
  const n = Number(field("POINTS")[0] ?? 0);
  const ix = ["x", "y", "z"].map((f) => fields.indexOf(f));
  if (ix.some((i) => i < 0)) throw new PointCloudFormatError("PCD has no x y z fields");
  const xyz = new Float32Array(n * 3);
  const mode = dataMatch[1];
  const bodyStart = dataMatch.index + dataMatch[0].length;
  if (mode === "ascii") {
    const body = new TextDecoder("latin1").decode(bytes.subarray(bodyStart)).split("\n");
    let k = 0;
    for (const line of body) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < fields.length || k >= n) continue;
      for (let a = 0; a < 3; a++) xyz[k * 3 + a] = Number(cols[ix[a]]);
      k++;
    }
    return { xyz, count: k };
  }
  if (mode !== "binary") throw new PointCloudFormatError(`PCD DATA ${mode} is not supported`);
  const widths = fields.map((_, i) => sizes[i] * (counts[i] || 1));
  const offsets = widths.map((_, i) => widths.slice(0, i).reduce((s, w) => s + w, 0));
  const stride = widths.reduce((s, w) => s + w, 0);
  const view = new DataView(buf, bodyStart);
  for (let p = 0; p < n; p++) {
    for (let a = 0; a < 3; a++) {
      const f = ix[a];
      const at = p * stride + offsets[f];
      xyz[p * 3 + a] =
        types[f] === "F" && sizes[f] === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true);
    }
  }
  return { xyz, count: n };
}

/** KITTI-style .bin: float32 x y z intensity per point. */
export function parseKittiBin(buf: ArrayBuffer): PointCloud {
  const all = new Float32Array(buf.slice(0, buf.byteLength - (buf.byteLength % 16)));
  const n = all.length / 4;
  const xyz = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) xyz.set(all.subarray(i * 4, i * 4 + 3), i * 3);
  return { xyz, count: n };
}

export function parsePointCloud(buf: ArrayBuffer, name: string): PointCloud {
  if (isNpy(buf)) return parseNpy(buf);
  const head = new TextDecoder("latin1").decode(new Uint8Array(buf, 0, Math.min(buf.byteLength, 64)));
  if (/^(#|VERSION|FIELDS)/.test(head)) return parsePcd(buf);
  if (name.toLowerCase().endsWith(".bin")) return parseKittiBin(buf);
  throw new PointCloudFormatError(`cannot read point cloud ${name}`);
}
