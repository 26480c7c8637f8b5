import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where callgrind writes its dumps and vgdb its FIFOs: inside the bench's temporary directory. */
export interface CallgrindFiles {
  /** `<dir>/callgrind.out`; callgrind appends `.<pid>.<part>-<thread>`. */
  outPrefix: string;
  vgdbPrefix: string;
}

export function callgrindFiles(dir: string): CallgrindFiles {
  return {
    outPrefix: join(dir, 'callgrind.out'),
    vgdbPrefix: join(dir, 'vgdb-pipe'),
  };
}

/**
 * `valgrind` and its options, to run node under: instruction counts only, no
 * instrumentation until switched on, self-modifying-code checks for V8's JIT
 * (code written to anonymous memory must be re-translated), and one dump file
 * per thread, so the main thread can be told from V8's background compiler.
 */
export function callgrindCommand(files: CallgrindFiles): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--instr-atstart=no',
    '--smc-check=all-non-file',
    '--separate-threads=yes',
    `--callgrind-out-file=${files.outPrefix}.%p`,
    `--vgdb-prefix=${files.vgdbPrefix}`,
    // Per-function totals are enough: smaller dumps, written faster.
    '--dump-line=no',
    '--dump-instr=no',
  ];
}

/** One thread's part of a dump: instructions since the previous dump, in all and per function (self cost). */
export interface ThreadCosts {
  file: string;
  thread: number;
  total: number;
  byFunction: Map<string, number>;
}

/** One dump: the instructions each thread executed since the previous dump. */
export interface Dump {
  threads: ThreadCosts[];
  /** Every thread. */
  all: number;
  /** Thread 1: the event loop (JavaScript, and the GC with --single-threaded-gc). */
  main: number;
}

const NAME = /^\((\d+)\)(?: (.*))?$/;

/**
 * Parses a callgrind dump (one event, Ir). A function's self cost is the sum of
 * its cost lines; the line after `calls=` is the callee's inclusive cost and is
 * not counted. Names are compressed: `(id) name` once, then `(id)`.
 */
export function readDump(file: string): ThreadCosts {
  const names = new Map<string, string>();
  const byFunction = new Map<string, number>();
  const name = (spec: string) => {
    const match = NAME.exec(spec);
    if (!match) return spec;
    if (match[2] !== undefined) names.set(match[1], match[2]);
    return names.get(match[1]) ?? spec;
  };
  let current = '';
  let callCost = false;
  let total = NaN;
  let thread = 1;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const first = line.charCodeAt(0);
    const isCost =
      (first >= 48 && first <= 57) || line[0] === '+' || line[0] === '-';
    if (isCost || line[0] === '*') {
      if (callCost) {
        callCost = false;
        continue;
      }
      const space = line.lastIndexOf(' ');
      if (space < 0) continue;
      const cost = Number(line.slice(space + 1));
      byFunction.set(current, (byFunction.get(current) ?? 0) + cost);
    } else if (line.startsWith('fn=')) {
      current = name(line.slice(3));
    } else if (line.startsWith('cfn=')) {
      name(line.slice(4));
    } else if (line.startsWith('calls=')) {
      callCost = true;
    } else if (line.startsWith('totals:')) {
      total = Number(line.slice(7));
    } else if (line.startsWith('thread:')) {
      thread = Number(line.slice(7));
    }
  }
  if (!Number.isFinite(total)) throw new Error(`${file}: no totals line`);
  return { file, thread, total, byFunction };
}

/** Drives a process running under callgrind through `callgrind_control` (vgdb). */
export class CallgrindControl {
  private dumps = 0;

  /**
   * `env`: the traced process's environment. vgdb names its FIFOs after USER
   * and HOST, so callgrind_control must see the same values to find them.
   */
  constructor(
    readonly pid: number,
    private readonly files: CallgrindFiles,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private async control(...args: string[]): Promise<void> {
    const { stdout, stderr } = await run(
      'callgrind_control',
      [`--vgdb-prefix=${this.files.vgdbPrefix}`, ...args, String(this.pid)],
      { timeout: 120_000, env: this.env },
    );
    // It prints "OK." even when vgdb failed; vgdb's own complaints go to stderr.
    if (!stdout.includes('OK') || /error|failed|cannot/i.test(stderr)) {
      throw new Error(
        `callgrind_control ${args.join(' ')}: ${`${stdout}\n${stderr}`.trim()}`,
      );
    }
  }

  /** Switches instrumentation on or off; while off, nothing is counted (and node runs faster). */
  instrumentation(on: boolean): Promise<void> {
    return this.control(`--instr=${on ? 'on' : 'off'}`);
  }

  /** Writes the counts so far, one file per thread, and zeroes them. */
  async dump(): Promise<Dump> {
    await this.control('--dump');
    this.dumps++;
    const dir = dirname(this.files.outPrefix);
    const prefix = `${basename(this.files.outPrefix)}.${this.pid}.${this.dumps}-`;
    const threads = readdirSync(dir)
      .filter((name) => name.startsWith(prefix))
      .map((name) => readDump(join(dir, name)))
      .sort((a, b) => a.thread - b.thread);
    const main = threads.find((t) => t.thread === 1);
    if (!main) {
      throw new Error(`callgrind dump ${prefix}01 not found in ${dir}`);
    }
    return {
      threads,
      all: threads.reduce((sum, t) => sum + t.total, 0),
      main: main.total,
    };
  }

  /** The instructions the process executes while `work` runs (instrumentation on only then). */
  async count(work: () => Promise<void>): Promise<Dump> {
    await this.instrumentation(true);
    try {
      await work();
      return await this.dump();
    } finally {
      await this.instrumentation(false);
    }
  }
}

/** Where instructions go, by function name (self cost): diagnostics, not the measure. */
export const CATEGORIES = {
  /** V8's optimizing/baseline compilers, the parser, deoptimization. */
  compile:
    /v8::internal::(compiler|maglev|baseline)::|v8::internal::(Compiler|Parser|PreParser|ParserBase|Scanner|Deoptimizer|TranslatedState|Zone)\b|CompilationJob|interpreter::Bytecode(Generator|ArrayBuilder|ArrayWriter)|Runtime_Compile/,
  /** The garbage collector: scavenges, marking, sweeping, compaction. */
  gc: /Scaveng|Marking|MarkCompact|Sweep|Evacuat|v8::internal::Heap::|GCTracer|RememberedSet|SlotSet|SizeFromMap|MigratedSlot|PointersUpdating|LiveObject|WeakObjects|GlobalHandles::|Compaction/,
  /** Code V8 generated at run time: callgrind knows no name for it. */
  jit: /^0x[0-9a-f]+/,
} as const;

export type Category = keyof typeof CATEGORIES | 'other';

/** A full (mark-compact) collection ran in the window: rare by design, worth knowing. */
export function hasMajorGc(dump: Dump): boolean {
  return dump.threads.some((thread) =>
    [...thread.byFunction.keys()].some((fn) =>
      fn.includes('MarkCompactCollector::'),
    ),
  );
}

/** The one name displayName() gives all JIT code. */
const JIT_CODE = '(JIT-compiled JavaScript)';

/** The kind of a function, by its name in a dump or as displayName() shows it. */
export function categoryOf(fn: string): Category {
  if (fn === JIT_CODE) return 'jit';
  for (const [category, pattern] of Object.entries(CATEGORIES)) {
    if (pattern.test(fn)) return category as Category;
  }
  return 'other';
}

/** A function's name as shown: JIT code has no name, so all of it is one line. */
export function displayName(fn: string): string {
  return CATEGORIES.jit.test(fn) ? JIT_CODE : fn;
}
