/**
 * Export: the formats that fit the project (those that would lose some of its kinds behind
 * "show all", each with what it loses), the chosen format's options as a form generated
 * from its schema, and a download link carrying them.
 */
import { useMemo, useState } from "react";
import { exportHref, type ExportChoice } from "../../api/transfer";
import {
  defaultChoice,
  initialValues,
  listKinds,
  lossWarning,
  optionErrors,
  optionFields,
  optionQuery,
  splitByLoss,
} from "../../domain/exportOptions";
import { OptionsForm } from "./OptionsForm";

interface Props {
  projectId: number;
  exports: readonly ExportChoice[];
  canExport: boolean;
}

export function ExportPanel({ projectId, exports, canExport }: Props) {
  const { fitting, lossy } = useMemo(() => splitByLoss(exports), [exports]);
  const [chosen, setChosen] = useState<string | null>(() => defaultChoice(exports)?.name ?? null);
  const [showAll, setShowAll] = useState(false);
  const choice = exports.find((c) => c.name === chosen) ?? null;
  const fields = useMemo(() => optionFields(choice?.options_schema), [choice]);
  // each format keeps its own values while the user compares formats
  const [valuesByFormat, setValuesByFormat] = useState<Record<string, Record<string, string | boolean>>>({});
  const values = (choice && valuesByFormat[choice.name]) ?? initialValues(fields);
  const errors = optionErrors(fields, values);
  const valid = Object.keys(errors).length === 0;
  const href = choice ? exportHref(projectId, choice.name, optionQuery(fields, values)) : null;
  const chosenLoses = choice !== null && choice.lost_kinds.length > 0;
  // lossy formats stay listed while one is chosen, and when nothing else fits
  const expanded = showAll || fitting.length === 0 || chosenLoses;
  const shown = expanded ? [...fitting, ...lossy] : fitting;
  const toggle = () => {
    if (!expanded) return setShowAll(true);
    setShowAll(false);
    if (chosenLoses && fitting[0]) setChosen(fitting[0].name);
  };

  const setValue = (name: string, value: string | boolean) => {
    if (!choice) return;
    setValuesByFormat((prev) => ({ ...prev, [choice.name]: { ...values, [name]: value } }));
  };

  return (
    <section className="card transfer-card" aria-labelledby="export-title">
      <h2 id="export-title" className="transfer-title">Export</h2>
      {!canExport && (
        <div className="banner banner-info" role="status">
          Exporting needs the reviewer role or higher in this project.
        </div>
      )}
      {exports.length === 0 ? (
        <p className="muted">No registered format writes this project's modality.</p>
      ) : (
        <>
          <fieldset className="field format-list">
            <legend className="field-label">Format</legend>
            {shown.map((c) => (
              <label key={c.name} className={`format-option${c.name === chosen ? " selected" : ""}`}>
                <input type="radio" name="export-format" value={c.name} checked={c.name === chosen} onChange={() => setChosen(c.name)} />
                <span className="format-text">
                  <span className="format-title" title={c.title}>{c.title}</span>
                  <span className="format-meta">
                    <code>{c.name}</code> · {c.extension}
                  </span>
                </span>
                {c.lost_kinds.length === 0 ? (
                  <span className="pill pill-ok">carries everything</span>
                ) : (
                  <span className="pill pill-loss" title={lossWarning(c) ?? undefined}>
                    ⚠ loses {listKinds(c.lost_kinds)}
                  </span>
                )}
              </label>
            ))}
            {lossy.length > 0 && fitting.length > 0 && (
              <button type="button" className="btn btn-sm btn-ghost" aria-expanded={expanded} onClick={toggle}>
                {expanded
                  ? "Show only the formats that carry everything"
                  : `Show all: ${lossy.length} more that would leave some kinds out`}
              </button>
            )}
          </fieldset>
          {choice && chosenLoses && (
            <div className="banner banner-warn" role="alert">
              <b>Some labels will not be exported.</b> {lossWarning(choice)}
            </div>
          )}
          {choice && (
            <>
              <h3 className="panel-title">{choice.name} options</h3>
              <OptionsForm fields={fields} values={values} errors={errors} onChange={setValue} />
              <div className="transfer-actions">
                {valid && canExport && href ? (
                  <a className="btn btn-primary" href={href} download>
                    Download {choice.extension}
                  </a>
                ) : (
                  <button type="button" className="btn btn-primary" disabled>
                    Download {choice.extension}
                  </button>
                )}
                {!valid && <span className="field-error">Fix the options above first.</span>}
              </div>
              {href && valid && (
                <p className="hint">
                  The same export for scripts: <code className="request">GET {href}</code>
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
