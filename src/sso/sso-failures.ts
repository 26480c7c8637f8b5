import { errors } from 'openid-client';
import type { SsoFailureReason } from '../http/app-error';

/** The detail of each `401 sso_failed`: what a person (or an operator) can do about it. */
export const FAILURE_DETAILS: Record<SsoFailureReason, string> = {
  state_mismatch:
    'The sign-in could not be matched to this browser (it expired, was already used, or came from elsewhere). Start again.',
  token_invalid: "The identity provider's ID token did not pass validation.",
  no_username: 'The identity provider did not say who signed in (no username).',
  provider_error: 'The identity provider refused or failed the sign-in.',
  unavailable:
    'Single sign-on with the identity provider is not available now.',
  untrusted_proxy:
    'Sign-in headers are accepted only from a trusted proxy; this request did not come from one.',
  account_conflict:
    'This username belongs to an account that signs in another way (a password, or the other single sign-on); an administrator must delete it before this sign-in can create it anew.',
};

/**
 * What went wrong in the code exchange, as a reason. openid-client throws
 * OPError for what the provider answered (an error redirect such as
 * access_denied, a refused code) and RPError for what it refused itself (the
 * ID token's signature, iss, aud, exp, nonce; UserInfo for another subject),
 * except that a request that timed out is an RPError too. Anything else is a
 * network failure on the way to the provider.
 */
export function failureOf(error: unknown): SsoFailureReason {
  if (error instanceof errors.RPError) {
    return /timed out/.test(error.message) ? 'provider_error' : 'token_invalid';
  }
  return 'provider_error';
}
