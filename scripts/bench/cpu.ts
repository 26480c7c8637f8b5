import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** CPU time a process has used so far, in nanoseconds, from two sources. */
export interface CpuSample {
  /** Sum over the process's threads of /proc/<pid>/task/<tid>/schedstat (ns on CPU); null when unavailable. */
  schedNs: number | null;
  /** utime + stime of /proc/<pid>/stat (every thread, exited ones too), in clock ticks converted to ns. */
  statNs: number;
  /** The stime part: the kernel's work for the process (sockets, syscalls). */
  systemNs: number;
}

export interface CpuDelta {
  /** The finer source when available (schedstat), else stat. */
  ns: number;
  source: 'schedstat' | 'stat';
  schedNs: number | null;
  statNs: number;
  /** The kernel's share in stat's figure (ticks). */
  systemNs: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`), usually 100. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const value = Number(
        execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
      );
      clockTicks = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function statTimes(pid: number): { statNs: number; systemNs: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its ')'.
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  // Fields 14 and 15 (utime, stime); fields[0] is field 3 (state).
  const ns = (ticks: number) => (ticks * 1e9) / clockTicksPerSecond();
  const system = Number(fields[12]);
  return { statNs: ns(Number(fields[11]) + system), systemNs: ns(system) };
}

function schedNs(pid: number): number | null {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
        total += Number(text.split(' ', 1)[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return total;
  } catch {
    return null;
  }
}

export function sampleCpu(pid: number): CpuSample {
  return { schedNs: schedNs(pid), ...statTimes(pid) };
}

/**
 * The CPU used between two samples. schedstat has nanosecond resolution but
 * misses threads that ended in between; stat counts them but only in ticks.
 * When the two disagree by more than three ticks and 5 %, stat is trusted.
 */
export function cpuBetween(before: CpuSample, after: CpuSample): CpuDelta {
  const stat = after.statNs - before.statNs;
  const sched =
    before.schedNs === null || after.schedNs === null
      ? null
      : after.schedNs - before.schedNs;
  const systemNs = after.systemNs - before.systemNs;
  const tick = 1e9 / clockTicksPerSecond();
  const agrees =
    sched !== null &&
    sched >= 0 &&
    Math.abs(sched - stat) <= Math.max(3 * tick, 0.05 * stat);
  return agrees
    ? { ns: sched, source: 'schedstat', schedNs: sched, statNs: stat, systemNs }
    : { ns: stat, source: 'stat', schedNs: sched, statNs: stat, systemNs };
}
