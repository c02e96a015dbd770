import { describe, expect, it } from "vitest";
import { filtersFromSearch, isFiltered, NO_FILTERS, rangeProblem, toggle, toQuery, toSearch } from "./filters";

describe("filters", () => {
  it("read repeated classes and annotators and ISO dates from the page URL", () => {
    const f = filtersFromSearch(new URLSearchParams("class=Car&class=Truck&class=Car&annotator=bob&since=2026-01-02&until=junk"));
    expect(f).toEqual({ classes: ["Car", "Truck"], annotators: ["bob"], since: "2026-01-02", until: null });
  });

  it("become the endpoints' query with absent filters left out", () => {
    expect(toQuery(NO_FILTERS)).toEqual({});
    expect(toQuery({ classes: ["Car"], annotators: ["alice", "bob"], since: null, until: "2026-02-01" })).toEqual({
      class: ["Car"],
      annotator: ["alice", "bob"],
      until: "2026-02-01",
    });
  });

  it("round-trip through the URL", () => {
    const f = { classes: ["Vehicle", "Car"], annotators: ["carol"], since: "2026-01-01", until: "2026-01-31" };
    const s = toSearch(f);
    expect(s.toString()).toBe("class=Vehicle&class=Car&annotator=carol&since=2026-01-01&until=2026-01-31");
    expect(filtersFromSearch(s)).toEqual(f);
  });

  it("know when anything is filtered and when a range is backwards", () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, since: "2026-01-01" })).toBe(true);
    expect(rangeProblem({ ...NO_FILTERS, since: "2026-02-01", until: "2026-01-01" })).toMatch("ends (2026-01-01) before it starts");
    expect(rangeProblem({ ...NO_FILTERS, since: "2026-01-01", until: "2026-01-01" })).toBeNull();
  });

  it("toggle one value of a multi-valued filter", () => {
    expect(toggle(["a", "b"], "c", true)).toEqual(["a", "b", "c"]);
    expect(toggle(["a", "b"], "a", false)).toEqual(["b"]);
    expect(toggle(["a", "b"], "a", true)).toEqual(["b", "a"]);
  });
});
