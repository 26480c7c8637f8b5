import { useId } from 'preact/hooks';

export interface UsageDay {
  date: string;
  success: number;
  denied: number;
  rate_limited: number;
}

const SERIES = [
  ['success', 'Succeeded'],
  ['denied', 'Denied'],
  ['rate_limited', 'Rate limited'],
] as const;
const BAR = 22;
const GAP = 6;
const HEIGHT = 120;

const total = (day: UsageDay) => day.success + day.denied + day.rate_limited;
const shortDate = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });

/** The chart in words: its text alternative (SPEC §21). */
export function usageSummary(days: UsageDay[]): string {
  const sum = (key: (typeof SERIES)[number][0]) =>
    days.reduce((n, day) => n + day[key], 0);
  const all = days.reduce((n, day) => n + total(day), 0);
  if (all === 0) return `No requests in the last ${days.length} days.`;
  const busiest = days.reduce((a, b) => (total(b) > total(a) ? b : a));
  const requests = (n: number) => `${n} request${n === 1 ? '' : 's'}`;
  return (
    `${requests(all)} in the last ${days.length} days: ${sum('success')} ` +
    `succeeded, ${sum('denied')} denied, ${sum('rate_limited')} rate limited. ` +
    `Busiest day: ${shortDate(busiest.date)}, ${requests(total(busiest))}.`
  );
}

/**
 * Requests per UTC day as stacked bars, drawn as an SVG here rather than
 * with a chart library: 14 bars need no more, and the bundle stays small.
 * The SVG is an image named by the summary; the same numbers are in a
 * table for those who want them exactly.
 */
export function UsageChart({ days }: { days: UsageDay[] }) {
  const summaryId = useId();
  const peak = Math.max(1, ...days.map(total));
  const width = days.length * (BAR + GAP);
  return (
    <figure class="usage">
      <svg
        role="img"
        aria-labelledby={summaryId}
        viewBox={`-14 0 ${width + 28} ${HEIGHT + 18}`}
        class="usage-chart"
      >
        {days.map((day, index) => {
          let top = HEIGHT;
          return (
            <g key={day.date}>
              {SERIES.map(([key]) => {
                const height = (day[key] / peak) * HEIGHT;
                top -= height;
                return (
                  <rect
                    key={key}
                    class={`bar ${key}`}
                    x={index * (BAR + GAP)}
                    y={top}
                    width={BAR}
                    height={height}
                  />
                );
              })}
              {(days.length - 1 - index) % 2 === 0 && (
                <text x={index * (BAR + GAP) + BAR / 2} y={HEIGHT + 14}>
                  {shortDate(day.date)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption id={summaryId}>{usageSummary(days)}</figcaption>
      <ul class="legend" aria-hidden="true">
        {SERIES.map(([key, label]) => (
          <li key={key}>
            <span class={`swatch ${key}`} /> {label}
          </li>
        ))}
      </ul>
      <details>
        <summary>Requests by day</summary>
        <table class="plain">
          <caption class="visually-hidden">Requests by day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              {SERIES.map(([key, label]) => (
                <th key={key} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.date}>
                <th scope="row">{day.date}</th>
                {SERIES.map(([key]) => (
                  <td key={key}>{day[key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
