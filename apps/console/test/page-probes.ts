import type { Locator, Page } from 'playwright-core';
import { eventually as waitUntil } from '@daalu/testing';
import type { BrowserGlobals } from './browser-globals';

/**
 * Reads `read()` every 250 ms until `done` accepts the value, and returns it; after `timeoutMs` it
 * throws with the last value seen. (The shared `eventually`, with the pace and patience a browser needs.)
 */
export const eventually = <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> =>
  waitUntil(read, done, { timeoutMs, intervalMs: 250 });

/** Whether the element has the keyboard focus. */
export const isFocused = (locator: Locator) => locator.evaluate((el) => el === el.ownerDocument.activeElement);

/** Whether the keyboard focus is on the page's body (nowhere), as it must never be after an action. */
export const focusLost = (page: Page) =>
  page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    return !document.activeElement || document.activeElement === document.body;
  });

/**
 * The page's own content (`.rules-area`, not the shell) that reaches past `width`, where the page would
 * scroll sideways: each as its tag, class and text, so a failure names it. Empty when everything fits.
 * Clipped content (a stacked table's hidden header row, visually hidden text) does not count.
 */
export const overflowing = (page: Page, width: number) =>
  page.evaluate((limit) => {
    interface Box {
      tagName: string;
      className: unknown;
      textContent: string | null;
      getBoundingClientRect(): { right: number };
      closest(selector: string): unknown;
    }
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Box[] } }).document;
    return Array.from(doc.querySelectorAll('.rules-area, .rules-area *'))
      .filter((el) => !el.closest('thead, .visually-hidden') && el.getBoundingClientRect().right > limit + 0.5)
      .map(
        (el) =>
          `${el.tagName}.${String(el.className)} "${(el.textContent ?? '').slice(0, 40)}" ${el.getBoundingClientRect().right}`,
      )
      .slice(0, 5);
  }, width);
