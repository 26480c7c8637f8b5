import { execFile } from 'node:child_process';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** The child's whole environment beside PATH: nothing else is inherited. */
  env?: Record<string, string>;
  /** Standard input; closed after it (empty when absent). */
  input?: string;
  timeoutMs?: number;
}

/** The built CLI (`bin`) as a child process: exit code and both outputs. */
export function runCli(
  bin: string,
  args: string[],
  options: CliOptions,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? '', ...options.env },
        timeout: options.timeoutMs,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? null) : 0,
          stdout,
          stderr,
        }),
    );
    child.stdin?.end(options.input ?? '');
  });
}
