import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Alert, messageOf } from './alert';
import { Dialog } from './dialog';
import { Field, type FieldSpec, type Value, type Values } from './fields';
import { fieldMessage } from './field-message';

interface Props {
  title: string;
  fields: FieldSpec[];
  initial: Values;
  submitLabel: string;
  onSubmit: (values: Values) => Promise<void>;
  onClose: () => void;
}

/** Add and Edit: the fields, the API's refusals next to them, one submit button. */
export function FormDialog(props: Props) {
  const { title, fields, initial, submitLabel, onSubmit, onClose } = props;
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setAlert(undefined);
    setErrors({});
    try {
      await onSubmit(values);
    } catch (error) {
      const { fieldErrors, rest } = splitErrors(error, fields);
      setErrors(fieldErrors);
      setAlert(rest);
      setBusy(false);
    }
  };
  // A field's error goes as soon as the field changes (SPEC §21).
  const set = (name: string) => (value: Value) => {
    setValues((old) => ({ ...old, [name]: value }));
    setErrors(({ [name]: _gone, ...rest }) => rest);
  };

  return (
    <Dialog title={title} onClose={onClose} wide>
      <form class="form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        {fields.map((spec) => (
          <Field
            key={spec.name}
            spec={spec}
            value={values[spec.name]}
            error={errors[spec.name]}
            onChange={set(spec.name)}
          />
        ))}
        <Alert message={alert} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** validation_failed errors on fields of this form go beside them, in words; the rest is one alert. */
export function splitErrors(error: unknown, fields: FieldSpec[]) {
  const fieldErrors: Record<string, string> = {};
  const labels = new Map(fields.map((spec) => [spec.name, spec.label]));
  const problem = error instanceof ApiError ? error.problem : undefined;
  let unplaced = !problem?.errors?.length;
  for (const { field, message } of problem?.errors ?? []) {
    const name = field.split('.')[0];
    const label = labels.get(name);
    if (label === undefined) {
      unplaced = true;
      continue;
    }
    const text = fieldMessage(name, label, message);
    fieldErrors[name] = fieldErrors[name]
      ? `${fieldErrors[name]}; ${text}`
      : text;
  }
  return { fieldErrors, rest: unplaced ? messageOf(error) : undefined };
}
