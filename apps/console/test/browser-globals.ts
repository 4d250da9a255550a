/**
 * What code passed to `page.evaluate` uses of the browser. Test files compile without the DOM library
 * (the Node side would not type-check with it), so in-page code reads the globals through this type:
 *   page.evaluate(() => (globalThis as unknown as BrowserGlobals).sessionStorage)
 */
export interface BrowserGlobals {
  sessionStorage: Record<string, string>;
  localStorage: Record<string, string>;
  document: {
    cookie: string;
    body: unknown;
    activeElement: {
      id: string;
      tagName: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
    } | null;
    documentElement: {
      dataset: Record<string, string | undefined>;
      scrollWidth: number;
      scrollHeight: number;
      clientWidth: number;
    };
    querySelectorAll(selector: string): ArrayLike<{ getBoundingClientRect(): { right: number }; outerHTML: string }>;
  };
  innerWidth: number;
  getComputedStyle(element: unknown): { backgroundColor: string };
  axe: { run(context: unknown, options: object): Promise<AxeResults> };
  navigator: { clipboard: { readText(): Promise<string> } };
}

export interface AxeResults {
  violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}
