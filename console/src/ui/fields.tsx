import { useId } from 'preact/hooks';
import type { PrivilegeInfo } from '../context';
import { PrivilegePicker } from './privilege-picker';

export interface Option {
  value: string;
  label: string;
}

export type FieldSpec =
  | {
      kind: 'text' | 'password' | 'textarea' | 'number' | 'date';
      name: string;
      label: string;
      required?: boolean;
      hint?: string;
      min?: number;
      max?: number;
      autocomplete?: string;
    }
  | { kind: 'checkbox'; name: string; label: string }
  | {
      kind: 'select';
      name: string;
      label: string;
      /** A first option of value '' ("Any"), when there is one. */
      none?: string;
      options: Option[];
    }
  | {
      kind: 'privileges';
      name: string;
      label: string;
      catalog: PrivilegeInfo[];
    }
  | {
      kind: 'checks';
      name: string;
      label: string;
      options: Option[];
      /** Said when there is nothing to choose from. */
      empty: string;
      hint?: string;
    };

export type Value = string | boolean | string[];
export type Values = Record<string, Value>;

interface Props {
  spec: FieldSpec;
  value: Value;
  error?: string;
  onChange: (value: Value) => void;
}

/**
 * One form control with its label. A server-side field error marks it
 * aria-invalid and becomes its description (aria-describedby), SPEC §10.
 */
export function Field({ spec, value, error, onChange }: Props) {
  const id = useId();
  const hint = 'hint' in spec ? spec.hint : undefined;
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const invalid = error ? ('true' as const) : undefined;
  const notes = (
    <>
      {hint && !error && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
    </>
  );

  if (spec.kind === 'checkbox') {
    return (
      <div class="field check">
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          aria-invalid={invalid}
          aria-describedby={described}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
        <label for={id}>{spec.label}</label>
        {notes}
      </div>
    );
  }
  if (spec.kind === 'privileges') {
    return (
      <>
        <PrivilegePicker
          label={spec.label}
          catalog={spec.catalog}
          chosen={value as string[]}
          onChange={onChange}
          invalid={invalid}
          describedBy={described}
        />
        {error && (
          <p id={`${id}-error`} class="field-error">
            {error}
          </p>
        )}
      </>
    );
  }
  if (spec.kind === 'checks') {
    const chosen = value as string[];
    const toggle = (option: string, on: boolean) =>
      onChange(
        on ? [...chosen, option] : chosen.filter((item) => item !== option),
      );
    return (
      <fieldset
        class="field checks"
        aria-invalid={invalid}
        aria-describedby={described}
      >
        <legend>{spec.label}</legend>
        {spec.options.length === 0 && <p class="hint">{spec.empty}</p>}
        <div class="check-grid">
          {spec.options.map((option) => (
            <label key={option.value} class="check">
              <input
                type="checkbox"
                checked={chosen.includes(option.value)}
                onChange={(e) => toggle(option.value, e.currentTarget.checked)}
              />
              {option.label}
            </label>
          ))}
        </div>
        {notes}
      </fieldset>
    );
  }
  if (spec.kind === 'select') {
    return (
      <div class="field">
        <label for={id}>{spec.label}</label>
        <select
          id={id}
          name={spec.name}
          value={value as string}
          aria-describedby={described}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          {spec.none !== undefined && <option value="">{spec.none}</option>}
          {spec.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {notes}
      </div>
    );
  }
  const common = {
    id,
    name: spec.name,
    value: value as string,
    required: spec.required,
    'aria-invalid': invalid,
    'aria-describedby': described,
    onInput: (e: Event) =>
      onChange((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{spec.label}</label>
      {spec.kind === 'textarea' ? (
        <textarea rows={3} {...common} />
      ) : (
        <input
          type={spec.kind}
          min={spec.min}
          max={spec.max}
          step={spec.kind === 'number' ? 1 : undefined}
          autocomplete={spec.autocomplete ?? 'off'}
          {...common}
        />
      )}
      {notes}
    </div>
  );
}
