import { describe, expect, it } from "vitest";
import { countRows, formatBytes, formatRead, percentSent, placeOf } from "./importReport";

describe("where a problem is", () => {
  it.each([
    [{ file: "news.jsonl", line: 4 }, "news.jsonl:4"],
    [{ file: "news.jsonl", line: 4, item: "c", path: "annotations[0].document.objects[0].class_name" }, "news.jsonl:4 · item c · annotations[0].document.objects[0].class_name"],
    [{ file: "labels.json", path: "annotations[12].segmentation" }, "labels.json · annotations[12].segmentation"],
    [{ line: 0 }, "line 0"],
    [{ item: "東京.jpg" }, "item 東京.jpg"],
    [{ file: null, line: null, item: null, path: null }, ""],
    [{}, ""],
  ])("%j reads %j", (place, shown) => {
    expect(placeOf(place)).toBe(shown);
  });
});

describe("the report's wording", () => {
  it("lists the counts in reading order", () => {
    expect(countRows({ imported: 3, skipped: 1, existing: 2, updated: 1 })).toEqual([
      { label: "Items imported", value: 3 },
      { label: "Already in the project", value: 2 },
      { label: "Of those, updated", value: 1 },
      { label: "Bad records skipped", value: 1 },
    ]);
  });

  it("says how sure detection was and why, or that the format was chosen", () => {
    expect(formatRead("coco", { confidence: 0.951, reason: "has images and annotations" })).toBe(
      "coco, detected (95% sure): has images and annotations",
    );
    expect(formatRead("jsonl", null)).toBe("jsonl, as chosen");
  });
});

describe("upload progress", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KB"],
    [150 * 1024, "150 KB"],
    [5 * 1024 * 1024, "5.0 MB"],
  ])("%d bytes is %s", (n, shown) => {
    expect(formatBytes(n)).toBe(shown);
  });

  it.each([
    [0, 100, 0],
    [50, 200, 25],
    [200, 200, 100],
    [300, 200, 100],
    [5, 0, 0],
  ])("%d of %d is %d%%", (loaded, total, pct) => {
    expect(percentSent(loaded, total)).toBe(pct);
  });
});
