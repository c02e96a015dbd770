/** Gold: each annotator scored against the gold items, per class, and the gold × annotated confusion. */
import { useState } from "react";
import { isEmptyConfusion } from "../../quality/confusion";
import { fmt } from "../../quality/format";
import { bestAnnotators, CLASS_METRICS, presentMetrics, type ClassMetric } from "../../quality/gold";
import type { GoldReport } from "../../quality/report";
import { ConfusionHeatmap } from "./ConfusionHeatmap";
import { GoldClassBars } from "./GoldClassBars";
import { EmptyState } from "./SectionState";

export function GoldSection({ report }: { report: GoldReport }) {
  const [metric, setMetric] = useState<ClassMetric>("f1");
  if (report.n_gold_items === 0) {
    return (
      <EmptyState>
        <b>No gold items in this scope.</b> Mark gold items with <code>ontolabel gold set</code> (or PUT
        /api/projects/…/items/…/gold); each annotator's work on them is then scored here.
      </EmptyState>
    );
  }
  const metrics = presentMetrics(report.annotators);
  const metricLabel = CLASS_METRICS.find((m) => m.key === metric)?.label ?? metric;
  return (
    <>
      <p className="quality-summary">
        <b>{report.n_gold_items}</b> gold items · <b>{report.annotators.length}</b> annotators scored
      </p>
      {report.annotators.length === 0 ? (
        <p className="muted">Nobody in this scope has submitted work on a gold item yet.</p>
      ) : (
        <table className="table quality-table" aria-label="Scores against gold">
          <thead>
            <tr>
              <th>Annotator</th>
              <th className="num">Items</th>
              {metrics.map((m) => (
                <th key={m.key} className="num" title={m.lowerIsBetter ? "lower is better" : "higher is better"}>
                  {m.label}
                  {m.lowerIsBetter ? " ↓" : ""}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.annotators.map((a) => (
              <tr key={a.annotator}>
                <td>{a.annotator}</td>
                <td className="num mono">{a.n_items}</td>
                {metrics.map((m) => {
                  const best = bestAnnotators(report.annotators, m.key, m.lowerIsBetter).has(a.annotator);
                  return (
                    <td key={m.key} className={`num mono${best ? " best" : ""}`} data-metric={m.key}>
                      {fmt(a[m.key])}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.annotators.length > 0 && (
        <div className="quality-cell">
          <div className="cell-head">
            <h3 className="panel-title">Per class</h3>
            <div className="segmented" role="tablist" aria-label="Per-class metric">
              {CLASS_METRICS.map((m) => (
                <button key={m.key} type="button" role="tab" aria-selected={m.key === metric} onClick={() => setMetric(m.key)}>
                  {m.label}
                </button>
              ))}
            </div>
          </div>
          <GoldClassBars annotators={report.annotators} metric={metric} metricLabel={metricLabel} />
        </div>
      )}
      <div className="quality-cell">
        <h3 className="panel-title">Gold × annotated</h3>
        {report.confusion && !isEmptyConfusion(report.confusion) ? (
          <ConfusionHeatmap confusion={report.confusion} rowLabel="gold" colLabel="annotated" label="Confusion matrix of gold against annotated labels" />
        ) : (
          <p className="muted">No labels to compare in this scope.</p>
        )}
      </div>
    </>
  );
}
