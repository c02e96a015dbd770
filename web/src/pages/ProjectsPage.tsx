import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api } from "../api/client";
import type { ProjectSummary } from "../api/types";
import { AppHeader } from "../components/AppHeader";
import { Icon } from "../components/Icon";
import { Progress } from "../components/Progress";

export function ProjectsPage() {
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.projects().then(setProjects, (e: Error) => setError(e.message));
  }, []);

  return (
    <>
      <AppHeader />
      <main className="page">
        <h1>Projects</h1>
        {error && <div className="banner banner-error" role="alert">{error}</div>}
        {!projects && !error && <p className="muted"><span className="spinner" /> Loading projects…</p>}
        {projects && projects.length === 0 && (
          <p className="muted">No projects yet. Create one with <code>ontolabel project create</code> or run <code>ontolabel demo</code>.</p>
        )}
        <ul className="project-grid">
          {projects?.map((p) => (
            <li key={p.id} className="card project-card">
              <Link to={`/projects/${p.id}`} className="card-link" aria-label={p.name}>
                <div className="card-head">
                  <span className="modality" title={p.modality}><Icon name={p.modality} size={15} /> {p.modality === "pointcloud" ? "point cloud" : p.modality}</span>
                  <span className="pill">{p.role}</span>
                </div>
                <h2 className="card-title">{p.name}</h2>
                <p className="card-desc">{p.description || "No description."}</p>
              </Link>
              <Progress done={p.submitted_count} total={p.item_count} label={`Progress of ${p.name}`} />
            </li>
          ))}
        </ul>
      </main>
    </>
  );
}
