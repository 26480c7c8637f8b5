import { client, ok } from '../api';
import { refusalOf } from '../sign-in';
import { passkeyAnswer } from '../webauthn';
import { Dialog } from './dialog';
import { SecondFactor } from './second-factor';

interface Props {
  methods: string[];
  onDone: (steppedUp: boolean) => void;
}

/**
 * A refused act that needs a recent second factor (403 step_up_required)
 * asks for one here; the act is then sent again (api.ts), SPEC §18. A
 * person who has none yet is told where to set one up.
 */
export function StepUpDialog({ methods, onDone }: Props) {
  const cancel = () => onDone(false);
  return (
    <Dialog title="Confirm It’s You" onClose={cancel}>
      {methods.length === 0 ? (
        <p>
          This needs two-factor authentication, which your account does not have
          yet: set it up under My Account first.
        </p>
      ) : (
        <>
          <p>This needs a second factor, given within the last minutes.</p>
          <SecondFactor
            methods={methods}
            refusal={refusalOf}
            onCode={async (code) => {
              await ok(
                client.POST('/api/sessions/current/step-up', {
                  body: { code },
                }),
              );
              onDone(true);
            }}
            onPasskey={async () => {
              const options = await ok(
                client.POST('/api/sessions/current/step-up/options'),
              );
              const passkey = await passkeyAnswer(options);
              await ok(
                client.POST('/api/sessions/current/step-up', {
                  body: { passkey },
                }),
              );
              onDone(true);
            }}
          />
        </>
      )}
      <div class="actions">
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
