/**
 * Messages about the annotation session that need the user: a conflict (someone saved a
 * newer version; the local work is kept until the user chooses), validation problems
 * returned by the server, errors, and notices such as restored local work.
 */
import type { AnnotationSession } from "../state/useAnnotationSession";

function pathText(p: unknown): string {
  return typeof p === "string" ? p : "";
}

export function SessionBanners({ s }: { s: AnnotationSession }) {
  const st = s.saveState;
  return (
    <>
      {st.kind === "conflict" && (
        <div className="banner banner-warn" role="alert">
          <strong>Someone else saved this item</strong>
          {st.current ? ` (revision ${st.current.revision})` : ""} after you opened it. Your changes
          are kept here and in this browser; nothing was overwritten.
          <span className="banner-actions">
            <button type="button" className="btn btn-sm" onClick={() => void s.keepMine()}>
              Keep mine (save over theirs)
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={s.takeTheirs}>
              Load theirs (undo brings mine back)
            </button>
          </span>
        </div>
      )}
      {st.kind === "invalid" && (
        <div className="banner banner-error" role="alert">
          <strong>The server refused this annotation:</strong> {st.message}
          {st.violations.length > 0 && (
            <ul>
              {st.violations.map((v, i) => (
                <li key={i}>
                  {pathText(v.path) && <code>{pathText(v.path)}</code>} {v.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {st.kind === "error" && (
        <div className="banner banner-error" role="alert">
          <strong>Could not save:</strong> {st.message}. Your work is kept in this browser.
          <span className="banner-actions">
            <button type="button" className="btn btn-sm" onClick={() => void s.save()}>
              Retry
            </button>
          </span>
        </div>
      )}
      {s.notice && (
        <div className="banner banner-info" role="status">
          {s.notice}
          <span className="banner-actions">
            <button type="button" className="btn btn-sm btn-ghost" onClick={s.dismissNotice} aria-label="Dismiss">
              ×
            </button>
          </span>
        </div>
      )}
    </>
  );
}
