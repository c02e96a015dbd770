/** A project's Import / Export page: only the formats that fit the project are offered. */
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { api } from "../api/client";
import { transferApi, type ProjectFormats } from "../api/transfer";
import type { Project } from "../api/types";
import { AppHeader } from "../components/AppHeader";
import { ExportPanel } from "../components/transfer/ExportPanel";
import { ImportPanel } from "../components/transfer/ImportPanel";

export function TransferPage() {
  const pid = Number(useParams().projectId);
  const [project, setProject] = useState<Project | null>(null);
  const [formats, setFormats] = useState<ProjectFormats | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    api.project(pid).then(setProject, (e: Error) => setError(e.message));
    transferApi.formats(pid).then(setFormats, (e: Error) => setError(e.message));
  }, [pid]);

  return (
    <>
      <AppHeader />
      <main className="page">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/">Projects</Link>
          <span aria-hidden="true">/</span>
          <Link to={`/projects/${pid}`}>{project?.name ?? "…"}</Link>
          <span aria-hidden="true">/</span>
          <span className="crumb-current">Import / Export</span>
        </nav>
        {error && <div className="banner banner-error" role="alert">{error}</div>}
        <section className="project-head">
          <div>
            <h1>Import / Export</h1>
            {formats && (
              <p className="muted">
                {/^[aeiou]/.test(formats.modality) ? "An" : "A"} {formats.modality} project; its ontology (v{project?.ontology_version ?? "…"}) allows{" "}
                {formats.kinds.length > 0 ? formats.kinds.map((k) => <span key={k} className="pill kind-pill">{k.replace(/_/g, " ")}</span>) : "no geometry"}
                . Only the formats that write and read {formats.modality} labels are offered.
              </p>
            )}
          </div>
        </section>
        {!formats && !error && <p className="muted"><span className="spinner" /> Loading formats…</p>}
        {formats && (
          <div className="transfer-grid">
            <ExportPanel projectId={pid} exports={formats.exports} canExport={formats.can_export} />
            <ImportPanel projectId={pid} imports={formats.imports} canImport={formats.can_import} />
          </div>
        )}
      </main>
    </>
  );
}
