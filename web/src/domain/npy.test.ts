import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseNpy, parsePcd, parsePointCloud, PointCloudFormatError } from "./npy";

// Fixtures written by numpy.save (and a PCD per the PCD v0.7 spec) from the same 3×3 array.
const EXPECTED = [1.5, -2.0, 0.25, 10.0, 0.0, -3.5, 0.0, 7.0, 1.0];

function fixture(name: string): ArrayBuffer {
  const b = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

describe("point cloud files", () => {
  it.each(["points_f4.npy", "points_f8_4col.npy", "points_fortran.npy"])("reads %s", (name) => {
    const pc = parseNpy(fixture(name));
    expect(pc.count).toBe(3);
    expect(Array.from(pc.xyz)).toEqual(EXPECTED);
  });

  it("reads binary PCD", () => {
    const pc = parsePcd(fixture("points_binary.pcd"));
    expect(Array.from(pc.xyz)).toEqual(EXPECTED);
  });

  it("reads ascii PCD", () => {
    const text =
      "# .PCD v0.7\nVERSION .7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS 2\nDATA ascii\n1 2 3\n-4 5.5 6\n";
    const pc = parsePointCloud(new TextEncoder().encode(text).buffer as ArrayBuffer, "a.pcd");
    expect(pc.count).toBe(2);
    expect(Array.from(pc.xyz)).toEqual([1, 2, 3, -4, 5.5, 6]);
  });

  it("refuses something that is not a point cloud", () => {
    const junk = new TextEncoder().encode("hello world").buffer as ArrayBuffer;
    expect(() => parsePointCloud(junk, "x.txt")).toThrow(PointCloudFormatError);
  });
});
