/**
 * Import: a file (or a zip of a dataset folder), the format (detected by default, or one
 * of those that read the project's modality), the error policy, an upload bar fed by the
 * browser's upload progress events, and the report when the server has read the file.
 */
import { useEffect, useId, useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { uploadImport, type ErrorMode, type ImportChoice, type ImportResult, type UploadPhase } from "../../api/transfer";
import { formatBytes, percentSent } from "../../domain/importReport";
import { ImportRefusal, ImportReport } from "./ImportReport";

interface Props {
  projectId: number;
  imports: readonly ImportChoice[];
  canImport: boolean;
  onImported?: (result: ImportResult) => void;
}

type Outcome = { kind: "done"; result: ImportResult; fileName: string } | { kind: "refused"; error: ApiError } | null;

const AUTO = "";

function readsFolders(c: ImportChoice): boolean {
  return c.inputs.includes("folder");
}

/** A format that reads only a dataset folder: its upload must be a zip of the folder. */
function needsZip(c: ImportChoice): boolean {
  return readsFolders(c) && !c.inputs.includes("file");
}

export function ImportPanel({ projectId, imports, canImport, onImported }: Props) {
  const fileId = useId();
  const formatId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState(AUTO);
  const [errors, setErrors] = useState<ErrorMode>("fail");
  const [phase, setPhase] = useState<UploadPhase | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const chosen = imports.find((c) => c.name === format) ?? null;
  const zipOnly = imports.filter(needsZip).map((c) => c.name);
  const busy = phase !== null;

  const start = async () => {
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    setOutcome(null);
    try {
      const result = await uploadImport({
        projectId,
        file,
        query: { format: format === AUTO ? null : format, errors },
        onProgress: setPhase,
        signal: controller.signal,
      });
      setOutcome({ kind: "done", result, fileName: file.name });
      onImported?.(result);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, { error: "client", message: String(e) });
      setOutcome({ kind: "refused", error });
    } finally {
      abort.current = null;
      setPhase(null);
    }
  };

  return (
    <section className="card transfer-card" aria-labelledby="import-title">
      <h2 id="import-title" className="transfer-title">Import</h2>
      {!canImport && (
        <div className="banner banner-info" role="status">
          Importing needs the owner role in this project.
        </div>
      )}
      <div className="field">
        <label className="field-label" htmlFor={fileId}>
          File
        </label>
        <input
          id={fileId}
          className="input input-file"
          type="file"
          disabled={busy || !canImport}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setOutcome(null);
          }}
        />
        <p className="hint">
          One file, or a .zip of a dataset folder with its images
          {zipOnly.length > 0 && <> (the only way for {zipOnly.join(", ")})</>}.
        </p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={formatId}>
          Format
        </label>
        <select id={formatId} className="input" value={format} disabled={busy || !canImport} onChange={(e) => setFormat(e.target.value)}>
          <option value={AUTO}>Detect automatically</option>
          {imports.map((c) => (
            <option key={c.name} value={c.name}>
              {c.title} ({c.name}){needsZip(c) ? " — zip of a folder" : ""}
            </option>
          ))}
        </select>
        <p className="hint">
          {chosen
            ? needsZip(chosen)
              ? `${chosen.name} reads a dataset folder: upload it as a .zip.`
              : `Read the file as ${chosen.name}.`
            : "Every format that reads this project's modality looks at the file; the report says which one read it and why."}
        </p>
      </div>
      <fieldset className="field">
        <legend className="field-label">If a record is bad</legend>
        <label className="check">
          <input type="radio" name="import-errors" value="fail" checked={errors === "fail"} disabled={busy} onChange={() => setErrors("fail")} />
          Fail: import nothing, list every problem
        </label>
        <label className="check">
          <input type="radio" name="import-errors" value="collect" checked={errors === "collect"} disabled={busy} onChange={() => setErrors("collect")} />
          Collect: import the good records, list the bad ones
        </label>
      </fieldset>
      <div className="transfer-actions">
        <button type="button" className="btn btn-primary" disabled={!file || busy || !canImport} onClick={() => void start()}>
          Import
        </button>
        {phase?.phase === "sending" && (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
      {phase && <UploadBar phase={phase} />}
      {outcome?.kind === "done" && <ImportReport result={outcome.result} fileName={outcome.fileName} />}
      {outcome?.kind === "refused" && <ImportRefusal error={outcome.error} />}
    </section>
  );
}

function UploadBar({ phase }: { phase: UploadPhase }) {
  const sending = phase.phase === "sending";
  const pct = sending ? percentSent(phase.loaded, phase.total) : 100;
  return (
    <div className="upload-bar progress-wrap">
      <div
        className={`progress${sending ? "" : " progress-busy"}`}
        role="progressbar"
        aria-label="Upload"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">
        {sending ? (
          `${formatBytes(phase.loaded)} of ${formatBytes(phase.total)} (${pct}%)`
        ) : (
          <>
            <span className="spinner" /> Uploaded; the server is reading the file…
          </>
        )}
      </span>
    </div>
  );
}
