import {
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

/**
 * Passkeys through @simplewebauthn/browser 13: the server's options object
 * in, the authenticator's answer out, as the API expects it (SPEC §18).
 */

/**
 * The document describes WebAuthn answers as an open object (their shape is
 * WebAuthn's, not restated there), which openapi-typescript renders as a
 * record of nothing; the answer is passed through as the library made it.
 */
type OpenObject = Record<string, never>;

export async function passkeyAnswer(options: object): Promise<OpenObject> {
  const answer = await startAuthentication({
    optionsJSON: options as PublicKeyCredentialRequestOptionsJSON,
  });
  return answer as unknown as OpenObject;
}

export async function newPasskey(options: object): Promise<OpenObject> {
  const answer = await startRegistration({
    optionsJSON: options as PublicKeyCredentialCreationOptionsJSON,
  });
  return answer as unknown as OpenObject;
}

/** A browser's refusal or a cancelled prompt, in words. */
export function passkeyTrouble(error: unknown): string | undefined {
  if (error instanceof WebAuthnError || error instanceof DOMException) {
    return error.name === 'NotAllowedError' || error.name === 'AbortError'
      ? 'The passkey was not used: the browser prompt was closed or timed out.'
      : `The passkey could not be used: ${error.message}`;
  }
  return undefined;
}
