// Shared assertion for the data/io/metrics tests: `fn` throws an error of `type` whose message
// contains every one of `parts` (the op name, the values at fault, the fix).
import assert from 'node:assert/strict';

export function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => checkError(e, type, parts));
}

export async function rejectsWith(fn: () => Promise<unknown>, type: new (...a: never[]) => Error, ...parts: string[]): Promise<void> {
  await assert.rejects(fn, (e: unknown) => checkError(e, type, parts));
}

function checkError(e: unknown, type: new (...a: never[]) => Error, parts: string[]): true {
  assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  for (const p of parts) assert.ok((e as Error).message.includes(p), `message "${(e as Error).message}" lacks "${p}"`);
  return true;
}
