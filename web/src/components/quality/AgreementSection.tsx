/** Agreement: every coefficient with its interval, per class, pairwise κ and the pooled confusion. */
import { useMemo, useState } from "react";
import { isEmptyConfusion } from "../../quality/confusion";
import { classCoefficients, classRows, defaultClassCoefficient, forestRows } from "../../quality/forest";
import { fmt, fmtInterval, fmtLevel } from "../../quality/format";
import type { AgreementReport, AgreementResult } from "../../quality/report";

/** How many units a coefficient was computed over, when its counts say. */
function unitsUsed(r: AgreementResult): number | null {
  const n = r.counts?.units_used ?? r.counts?.units;
  return typeof n === "number" ? n : null;
}
import { ConfusionHeatmap } from "./ConfusionHeatmap";
import { ForestPlot } from "./ForestPlot";
import { KappaMatrix } from "./KappaMatrix";
import { EmptyState } from "./SectionState";

export function AgreementSection({ report }: { report: AgreementReport }) {
  const rows = useMemo(() => forestRows(report.coefficients), [report]);
  const choices = useMemo(() => classCoefficients(report.per_class), [report]);
  const [picked, setPicked] = useState<string | null>(null);
  const coefficient = picked !== null && choices.includes(picked) ? picked : defaultClassCoefficient(report.per_class);
  const perClass = useMemo(() => (coefficient ? classRows(report.per_class, coefficient) : []), [report, coefficient]);

  if (report.n_items === 0) {
    return (
      <EmptyState>
        <b>No agreement to measure yet.</b> Agreement needs items with ≥ 2 annotators who submitted work
        {report.raters.length > 0 ? ` (in this scope: ${report.raters.join(", ")})` : ""}. Assign items to more than one
        annotator, or widen the filters.
      </EmptyState>
    );
  }

  return (
    <>
      <p className="quality-summary">
        <b>{report.raters.length}</b> annotators ({report.raters.join(", ")}) · <b>{report.n_items}</b> items with ≥ 2
        annotators · <b>{report.n_units}</b> units
      </p>
      {report.notes && report.notes.length > 0 && (
        <ul className="quality-notes muted" aria-label="Notes on the agreement">
          {report.notes.map((n, k) => (
            <li key={k}>{n}</li>
          ))}
        </ul>
      )}
      <div className="quality-grid">
        <div className="quality-cell quality-wide">
          <h3 className="panel-title">Coefficients over all units</h3>
          <ForestPlot rows={rows} label="Agreement coefficients with confidence intervals" />
          <details className="quality-numbers">
            <summary>Coefficients as a table (values, intervals, units used)</summary>
            <table className="table quality-table" aria-label="Agreement coefficients">
              <thead>
                <tr>
                  <th>Coefficient</th>
                  <th className="num">Value</th>
                  <th>Confidence interval</th>
                  <th className="num">Units used</th>
                  <th className="num">Resamples</th>
                </tr>
              </thead>
              <tbody>
                {report.coefficients.map((r, k) => {
                  const row = rows[k];
                  return (
                    <tr key={row.key} data-coefficient={r.coefficient}>
                      <td>{r.label}</td>
                      {row.value === null ? (
                        <td colSpan={4} className="undefined-reason">
                          {row.text}
                        </td>
                      ) : (
                        <>
                          <td className="num mono" data-value={r.value ?? ""}>
                            {fmt(row.value)}
                          </td>
                          <td className="mono">{row.low !== null ? `${fmtLevel(row.level)} ${fmtInterval(row.low, row.high)}` : "—"}</td>
                          <td className="num mono">{unitsUsed(r) ?? "—"}</td>
                          <td className="num mono">{r.ci?.n_resamples ?? "—"}</td>
                        </>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </details>
        </div>
        <div className="quality-cell">
          <h3 className="panel-title">Pairwise Cohen's κ</h3>
          {report.raters.length >= 2 ? (
            <KappaMatrix raters={report.raters} pairs={report.pairwise} />
          ) : (
            <p className="muted">Needs two annotators.</p>
          )}
          {report.pairwise.some((p) => p.geometry) && (
            <table className="table quality-table compact" aria-label="Pairwise geometric agreement">
              <thead>
                <tr>
                  <th>Pair</th>
                  <th className="num">Items</th>
                  <th className="num">F1</th>
                  <th className="num">Mean IoU</th>
                </tr>
              </thead>
              <tbody>
                {report.pairwise.map((p) => (
                  <tr key={`${p.a}|${p.b}`}>
                    <td>
                      {p.a} × {p.b}
                    </td>
                    <td className="num mono">{p.n_items}</td>
                    <td className="num mono">{fmt(p.geometry?.f1)}</td>
                    <td className="num mono">{fmt(p.geometry?.mean_iou)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {report.per_class.length > 0 && coefficient && (
        <div className="quality-cell">
          <div className="cell-head">
            <h3 className="panel-title">Per class</h3>
            <label className="inline-select">
              <span className="muted">Coefficient</span>
              <select className="input input-sm" value={coefficient} onChange={(e) => setPicked(e.target.value)}>
                {choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ForestPlot rows={perClass} label={`${coefficient} per class with confidence intervals`} xLabel={coefficient} />
        </div>
      )}
      <div className="quality-cell">
        <h3 className="panel-title">Confusion between annotators (pooled over pairs)</h3>
        {report.confusion && !isEmptyConfusion(report.confusion) ? (
          <ConfusionHeatmap
            confusion={report.confusion}
            rowLabel="one annotator"
            colLabel="the other"
            label="Confusion matrix of labels between annotator pairs"
          />
        ) : (
          <p className="muted">No label pairs in this scope.</p>
        )}
      </div>
    </>
  );
}
