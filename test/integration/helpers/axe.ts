import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

// axe-core's own source, evaluated in the page through the DevTools
// protocol: a <script> tag would be refused by the console's CSP.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/**
 * axe-core over the whole page as it is now (an open dialog included): its
 * violations of impact serious or critical, as "rule: selector" lines, so a
 * failing test says what and where.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate('typeof window.axe !== "undefined"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}

/** Fails with the violations found, named after the screen or dialog. */
export async function expectAccessible(page: Page, what: string) {
  expect([what, await seriousViolations(page)]).toEqual([what, []]);
}
