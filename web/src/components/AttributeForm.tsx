/**
 * A form generated from the ontology's attribute definitions: enum (select), multi-enum
 * (checkboxes), bool, int/float with unit and range, text, date. Problems show inline under
 * each field as the user types.
 */
import { useEffect, useId, useState } from "react";
import { isQuantity, type AttributeValue } from "../domain/annotation";
import { attributeError, type AttributeDef } from "../domain/ontology";

interface Props {
  defs: readonly AttributeDef[];
  values: Readonly<Record<string, AttributeValue>>;
  onChange: (name: string, value: AttributeValue | undefined) => void;
  serverErrors?: Readonly<Record<string, string>>;
}

export function AttributeForm({ defs, values, onChange, serverErrors = {} }: Props) {
  if (defs.length === 0) return <p className="muted">No attributes for this class.</p>;
  return (
    <div className="attr-form">
      {defs.map((d) => (
        <AttributeField
          key={d.name}
          def={d}
          value={values[d.name]}
          onChange={(v) => onChange(d.name, v)}
          serverError={serverErrors[d.name]}
        />
      ))}
    </div>
  );
}

function rangeHint(d: AttributeDef): string | null {
  const unit = d.unit && !d.units ? ` ${d.unit}` : "";
  if (d.min !== null && d.max !== null) return `${d.min}–${d.max}${unit}`;
  if (d.min !== null) return `≥ ${d.min}${unit}`;
  if (d.max !== null) return `≤ ${d.max}${unit}`;
  return d.units ? null : d.unit;
}

interface FieldProps {
  def: AttributeDef;
  value: AttributeValue | undefined;
  onChange: (v: AttributeValue | undefined) => void;
  serverError?: string;
}

function AttributeField({ def, value, onChange, serverError }: FieldProps) {
  const id = useId();
  const errId = `${id}-err`;
  // a number being typed ("-", "1.") is kept here until it parses
  const [draft, setDraft] = useState<string | null>(null);
  useEffect(() => setDraft(null), [value]);
  const localError = draft !== null && draft.trim() !== "" && !Number.isFinite(Number(draft)) ? "Must be a number" : null;
  const error = localError ?? attributeError(def, value) ?? serverError ?? null;
  // the star sits outside the <label> so the control's name is exactly the attribute's
  const star = def.required ? <span className="req" aria-hidden="true" title="required">*</span> : null;
  const label = def.name;
  const described = {
    "aria-required": def.required || undefined,
    ...(error ? { "aria-describedby": errId, "aria-invalid": true } : {}),
  };
  let control: React.ReactNode;

  switch (def.type) {
    case "enum":
      control = (
        <select
          id={id}
          className="input"
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value || undefined)}
          {...described}
        >
          <option value="">—</option>
          {def.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    case "multi_enum": {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset className="field" {...described}>
          <legend className="field-label">
            {label} {star}
          </legend>
          <div className="checks">
            {def.values.map((v) => (
              <label key={v} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(v)}
                  onChange={(e) => {
                    const next = e.target.checked ? [...chosen, v] : chosen.filter((x) => x !== v);
                    onChange(next.length ? def.values.filter((x) => next.includes(x)) : undefined);
                  }}
                />
                {v}
              </label>
            ))}
          </div>
          {error && <p className="field-error" id={errId} role="alert">{error}</p>}
        </fieldset>
      );
    }
    case "bool":
      return (
        <div className="field">
          <label className="check">
            <input
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(e.target.checked)}
              {...described}
            />
            {label}
          </label>
          {star}
          {error && <p className="field-error" id={errId} role="alert">{error}</p>}
        </div>
      );
    case "int":
    case "float": {
      const hint = rangeHint(def);
      const units = def.units;
      const q = isQuantity(value) ? value : null;
      const unitNow = q?.unit ?? def.unit ?? units?.[0] ?? "";
      const numberNow = units ? q?.value : typeof value === "number" ? value : undefined;
      const emit = (n: number | undefined, unit: string) => {
        if (n === undefined) onChange(undefined);
        else onChange(units ? { value: n, unit } : n);
      };
      control = (
        <div className="with-unit">
          <input
            id={id}
            className="input"
            type="number"
            inputMode={def.type === "int" ? "numeric" : "decimal"}
            step={def.type === "int" ? 1 : "any"}
            min={def.min ?? undefined}
            max={def.max ?? undefined}
            aria-describedby={[hint ? `${id}-hint` : "", error ? errId : ""].filter(Boolean).join(" ") || undefined}
            aria-invalid={error ? true : undefined}
            aria-required={def.required || undefined}
            value={draft ?? (numberNow !== undefined ? String(numberNow) : "")}
            onChange={(e) => {
              const text = e.target.value;
              setDraft(text);
              if (text.trim() === "") emit(undefined, unitNow);
              else if (Number.isFinite(Number(text))) emit(Number(text), unitNow);
            }}
          />
          {units ? (
            <select
              className="input unit-select"
              aria-label={`${def.name} unit`}
              value={unitNow}
              onChange={(e) => emit(q?.value, e.target.value)}
            >
              {units.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
          ) : (
            def.unit && <span className="unit">{def.unit}</span>
          )}
        </div>
      );
      return (
        <div className="field">
          <div className="field-label-row">
            <label className="field-label" htmlFor={id}>
              {label}
            </label>
            {star}
            {hint && <span className="hint" id={`${id}-hint`}>({hint})</span>}
          </div>
          {control}
          {error && <p className="field-error" id={errId} role="alert">{error}</p>}
        </div>
      );
    }
    case "date":
      control = (
        <input
          id={id}
          className="input"
          type="date"
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value || undefined)}
          {...described}
        />
      );
      break;
    case "text":
      control = (
        <input
          id={id}
          className="input"
          type="text"
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value || undefined)}
          {...described}
        />
      );
      break;
  }
  return (
    <div className="field">
      <div className="field-label-row">
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        {star}
      </div>
      {control}
      {def.description && <p className="hint">{def.description}</p>}
      {error && <p className="field-error" id={errId} role="alert">{error}</p>}
    </div>
  );
}
