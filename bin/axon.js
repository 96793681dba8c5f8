#!/usr/bin/env node
// The `axon` command: a thin launcher for the compiled CLI.
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? `${err.name}: ${err.message}` : err); process.exitCode = 1; },
);
