/** Annotator audit: per annotator, throughput, agreement with peers and gold, drift, and quality over time. */
import { useState } from "react";
import { annotatorTone, auditOrder, driftSummary, driftTests, driftTone, peerAgreementText } from "../../quality/audit";
import { fmt, fmtRate, fmtSeconds } from "../../quality/format";
import type { AuditAnnotator, AuditReport } from "../../quality/report";
import { AnnotatorTimeline, type TimeAxis } from "./AnnotatorTimeline";
import { EmptyState } from "./SectionState";

function AnnotatorCard({ a, axis }: { a: AuditAnnotator; axis: TimeAxis }) {
  const tests = driftTests(a);
  return (
    <article className="card audit-card" aria-label={`Audit of ${a.annotator}`}>
      <header className="audit-head">
        <h3>{a.annotator}</h3>
        {tests.length === 0 && <span className="pill">drift not tested</span>}
        {tests.map(({ name, test }) => (
          <span key={name} className={`pill pill-drift-${driftTone(test)}`} title={test.test}>
            {name}: {driftSummary(test)}
          </span>
        ))}
      </header>
      <dl className="stats">
        <div>
          <dt>Items</dt>
          <dd>{a.n_items}</dd>
        </div>
        <div>
          <dt>Sessions</dt>
          <dd>{a.n_sessions}</dd>
        </div>
        <div>
          <dt>Time per item</dt>
          <dd>{fmtSeconds(a.median_seconds_per_item)} <span className="muted">median</span></dd>
        </div>
        <div>
          <dt>Throughput</dt>
          <dd>{a.items_per_hour === null ? "—" : `${fmtRate(a.items_per_hour)} items/h`}</dd>
        </div>
        <div>
          <dt>Agreement with peers</dt>
          <dd title={a.agreement_with_peers?.label}>
            {peerAgreementText(a)}
            {a.agreement_with_peers && <span className="stat-note">{a.agreement_with_peers.label}</span>}
          </dd>
        </div>
        <div>
          <dt>Gold F1</dt>
          <dd>{fmt(a.gold_f1)}</dd>
        </div>
      </dl>
      {tests.some(({ test }) => test.detail) && (
        <ul className={`drift-detail drift-${annotatorTone(a)}`} aria-label={`Drift tests of ${a.annotator}`}>
          {tests.map(({ name, test }) =>
            test.detail ? (
              <li key={name} className={`drift-${driftTone(test)}`}>
                <b>{name[0].toUpperCase() + name.slice(1)}:</b> {test.detail} <span className="muted">({test.test})</span>
              </li>
            ) : null,
          )}
        </ul>
      )}
      <AnnotatorTimeline annotator={a.annotator} timeline={a.timeline} axis={axis} />
      {a.per_class.length > 0 && (
        <details className="audit-classes">
          <summary>Per class ({a.per_class.length})</summary>
          <table className="table quality-table compact" aria-label={`Per-class audit of ${a.annotator}`}>
            <thead>
              <tr>
                <th>Class</th>
                <th className="num">Units</th>
                <th className="num">Agreement with peers</th>
                <th className="num">Gold F1</th>
              </tr>
            </thead>
            <tbody>
              {a.per_class.map((c) => (
                <tr key={c.class}>
                  <td>{c.class}</td>
                  <td className="num mono">{c.n}</td>
                  <td className="num mono">{fmt(c.agreement_with_peers)}</td>
                  <td className="num mono">{fmt(c.gold_f1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </article>
  );
}

export function AuditSection({ report }: { report: AuditReport }) {
  const [axis, setAxis] = useState<TimeAxis>("order");
  if (report.annotators.length === 0) {
    return (
      <EmptyState>
        <b>No submitted work in this scope.</b> The audit follows each annotator's submitted items over time; widen the
        filters or wait for submissions.
      </EmptyState>
    );
  }
  return (
    <>
      <div className="cell-head">
        <p className="quality-summary">
          <b>{report.annotators.length}</b> annotators; annotators with a detected drop come first.
        </p>
        <div className="segmented" role="tablist" aria-label="Time axis">
          <button type="button" role="tab" aria-selected={axis === "order"} onClick={() => setAxis("order")}>
            Order of work
          </button>
          <button type="button" role="tab" aria-selected={axis === "time"} onClick={() => setAxis("time")}>
            Clock time
          </button>
        </div>
      </div>
      <div className="audit-list">
        {auditOrder(report.annotators).map((a) => (
          <AnnotatorCard key={a.annotator} a={a} axis={axis} />
        ))}
      </div>
    </>
  );
}
