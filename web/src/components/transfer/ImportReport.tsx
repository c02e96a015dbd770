/**
 * What an import did: the format it read the file as and why (detection's confidence and
 * reason), the counts, and every bad record with its file:line, item and path. A refused
 * import (errors=fail, or a file no format reads) shows the server's message, hint and
 * every problem the same way.
 */
import type { ApiError } from "../../api/client";
import type { ImportResult } from "../../api/transfer";
import type { Violation } from "../../api/types";
import { countRows, formatRead, placeOf } from "../../domain/importReport";

export function ProblemList({ problems, title }: { problems: readonly Violation[]; title: string }) {
  if (problems.length === 0) return null;
  return (
    <table className="table problem-table" aria-label={title}>
      <thead>
        <tr>
          <th>Where</th>
          <th>Problem</th>
        </tr>
      </thead>
      <tbody>
        {problems.map((p, i) => (
          <tr key={i}>
            <td className="mono where">{placeOf(p) || "—"}</td>
            <td>{p.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ImportReport({ result, fileName }: { result: ImportResult; fileName: string }) {
  const clean = result.errors.length === 0;
  return (
    <section className="import-report" aria-label="Import report">
      <div className={`banner ${clean ? "banner-ok" : "banner-warn"}`} role="status">
        <b>
          {fileName}: {result.imported} item{result.imported === 1 ? "" : "s"} imported
          {clean ? "." : `, ${result.errors.length} problem${result.errors.length === 1 ? "" : "s"} skipped.`}
        </b>
      </div>
      <p className="read-as">
        <span className="muted">Read as </span>
        {formatRead(result.format, result.detected)}
      </p>
      <dl className="counts">
        {countRows(result).map((r) => (
          <div key={r.label}>
            <dt>{r.label}</dt>
            <dd>{r.value}</dd>
          </div>
        ))}
      </dl>
      <ProblemList problems={result.errors} title="Skipped records" />
    </section>
  );
}

export function ImportRefusal({ error }: { error: ApiError }) {
  const place = placeOf(error.body);
  return (
    <section className="import-report" aria-label="Import report">
      <div className="banner banner-error" role="alert">
        <div>
          <b>{error.message}</b>
          {place && <span className="mono"> ({place})</span>}
          {error.body.hint && <p className="hint">{error.body.hint}</p>}
        </div>
      </div>
      <ProblemList problems={error.violations} title="Problems" />
    </section>
  );
}
