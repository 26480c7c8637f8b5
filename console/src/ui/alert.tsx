import { ApiError } from '../api';

/** A refusal or failure, read out at once (role alert). */
export function Alert({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p class="alert" role="alert">
      {message}
    </p>
  );
}

export const messageOf = (error: unknown): string =>
  error instanceof ApiError
    ? error.problem.detail
    : error instanceof Error
      ? error.message
      : String(error);

export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      {what}
    </p>
  );
}
