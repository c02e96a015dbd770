/**
 * The ontology's classes as a tree; the first nine carry the hotkeys 1–9.
 * Picking a class sets the class for new shapes and relabels the selected object.
 */
import { useMemo, useState } from "react";
import type { ClassDef } from "../domain/ontology";
import { useHotkeys } from "../state/useHotkeys";

interface Props {
  classes: readonly ClassDef[];
  active: string | null;
  onPick: (name: string) => void;
  label?: string;
}

export function ClassPicker({ classes, active, onPick, label = "Class" }: Props) {
  const [filter, setFilter] = useState("");
  const shown = useMemo(
    () => classes.filter((c) => c.name.toLowerCase().includes(filter.trim().toLowerCase())),
    [classes, filter],
  );
  const keyed = shown.slice(0, 9);
  useHotkeys(Object.fromEntries(keyed.map((c, i) => [String(i + 1), () => onPick(c.name)])));
  const minDepth = Math.min(...classes.map((c) => c.depth));

  return (
    <section className="panel" aria-label={`${label} picker`}>
      <h3 className="panel-title">{label}</h3>
      {classes.length > 10 && (
        <input
          className="input input-sm"
          type="search"
          placeholder="Filter classes"
          aria-label="Filter classes"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      {classes.length === 0 && <p className="muted">The ontology has no class for this tool.</p>}
      <ul className="class-tree" role="radiogroup" aria-label={label}>
        {shown.map((c, i) => (
          <li key={c.name} style={{ paddingLeft: `${(c.depth - minDepth) * 14}px` }}>
            <button
              type="button"
              role="radio"
              aria-checked={active === c.name}
              aria-label={c.name}
              title={c.description ?? c.name}
              className={`class-row${active === c.name ? " active" : ""}`}
              onClick={() => onPick(c.name)}
            >
              <span className="swatch" style={{ background: c.color }} />
              <span className="class-name">{c.name}</span>
              {i < 9 && <kbd>{i + 1}</kbd>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
