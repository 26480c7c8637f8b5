import { client, ok, type Schemas } from '../api';
import { FormDialog } from '../ui/form-dialog';
import { newPasskey, passkeyTrouble } from '../webauthn';

/** "Add Passkey": a name, then the browser's own prompt (SPEC §18). */
export function PasskeyAdd(props: {
  onAdded: (passkey: Schemas['Passkey']) => void;
  onClose: () => void;
}) {
  return (
    <FormDialog
      title="Add Passkey"
      fields={[
        {
          kind: 'text',
          name: 'name',
          label: 'Passkey Name',
          required: true,
          hint: 'To tell your passkeys apart, e.g. "Work laptop".',
        },
      ]}
      initial={{ name: '' }}
      submitLabel="Register"
      onClose={props.onClose}
      onSubmit={async (values) => {
        const options = await ok(client.POST('/api/me/passkeys/options'));
        let response;
        try {
          response = await newPasskey(options);
        } catch (error) {
          throw new Error(passkeyTrouble(error) ?? String(error));
        }
        const name = values.name as string;
        const body = { name, response };
        props.onAdded(await ok(client.POST('/api/me/passkeys', { body })));
      }}
    />
  );
}
