/** One project: progress, guideline, the item queue (keyset pages), and the ways to its
 * Quality and Import / Export pages. */
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api } from "../api/client";
import type { ItemSummary, ProjectSummary } from "../api/types";
import { AppHeader } from "../components/AppHeader";
import { Progress } from "../components/Progress";
import { nextItemId } from "../state/nextItem";

function itemLabel(i: ItemSummary): string {
  return i.external_id ?? i.media[0]?.name ?? `Item ${i.id}`;
}

export function ProjectPage() {
  const pid = Number(useParams().projectId);
  const navigate = useNavigate();
  const [project, setProject] = useState<ProjectSummary | null>(null);
  const [items, setItems] = useState<ItemSummary[]>([]);
  const [after, setAfter] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [showGuide, setShowGuide] = useState(false);

  const loadMore = useCallback(
    async (from: number | null) => {
      setLoading(true);
      try {
        const page = await api.items(pid, from, 100);
        setItems((prev) => (from === null ? page.items : [...prev, ...page.items]));
        setAfter(page.next_after);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [pid],
  );

  useEffect(() => {
    // the list endpoint carries the counts; fall back to the single project if it is missing
    api.projects().then(
      (ps) => {
        const p = ps.find((x) => x.id === pid);
        if (p) setProject(p);
        else api.project(pid).then((x) => setProject({ ...x, item_count: 0, submitted_count: 0 }), (e: Error) => setError(e.message));
      },
      (e: Error) => setError(e.message),
    );
    void loadMore(null);
  }, [pid, loadMore]);

  const goNext = async () => {
    setMessage(null);
    try {
      const id = await nextItemId(pid);
      if (id === null) setMessage("Every item is submitted. Nothing left in the queue.");
      else navigate(`/items/${id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <>
      <AppHeader />
      <main className="page">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/">Projects</Link>
          <span aria-hidden="true">/</span>
          <span className="crumb-current">{project?.name ?? "…"}</span>
        </nav>
        {error && <div className="banner banner-error" role="alert">{error}</div>}
        {project && (
          <section className="project-head">
            <div>
              <h1>{project.name}</h1>
              <p className="muted">{project.description}</p>
              <Progress done={project.submitted_count} total={project.item_count} label={`Progress of ${project.name}`} />
            </div>
            <div className="head-actions">
              <button type="button" className="btn btn-primary btn-lg" onClick={() => void goNext()}>
                {project.submitted_count > 0 ? "Next item →" : "Start labeling →"}
              </button>
              <Link className="btn" to={`/projects/${pid}/quality`}>Quality: agreement, gold, audit</Link>
              <Link className="btn" to={`/projects/${pid}/transfer`}>Import / Export</Link>
            </div>
          </section>
        )}
        {message && <div className="banner banner-info" role="status">{message}</div>}
        {project?.guideline && (
          <section className="panel guideline">
            <button type="button" className="btn btn-ghost" aria-expanded={showGuide} onClick={() => setShowGuide((v) => !v)}>
              {showGuide ? "▾" : "▸"} Labeling guideline
            </button>
            {showGuide && <div className="guideline-text">{project.guideline}</div>}
          </section>
        )}
        <table className="table" aria-label="Items">
          <thead>
            <tr>
              <th>#</th>
              <th>Item</th>
              <th>Type</th>
              <th>Preview</th>
              <th>Your status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id}>
                <td className="mono">{i.id}</td>
                <td>
                  <Link to={`/items/${i.id}`}>{itemLabel(i)}</Link>
                </td>
                <td>{i.modality}</td>
                <td className="preview">{i.preview ?? (i.media[0]?.width ? `${i.media[0].width}×${i.media[0].height}` : "")}</td>
                <td>
                  <span className={`pill pill-${i.status}`}>{i.status === "new" ? "not started" : i.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {loading && <p className="muted"><span className="spinner" /> Loading items…</p>}
        {!loading && items.length === 0 && <p className="muted">This project has no items yet.</p>}
        {after !== null && !loading && (
          <button type="button" className="btn" onClick={() => void loadMore(after)}>
            Load more
          </button>
        )}
      </main>
    </>
  );
}
