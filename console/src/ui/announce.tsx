import { useEffect, useState } from 'preact/hooks';

let listener: ((message: string) => void) | undefined;

/** Says that something succeeded ("API key "CI deploy" disabled."), SPEC §21. */
export function announce(message: string): void {
  listener?.(message);
}

/**
 * The one role=status region that reports successes. It is in the page from
 * the start, so screen readers hear each change; the same message twice is
 * emptied first, or it would not be read again.
 */
export function Announcer() {
  const [message, setMessage] = useState('');
  useEffect(() => {
    let frame = 0;
    listener = (next) => {
      setMessage('');
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setMessage(next));
    };
    return () => {
      listener = undefined;
      cancelAnimationFrame(frame);
    };
  }, []);
  return (
    <p role="status" class={message ? 'announcer shown' : 'announcer'}>
      {message}
    </p>
  );
}

/** `API key "CI deploy" disabled.` */
export const said = (noun: string, name: string, what: string) =>
  `${noun} "${name}" ${what}.`;
