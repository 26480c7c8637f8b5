import type { FunctionDelta, InstructionRow, NoiseFloor } from './instructions';
import type { RowResult, RowSpec } from './load';
import { baselines } from './rows';

export interface Target {
  name: string;
  actual: string;
  limit: string;
  pass: boolean;
  note?: string;
}

export interface Ratio {
  reqPerSec: number;
  cpuUsPerReq: number;
}

export interface BigResult {
  keysInDatabase: number;
  startupMs: number;
  /** Without the extra keys: a copy of the database as it was, served at the same time. */
  controlStartupMs: number;
  rows: RowResult[];
  controlRows: RowResult[];
  /** Per row id: this scenario's value over the control's, measured in the same rounds. */
  vsControl: Record<string, Ratio>;
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map((line) => line[i].length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]),
      )
      .join('  ');
  return [
    format(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.map(format),
  ].join('\n');
}

/** Each row against its group's baseline (rows.ts): "x base" columns. */
export function rowsTable(rows: RowResult[], specs: RowSpec[]): string {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const baseOf = baselines(specs);
  return table(
    [
      'row',
      'req/s',
      'x base',
      'p50 ms',
      'p99 ms',
      'bytes',
      'non-2xx',
      'CPU us/req',
      'CPU +/-',
      'CPU med',
      'CPU x base',
      'CPU eff',
      'sys %',
    ],
    rows.map((row) => {
      const base = byId.get(baseOf.get(row.id) ?? '1');
      return [
        `${row.extra ? 'extra' : row.id.padStart(5)}  ${row.label}`,
        fixed(row.reqPerSec, 0),
        base ? fixed(row.reqPerSec / base.reqPerSec, 2) : '',
        fixed(row.p50Ms, 2),
        fixed(row.p99Ms, 2),
        fixed(row.bytesPerResponse, 0),
        String(row.non2xx),
        fixed(row.cpuUsPerReq, 1),
        `${fixed(row.cpuSpread * 100, 0)}%`,
        fixed(row.cpuUsPerReqMedian, 1),
        base ? fixed(row.cpuUsPerReq / base.cpuUsPerReq, 2) : '',
        base ? fixed(base.cpuUsPerReq / row.cpuUsPerReq, 2) : '',
        fixed(row.systemShare * 100, 0),
      ];
    }),
  );
}

export function bigTable(big: BigResult): string {
  const control = new Map(big.controlRows.map((row) => [row.id, row]));
  return table(
    [
      'row',
      'req/s',
      'vs control',
      'p99 ms',
      'CPU us/req',
      'CPU +/-',
      'control CPU',
      'CPU vs control',
    ],
    big.rows.map((row) => [
      `${row.id.padStart(5)}  ${row.label}`,
      fixed(row.reqPerSec, 0),
      fixed(big.vsControl[row.id].reqPerSec, 2),
      fixed(row.p99Ms, 2),
      fixed(row.cpuUsPerReq, 1),
      `${fixed(row.cpuSpread * 100, 0)}%`,
      fixed(control.get(row.id)!.cpuUsPerReq, 1),
      fixed(big.vsControl[row.id].cpuUsPerReq, 2),
    ]),
  );
}

/** Each row over the row of the same id in `reference`. */
export function ratios(
  rows: RowResult[],
  reference: RowResult[],
): Record<string, Ratio> {
  const byId = new Map(reference.map((row) => [row.id, row]));
  return Object.fromEntries(
    rows.map((row) => {
      const other = byId.get(row.id)!;
      return [
        row.id,
        {
          reqPerSec: row.reqPerSec / other.reqPerSec,
          cpuUsPerReq: row.cpuUsPerReq / other.cpuUsPerReq,
        },
      ];
    }),
  );
}

