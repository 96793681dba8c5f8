// Capturing what a call prints, for tests of warnings (no side effects on import, unlike helpers.ts,
// which selects the test backend).
/** Run `f`, returning what it printed with console.warn (one string per call). */
export function captureWarnings(f: () => void): string[] {
  const seen: string[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]): void => { seen.push(a.map(String).join(' ')); };
  try { f(); } finally { console.warn = orig; }
  return seen;
}
