// Finding and starting Debian's Chromium for the browser tests (playwright-core drives it; no
// browser download). Missing Chromium skips the browser suite with one line saying how to install
// it, unless AXON_REQUIRE_BROWSER=1 (set by .ci/run), which makes it a failure.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.AXON_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

/** The Chromium executable, or null. */
export function findChromium(): string | null {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p)) ?? null;
}

export const MISSING = 'Chromium not found: the browser tests need Debian\'s chromium (apt-get install -y chromium) or AXON_CHROMIUM=/path/to/chrome';

/** Whether a missing browser must fail the run (CI) instead of skipping. */
export const REQUIRED = process.env.AXON_REQUIRE_BROWSER === '1';

export async function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // No sandbox: CI runs as root in a container, where Chromium's sandbox can not start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/**
 * Chromium with WebGPU: `--enable-unsafe-webgpu` (WebGPU on Linux is behind it) and without
 * `--disable-gpu`. With no GPU, Chromium's own SwiftShader (Vulkan) gives the adapter; pages must
 * be a secure context (the 127.0.0.1 test server is), or navigator.gpu is undefined.
 */
export async function launchWebGPU(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'] });
}
