/**
 * A format's export options as a form, generated from its options schema (see
 * domain/exportOptions): enums as selects, booleans as checkboxes, numbers and strings as
 * inputs, each schema description as help text. Each option's key is shown beside its
 * label: it is the query parameter of the API and the `--option KEY=VALUE` of the CLI.
 */
import { useId } from "react";
import type { OptionField, OptionValues } from "../../domain/exportOptions";

interface Props {
  fields: readonly OptionField[];
  values: OptionValues;
  errors: Readonly<Record<string, string>>;
  onChange: (name: string, value: string | boolean) => void;
}

export function OptionsForm({ fields, values, errors, onChange }: Props) {
  if (fields.length === 0) return <p className="muted">This format has no options.</p>;
  return (
    <div className="options-form">
      {fields.map((f) => (
        <OptionControl key={f.name} field={f} value={values[f.name]} error={errors[f.name] ?? null} onChange={(v) => onChange(f.name, v)} />
      ))}
    </div>
  );
}

interface ControlProps {
  field: OptionField;
  value: string | boolean | undefined;
  error: string | null;
  onChange: (v: string | boolean) => void;
}

function OptionControl({ field, value, error, onChange }: ControlProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const describedBy = [field.help ? helpId : "", error ? errId : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-describedby": describedBy,
    "aria-invalid": error ? true : undefined,
    "aria-required": field.required || undefined,
  };
  const key = <code className="option-key">{field.name}</code>;
  const help = field.help && (
    <p className="hint" id={helpId}>
      {field.help}
    </p>
  );
  const problem = error && (
    <p className="field-error" id={errId} role="alert">
      {error}
    </p>
  );
  const text = typeof value === "string" ? value : "";

  if (field.kind === "bool") {
    return (
      <div className="field">
        <label className="check">
          <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} {...common} />
          {field.label}
        </label>
        {key}
        {help}
      </div>
    );
  }

  let control: React.ReactNode;
  switch (field.kind) {
    case "enum":
      control = (
        <select className="input" value={text} onChange={(e) => onChange(e.target.value)} {...common}>
          {(field.nullable || field.default === null) && <option value="">—</option>}
          {field.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    case "number":
      control = (
        <input
          className="input"
          type="number"
          inputMode={field.integer ? "numeric" : "decimal"}
          step={field.integer ? 1 : "any"}
          min={field.min ?? undefined}
          max={field.max ?? undefined}
          placeholder={field.default === null ? "none" : String(field.default)}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      );
      break;
    case "text":
      control = (
        <input
          className="input"
          type="text"
          placeholder={field.default ? field.default : "none"}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      );
      break;
    case "unsupported":
      // a list or an object: no control fits, so it is left at its default (never sent)
      control = (
        <p className="muted" id={id}>
          Left at its default ({JSON.stringify(field.default) ?? "none"}); set it through the API.
        </p>
      );
      break;
  }
  return (
    <div className="field">
      <div className="field-label-row">
        <label className="field-label" htmlFor={id}>
          {field.label}
        </label>
        {field.required && (
          <span className="req" aria-hidden="true" title="required">
            *
          </span>
        )}
        {key}
      </div>
      {control}
      {help}
      {problem}
    </div>
  );
}
