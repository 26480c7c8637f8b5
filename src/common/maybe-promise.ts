export type MaybePromise<T> = T | Promise<T>;

/**
 * `next(value)`, now when the value is at hand, later when it is a promise. The
 * authentication path stays synchronous on a cache hit this way: no promise is
 * allocated or awaited for the common case of a known credential.
 */
export function andThen<T, R>(
  value: MaybePromise<T>,
  next: (value: T) => R,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
