import { useState } from 'preact/hooks';
import { ApiError, client, ok } from '../api';
import { Alert } from '../ui/alert';
import { announce } from '../ui/announce';
import { Field, type FieldSpec } from '../ui/fields';
import { splitErrors } from '../ui/form-dialog';

const FIELDS: FieldSpec[] = [
  {
    kind: 'password',
    name: 'current_password',
    label: 'Current Password',
    required: true,
    autocomplete: 'current-password',
  },
  {
    kind: 'password',
    name: 'new_password',
    label: 'New Password',
    required: true,
    autocomplete: 'new-password',
    hint: 'At least 8 characters; not a common password, not your username.',
  },
];
const EMPTY = { current_password: '', new_password: '' };

/**
 * The form "Change Password" (SPEC §16). A wrong current password is said
 * beside its field; the other sessions end, this one stays.
 */
export function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setAlert(undefined);
    setErrors({});
    try {
      await ok(client.PUT('/api/me/password', { body: values }));
      setValues(EMPTY);
      onChanged();
      announce('Password changed. Your other sessions were signed out.');
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.problem.code === 'reauthentication_failed'
      ) {
        setErrors({ current_password: 'Current Password is not right.' });
      } else {
        const { fieldErrors, rest } = splitErrors(error, FIELDS);
        setErrors(fieldErrors);
        setAlert(rest);
      }
    }
    setBusy(false);
  };

  return (
    <form
      class="panel form"
      aria-labelledby="change-password"
      onSubmit={(e) => void submit(e)}
      aria-busy={busy}
    >
      <h2 id="change-password">Change Password</h2>
      {FIELDS.map((spec) => (
        <Field
          key={spec.name}
          spec={spec}
          value={values[spec.name as keyof typeof EMPTY]}
          error={errors[spec.name]}
          onChange={(value) => {
            setValues((old) => ({ ...old, [spec.name]: value as string }));
            setErrors(({ [spec.name]: _gone, ...rest }) => rest);
          }}
        />
      ))}
      <Alert message={alert} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Change Password
        </button>
      </div>
    </form>
  );
}
