/**
 * The Quality page's filters and their two spellings: the page URL (so a filtered view can
 * be shared) and the query parameters of the quality endpoints (`class` and `annotator`
 * repeated, `since`/`until` as ISO dates). Both spellings are the same names on purpose.
 */

export interface QualityFilters {
  readonly classes: readonly string[];
  readonly annotators: readonly string[];
  /** ISO date (YYYY-MM-DD) or null */
  readonly since: string | null;
  readonly until: string | null;
}

export const NO_FILTERS: QualityFilters = { classes: [], annotators: [], since: null, until: null };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0))];
}

/** Filters from a page URL's search part; a malformed date is dropped, not sent. */
export function filtersFromSearch(search: URLSearchParams): QualityFilters {
  const date = (name: string): string | null => {
    const v = search.get(name);
    return v !== null && ISO_DATE.test(v) ? v : null;
  };
  return {
    classes: unique(search.getAll("class")),
    annotators: unique(search.getAll("annotator")),
    since: date("since"),
    until: date("until"),
  };
}

/** The query the quality endpoints take; absent filters are left out, not sent empty. */
export interface QualityQuery {
  class?: string[];
  annotator?: string[];
  since?: string;
  until?: string;
}

export function toQuery(f: QualityFilters): QualityQuery {
  const q: QualityQuery = {};
  if (f.classes.length > 0) q.class = [...f.classes];
  if (f.annotators.length > 0) q.annotator = [...f.annotators];
  if (f.since) q.since = f.since;
  if (f.until) q.until = f.until;
  return q;
}

/** The same query as URL search parameters (for the page URL and for plain links). */
export function toSearch(f: QualityFilters): URLSearchParams {
  const s = new URLSearchParams();
  for (const c of f.classes) s.append("class", c);
  for (const a of f.annotators) s.append("annotator", a);
  if (f.since) s.set("since", f.since);
  if (f.until) s.set("until", f.until);
  return s;
}

export function isFiltered(f: QualityFilters): boolean {
  return f.classes.length > 0 || f.annotators.length > 0 || f.since !== null || f.until !== null;
}

/** A date range that ends before it starts selects nothing: say so before asking the server. */
export function rangeProblem(f: QualityFilters): string | null {
  if (f.since && f.until && f.since > f.until) return `The range ends (${f.until}) before it starts (${f.since}).`;
  return null;
}

/** Add or remove one value of a multi-valued filter, keeping the others' order. */
export function toggle(values: readonly string[], value: string, on: boolean): string[] {
  const rest = values.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}
