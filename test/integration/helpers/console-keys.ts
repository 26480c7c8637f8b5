import type { Locator, Page } from 'playwright-core';

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus: proof that the
 * keyboard alone reaches it, in the page's own tab order.
 */
export async function tabTo(
  page: Page,
  target: Locator,
  max = 120,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
) {
  const element = await target.elementHandle();
  if (!element) throw new Error('tabTo: no such element');
  for (let presses = 0; presses < max; presses += 1) {
    await page.keyboard.press(key);
    if (
      await element.evaluate(
        (node) => node.ownerDocument?.activeElement === node,
      )
    ) {
      return;
    }
  }
  throw new Error(`tabTo: not reached in ${max} presses of ${key}`);
}

/** Whether the element now has the focus. */
export const focused = (target: Locator) =>
  target.evaluate((node) => node.ownerDocument?.activeElement === node);
