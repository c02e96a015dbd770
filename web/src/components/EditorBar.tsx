/**
 * The bar above every editor: where you are, the save state, undo/redo, save, submit, next.
 * Ctrl+S saves, Ctrl+Z / Ctrl+Shift+Z undo and redo, n goes to the next item.
 */
import { Link } from "react-router";
import type { Item, Project } from "../api/types";
import type { AnnotationSession } from "../state/useAnnotationSession";
import { useHotkeys } from "../state/useHotkeys";
import { Icon } from "./Icon";
import { SaveIndicator } from "./SaveIndicator";

interface Props {
  project: Project;
  item: Item;
  s: AnnotationSession;
  onNext: () => void;
  readOnly?: boolean;
}

export function EditorBar({ project, item, s, onNext, readOnly = false }: Props) {
  useHotkeys({
    "ctrl+z": s.undo,
    "ctrl+shift+z": s.redo,
    "ctrl+y": s.redo,
    "ctrl+s": () => void s.save(),
    n: onNext,
  });
  const title = item.external_id ?? item.media[0]?.name ?? `Item ${item.id}`;
  return (
    <header className="editor-bar">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Projects</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/projects/${project.id}`}>{project.name}</Link>
        <span aria-hidden="true">/</span>
        <span className="crumb-current" title={title}>
          {title}
        </span>
      </nav>
      <div className="bar-actions">
        {s.status === "submitted" && <span className="pill pill-ok">Submitted</span>}
        <SaveIndicator state={s.saveState} />
        {!readOnly && (
          <>
            <button type="button" className="btn btn-icon" onClick={s.undo} disabled={!s.canUndo} aria-label="Undo" title="Undo (Ctrl+Z)">
              <Icon name="undo" />
            </button>
            <button type="button" className="btn btn-icon" onClick={s.redo} disabled={!s.canRedo} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">
              <Icon name="redo" />
            </button>
            <button type="button" className="btn" onClick={() => void s.save()} title="Save (Ctrl+S)">
              Save
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void s.submit()} title="Submit this item">
              Submit
            </button>
          </>
        )}
        <button type="button" className="btn" onClick={onNext} title="Next item (n)">
          Next item →
        </button>
      </div>
    </header>
  );
}
