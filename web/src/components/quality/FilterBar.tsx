/**
 * The Quality page's filters: classes from the ontology tree (a class includes its
 * descendants, as the server reads it), annotators, and a date range on the revision time.
 */
import { useEffect, useRef } from "react";
import type { ClassDef } from "../../domain/ontology";
import { isFiltered, NO_FILTERS, toggle, type QualityFilters } from "../../quality/filters";

function summary(values: readonly string[], none: string): string {
  if (values.length === 0) return none;
  if (values.length <= 2) return values.join(", ");
  return `${values.slice(0, 2).join(", ")} +${values.length - 2}`;
}

function CheckMenu({
  title,
  none,
  options,
  selected,
  onChange,
}: {
  title: string;
  none: string;
  options: readonly { value: string; depth?: number; hint?: string }[];
  selected: readonly string[];
  onChange: (values: string[]) => void;
}) {
  const menu = useRef<HTMLDetailsElement>(null);
  // a click elsewhere or Escape closes the menu, as a select's list would
  useEffect(() => {
    const close = (e: Event) => {
      const el = menu.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  return (
    <details className="filter-menu" ref={menu}>
      <summary className="btn btn-sm" aria-label={`${title} filter`}>
        <span className="filter-name">{title}:</span> {summary(selected, none)}
      </summary>
      <div className="filter-pop" role="group" aria-label={title}>
        {options.length === 0 && <p className="muted">Nothing to choose yet.</p>}
        {options.map((o) => (
          <label key={o.value} className="check filter-option" style={{ paddingLeft: (o.depth ?? 0) * 16 }}>
            <input
              type="checkbox"
              checked={selected.includes(o.value)}
              onChange={(e) => onChange(toggle(selected, o.value, e.target.checked))}
            />
            {o.value}
            {o.hint && <span className="muted"> {o.hint}</span>}
          </label>
        ))}
        {selected.length > 0 && (
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange([])}>
            Any {title.toLowerCase()}
          </button>
        )}
      </div>
    </details>
  );
}

export function FilterBar({
  filters,
  classes,
  annotators,
  onChange,
  problem,
}: {
  filters: QualityFilters;
  classes: readonly ClassDef[];
  annotators: readonly string[];
  onChange: (f: QualityFilters) => void;
  problem: string | null;
}) {
  return (
    <section className="filter-bar" aria-label="Filters">
      <CheckMenu
        title="Class"
        none="all classes"
        options={classes.map((c) => ({ value: c.name, depth: c.depth }))}
        selected={filters.classes}
        onChange={(v) => onChange({ ...filters, classes: v })}
      />
      <CheckMenu
        title="Annotator"
        none="everyone"
        options={annotators.map((a) => ({ value: a }))}
        selected={filters.annotators}
        onChange={(v) => onChange({ ...filters, annotators: v })}
      />
      <label className="filter-date">
        <span className="filter-name">Since</span>
        <input
          className="input input-sm"
          type="date"
          value={filters.since ?? ""}
          onChange={(e) => onChange({ ...filters, since: e.target.value || null })}
        />
      </label>
      <label className="filter-date">
        <span className="filter-name">Until</span>
        <input
          className="input input-sm"
          type="date"
          value={filters.until ?? ""}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => onChange({ ...filters, until: e.target.value || null })}
        />
      </label>
      {isFiltered(filters) && (
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
      {problem && <span className="field-error" role="alert">{problem}</span>}
    </section>
  );
}
