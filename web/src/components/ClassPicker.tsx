/**
 * The ontology's classes as a tree. A class's hotkey is the one its ontology gives, unless
 * the editor already uses that key (b, p, v, n, ...); the others get 1–9 in tree order.
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
  /** keys the editor itself uses */
  reserved?: readonly string[];
}

/** The hotkey of each class: its own if free, else the next free digit. */
export function assignHotkeys(classes: readonly ClassDef[], reserved: readonly string[]): Map<string, string> {
  const used = new Set(reserved.map((k) => k.toLowerCase()));
  const out = new Map<string, string>();
  for (const c of classes) {
    const k = c.hotkey?.toLowerCase();
    if (k && k.length === 1 && !used.has(k)) {
      out.set(c.name, k);
      used.add(k);
    }
  }
  let digit = 1;
  for (const c of classes) {
    if (out.has(c.name)) continue;
    while (digit <= 9 && used.has(String(digit))) digit++;
    if (digit > 9) break;
    out.set(c.name, String(digit));
    used.add(String(digit++));
  }
  return out;
}

export function ClassPicker({ classes, active, onPick, label = "Class", reserved = [] }: Props) {
  const [filter, setFilter] = useState("");
  const shown = useMemo(
    () => classes.filter((c) => c.name.toLowerCase().includes(filter.trim().toLowerCase())),
    [classes, filter],
  );
  const keys = useMemo(() => assignHotkeys(shown, reserved), [shown, reserved]);
  useHotkeys(Object.fromEntries([...keys].map(([name, k]) => [k, () => onPick(name)])));
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
        {shown.map((c) => (
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
              {keys.has(c.name) && <kbd>{keys.get(c.name)!.toUpperCase()}</kbd>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
