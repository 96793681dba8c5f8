// Whether ops record the tape. `noGrad` turns recording off for a block (evaluation, updates).
import { releasingIntermediates } from '../tensor/lifetime.js';

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Run `fn` without recording gradients (like `torch.no_grad()`); returns what `fn` returns.
 * Outside any scope, the intermediates the block made are released when it returns (lifetime.ts).
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return prev ? releasingIntermediates(fn) : fn();
  } finally {
    enabled = prev;
  }
}

/** Run `fn` with recording on, even inside `noGrad` (used for higher-order gradients). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
