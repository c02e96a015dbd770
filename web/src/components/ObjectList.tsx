/** The objects of the annotation, in drawing order: select, hide, delete. */
import type { AnnotationObject } from "../domain/annotation";

interface Props {
  objects: readonly AnnotationObject[];
  selectedId: string | null;
  colorOf: (className: string) => string;
  describe: (o: AnnotationObject) => string;
  onSelect: (id: string) => void;
  onDelete: (id: string) => void;
  hidden?: ReadonlySet<string>;
  onToggleHidden?: (id: string) => void;
  title?: string;
}

export function ObjectList(p: Props) {
  return (
    <section className="panel" aria-label={p.title ?? "Objects"}>
      <h3 className="panel-title">
        {p.title ?? "Objects"} <span className="count">{p.objects.length}</span>
      </h3>
      {p.objects.length === 0 && <p className="muted">Nothing labelled yet.</p>}
      <ul className="object-list">
        {p.objects.map((o) => (
          <li key={o.id} className={o.id === p.selectedId ? "selected" : undefined}>
            <button
              type="button"
              className="object-row"
              aria-pressed={o.id === p.selectedId}
              aria-label={`${o.class_name} ${o.id}`}
              onClick={() => p.onSelect(o.id)}
            >
              <span className="swatch" style={{ background: p.colorOf(o.class_name) }} />
              <span className="object-class">{o.class_name}</span>
              <span className="object-desc">{p.describe(o)}</span>
            </button>
            {p.onToggleHidden && (
              <button
                type="button"
                className="btn btn-icon btn-ghost"
                aria-label={`${p.hidden?.has(o.id) ? "Show" : "Hide"} ${o.class_name} ${o.id}`}
                title={p.hidden?.has(o.id) ? "Show" : "Hide"}
                onClick={() => p.onToggleHidden?.(o.id)}
              >
                {p.hidden?.has(o.id) ? "◌" : "◉"}
              </button>
            )}
            <button
              type="button"
              className="btn btn-icon btn-ghost"
              aria-label={`Delete ${o.class_name} ${o.id}`}
              title="Delete (Del)"
              onClick={() => p.onDelete(o.id)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
