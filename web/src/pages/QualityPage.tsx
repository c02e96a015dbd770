/**
 * A project's quality: findings first, then agreement between annotators, scores against
 * gold, and each annotator's audit over time. The filters live in the URL (shareable) and
 * every change refetches the three reports with the same query.
 */
import { useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api } from "../api/client";
import type { Project } from "../api/types";
import { AppHeader } from "../components/AppHeader";
import { AgreementSection } from "../components/quality/AgreementSection";
import { AuditSection } from "../components/quality/AuditSection";
import { FilterBar } from "../components/quality/FilterBar";
import { GoldSection } from "../components/quality/GoldSection";
import { SectionState } from "../components/quality/SectionState";
import { parseOntology, type ClassDef } from "../domain/ontology";
import { qualityApi } from "../quality/api";
import { filtersFromSearch, rangeProblem, toSearch, type QualityFilters } from "../quality/filters";
import type { AgreementReport, AuditReport, GoldReport } from "../quality/report";
import "../components/quality/quality.css";

interface Loaded<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}

const START = { data: null, loading: true, error: null };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Load one report whenever the query changes; a newer query cancels the older one. */
function useReport<T>(load: (signal: AbortSignal) => Promise<T>, key: string, skip: boolean): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>(START);
  useEffect(() => {
    if (skip) {
      setState({ data: null, loading: false, error: null });
      return;
    }
    const abort = new AbortController();
    // keep the last answer on screen (dimmed) while the new one is computed
    setState((s) => ({ ...s, loading: true, error: null }));
    load(abort.signal).then(
      (data) => setState({ data, loading: false, error: null }),
      (e: unknown) => {
        if (!abort.signal.aborted) setState({ data: null, loading: false, error: message(e) });
      },
    );
    return () => abort.abort();
    // `key` stands for everything `load` reads
  }, [key, skip]);
  return state;
}

export function QualityPage() {
  const pid = Number(useParams().projectId);
  const [search, setSearch] = useSearchParams();
  // the page's own copy answers a click at once (the URL follows in a transition); a change
  // of the URL from outside (back, forward, a pasted link) replaces it
  const fromUrl = search.toString();
  const [filters, setLocalFilters] = useState<QualityFilters>(() => filtersFromSearch(search));
  useEffect(() => {
    setLocalFilters((f) => (toSearch(f).toString() === fromUrl ? f : filtersFromSearch(new URLSearchParams(fromUrl))));
  }, [fromUrl]);
  const query = toSearch(filters).toString();
  const problem = rangeProblem(filters);

  const [project, setProject] = useState<Project | null>(null);
  const [classes, setClasses] = useState<readonly ClassDef[]>([]);
  const [members, setMembers] = useState<string[]>([]);
  const [pageError, setPageError] = useState<string | null>(null);

  useEffect(() => {
    api.project(pid).then(setProject, (e: unknown) => setPageError(message(e)));
    api.ontology(pid).then(
      (o) => setClasses(parseOntology(o.document, o.version).classes),
      () => setClasses([]),
    );
    qualityApi.members(pid).then(setMembers, () => setMembers([]));
  }, [pid]);

  const key = `${pid}?${query}`;
  const agreement = useReport<AgreementReport>((s) => qualityApi.agreement(pid, filters, s), key, problem !== null);
  const gold = useReport<GoldReport>((s) => qualityApi.gold(pid, filters, s), key, problem !== null);
  const audit = useReport<AuditReport>((s) => qualityApi.audit(pid, filters, s), key, problem !== null);

  // members first; anyone the reports name (a former member) too, and whoever the URL asks for
  const annotators = useMemo(() => {
    const names = new Set(members);
    agreement.data?.raters.forEach((r) => names.add(r));
    gold.data?.annotators.forEach((a) => names.add(a.annotator));
    audit.data?.annotators.forEach((a) => names.add(a.annotator));
    filters.annotators.forEach((a) => names.add(a));
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [members, agreement.data, gold.data, audit.data, filters.annotators]);

  const setFilters = (f: QualityFilters) => {
    setLocalFilters(f);
    setSearch(toSearch(f), { replace: true });
  };

  return (
    <>
      <AppHeader />
      <main className="page quality-page">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/">Projects</Link>
          <span aria-hidden="true">/</span>
          <Link to={`/projects/${pid}`}>{project?.name ?? "…"}</Link>
          <span aria-hidden="true">/</span>
          <span className="crumb-current">Quality</span>
        </nav>
        <h1>Quality{project ? ` — ${project.name}` : ""}</h1>
        {pageError && <div className="banner banner-error" role="alert">{pageError}</div>}
        <FilterBar filters={filters} classes={classes} annotators={annotators} onChange={setFilters} problem={problem} />

        <section className="panel findings" aria-labelledby="findings-title">
          <h2 id="findings-title">Findings</h2>
          {audit.error ? (
            <p className="muted">No findings: the audit could not be computed.</p>
          ) : audit.data === null ? (
            <SectionState loading={audit.loading} error={null} what="findings" />
          ) : audit.data.findings.length === 0 ? (
            <p className="muted">Nothing stands out in this scope: no annotator, class or session shows a significant drop.</p>
          ) : (
            <ol className="findings-list">
              {audit.data.findings.map((f, k) => (
                <li key={k}>{f}</li>
              ))}
            </ol>
          )}
        </section>

        <section className={`quality-section${agreement.loading && agreement.data ? " stale" : ""}`} aria-labelledby="agreement-title">
          <h2 id="agreement-title">Agreement between annotators</h2>
          <SectionState loading={agreement.loading && !agreement.data} error={agreement.error} what="agreement" />
          {agreement.data && <AgreementSection report={agreement.data} />}
        </section>

        <section className={`quality-section${gold.loading && gold.data ? " stale" : ""}`} aria-labelledby="gold-title">
          <h2 id="gold-title">Against gold</h2>
          <SectionState loading={gold.loading && !gold.data} error={gold.error} what="gold scores" />
          {gold.data && <GoldSection report={gold.data} />}
        </section>

        <section className={`quality-section${audit.loading && audit.data ? " stale" : ""}`} aria-labelledby="audit-title">
          <h2 id="audit-title">Annotators over time</h2>
          <SectionState loading={audit.loading && !audit.data} error={audit.error} what="the audit" />
          {audit.data && <AuditSection report={audit.data} />}
        </section>
      </main>
    </>
  );
}
