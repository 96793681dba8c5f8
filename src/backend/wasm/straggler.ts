// Backs the thread pool off to the calling thread alone when workers keep arriving late — the
// sign of an oversubscribed machine, where a worker preempted while holding a chunk makes every
// kernel wait for a scheduler slice. After a pause it tries the workers again.

/** A job counts as straggling when the caller waited this long for workers after its own chunks… */
const MIN_WAIT_MS = 0.2;
/** …and longer than it worked itself. */
const WAIT_OVER_WORK = 1;
/** Consecutive straggling jobs that trigger a back-off. */
const STRIKES = 3;
/** Jobs run on the caller alone before the workers are tried again. */
const BACKOFF_JOBS = 500;

export class StragglerGuard {
  private strikes = 0;
  private solo = 0;
  /** Back-offs so far (for diagnostics and tests). */
  backoffs = 0;

  /** Whether the next job may use worker threads. */
  allowed(): boolean {
    if (this.solo > 0) { this.solo--; return false; }
    return true;
  }

  /** Report a finished parallel job: the caller's own working time and its wait for the workers. */
  record(workMs: number, waitMs: number): void {
    if (waitMs > MIN_WAIT_MS && waitMs > WAIT_OVER_WORK * workMs) {
      if (++this.strikes >= STRIKES) {
        this.strikes = 0;
        this.solo = BACKOFF_JOBS;
        this.backoffs++;
      }
    } else {
      this.strikes = 0;
    }
  }
}