/** The targets of the rows table (rows.ts), each against its group's baseline. */
function rowTargets(rows: RowResult[], specs: RowSpec[]): Target[] {
  const out: Target[] = [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const baseOf = baselines(specs);
  for (const spec of specs) {
    const row = byId.get(spec.id);
    const base = byId.get(baseOf.get(spec.id) ?? '1');
    if (!row || !base) continue;
    const note = `${spec.source ?? ''}; vs row ${base.id}`;
    if (spec.maxCpuRatio !== undefined) {
      const ratio = row.cpuUsPerReq / base.cpuUsPerReq;
      out.push({
        name: `row ${spec.id} CPU/req <= ${fixed(spec.maxCpuRatio, 2)} x base (efficiency >= ${fixed(1 / spec.maxCpuRatio, 2)})`,
        actual: `x ${fixed(ratio, 2)} (eff ${fixed(1 / ratio, 2)})`,
        limit: `<= x ${fixed(spec.maxCpuRatio, 2)}`,
        pass: ratio <= spec.maxCpuRatio,
        note,
      });
    }
    if (spec.minRateRatio !== undefined) {
      const ratio = row.reqPerSec / base.reqPerSec;
      out.push({
        name: `row ${spec.id} req/s >= ${spec.minRateRatio} x base`,
        actual: `x ${fixed(ratio, 2)}`,
        limit: `>= x ${spec.minRateRatio}`,
        pass: ratio >= spec.minRateRatio,
        note,
      });
    }
  }
  return out;
}

/** Every target: the rows table's and the 100,000 keys'. */
export function targets(
  rows: RowResult[],
  specs: RowSpec[],
  big: BigResult | null,
): Target[] {
  const out = rowTargets(rows, specs);
  if (big) {
    out.push({
      name: `start-up with ${big.keysInDatabase} keys < 5 s`,
      actual: `${fixed(big.startupMs, 0)} ms`,
      limit: '< 5000 ms',
      pass: big.startupMs < 5000,
    });
    for (const id of ['2', '3', '4']) {
      const ratio = big.vsControl[id];
      out.push({
        name: `100k keys: row ${id} CPU/req unchanged (vs control)`,
        actual: `x ${fixed(ratio.cpuUsPerReq, 2)}`,
        limit: '<= x 1.10',
        pass: ratio.cpuUsPerReq <= 1.1,
      });
      out.push({
        name: `100k keys: row ${id} req/s unchanged (vs control)`,
        actual: `x ${fixed(ratio.reqPerSec, 2)}`,
        limit: '>= x 0.90',
        pass: ratio.reqPerSec >= 0.9,
      });
    }
  }
  return out;
}

export function targetsTable(list: Target[]): string {
  const notes = list.some((t) => t.note);
  return table(
    ['target', 'actual', 'limit', 'result', ...(notes ? ['note'] : [])],
    list.map((t) => [
      t.name,
      t.actual,
      t.limit,
      t.pass ? 'PASS' : 'FAIL',
      ...(notes ? [t.note ?? ''] : []),
    ]),
  );
}

const thousands = (value: number) => fixed(value / 1000, 1);

export function instructionsTable(rows: InstructionRow[]): string {
  const twins = rows.some((row) => row.vsBaseline);
  return table(
    [
      'row',
      'all k/req',
      '+/-',
      'x row1',
      'compile',
      'gc',
      'full GC',
      'rounds x row1',
      ...(twins ? ['x baseline', 'rounds x baseline'] : []),
    ],
    rows.map((row) => [
      `${row.extra ? 'extra' : row.id.padStart(5)}  ${row.label}`,
      thousands(row.all.median),
      `${fixed(row.all.spread * 100, 1)}%`,
      fixed(row.all.ratio, 3),
      thousands(row.categories.compile),
      thousands(row.categories.gc),
      row.majorGcRounds.length ? `round ${row.majorGcRounds.join(',')}` : '-',
      row.all.roundsRatio.map((r) => fixed(r, 3)).join(' '),
      ...(twins
        ? [
            row.vsBaseline ? fixed(row.vsBaseline.ratio, 3) : '',
            row.vsBaseline
              ? row.vsBaseline.roundsRatio.map((r) => fixed(r, 3)).join(' ')
              : '',
          ]
        : []),
    ]),
  );
}

export function noiseLines(n: NoiseFloor): string[] {
  return [
    `noise floor (A/A: row 1 twice per round): x ${fixed(n.ratio, 4)} (rounds ${n.roundsRatio.map((r) => fixed(r, 4)).join(' ')}), worst round ${fixed(n.worst * 100, 2)}%`,
  ];
}

export function deltaLines(deltas: Record<string, FunctionDelta[]>): string[] {
  return Object.entries(deltas).flatMap(([id, list]) => [
    `${id.endsWith(' vs baseline') ? `row ${id.replace(' vs baseline', '')} - the same row on the baseline` : `row ${id} - row 1`}, instructions/request by function (self cost, every thread; the largest ${list.length}):`,
    ...list.map(
      (d) =>
        `  ${(d.delta >= 0 ? '+' : '') + fixed(d.delta, 0)}`.padEnd(12) +
        `${fixed(d.row1, 0)} -> ${fixed(d.row, 0)}`.padEnd(22) +
        d.fn.slice(0, 140),
    ),
  ]);
}

/** Issue 6's cost targets judged on instructions per request (median over the rounds) instead of CPU time. */
export function instructionTargets(
  rows: InstructionRow[],
  noise: NoiseFloor,
  specs: RowSpec[],
): Target[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const floor = noise.worst;
  const judged = specs.filter(
    (spec) => spec.maxCpuRatio !== undefined && byId.has(spec.id),
  );
  const guarded = judged.map(({ id, maxCpuRatio }) => {
    const ratio = byId.get(id)!.all.ratio;
    const limit = maxCpuRatio!;
    const share = fixed(1 / limit, 2);
    const margin = limit - ratio;
    return {
      name: `row ${id} instructions/req <= row 1 / ${share}`,
      actual: `x ${fixed(ratio, 3)}`,
      limit: `<= x ${fixed(limit, 3)}`,
      pass: ratio <= limit,
      note:
        Math.abs(margin) <= floor
          ? 'within the noise floor: not decided'
          : `margin ${fixed(margin * 100, 1)} points, noise floor ${fixed(floor * 100, 1)}`,
    };
  });
  const versus = rows
    .filter((row) => row.vsBaseline?.maxRatio !== undefined)
    .map((row) => {
      const { ratio, maxRatio } = row.vsBaseline!;
      return {
        name: `row ${row.id} instructions/req (all threads) <= ${maxRatio} x the baseline build`,
        actual: `x ${fixed(ratio, 3)}`,
        limit: `<= x ${maxRatio}`,
        pass: ratio <= maxRatio!,
        note: 'issue 26',
      };
    });
  return [...guarded, ...versus];
}
