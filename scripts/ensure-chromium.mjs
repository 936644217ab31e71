#!/usr/bin/env node
// Makes sure a Chromium is available for the browser and end-to-end tiers.
// Installs Debian's package when it can (root with apt-get); otherwise says
// exactly how to get one and fails. It never lets a browser tier skip silently.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findChromium } from './chromium.mjs';

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (process.env.CHROMIUM_PATH) {
    fail(
      `CHROMIUM_PATH is set to "${process.env.CHROMIUM_PATH}", but no executable file is there.`,
    );
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('No Chromium found: installing Debian\'s "chromium" package (apt-get)...');
    const run = (args) =>
      spawnSync('apt-get', args, {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    if (
      run(['update', '-qq']).status === 0 &&
      run(['install', '-y', '-qq', 'chromium']).status === 0
    ) {
      const installed = findChromium();
      if (installed) return installed;
    }
    fail('apt-get could not install the "chromium" package.');
  }
  fail('No Chromium found.');
}

function fail(why) {
  console.error(`\n${why}
The browser and end-to-end tests need Chromium; they are never skipped. Either:
  - on Debian/Ubuntu, as root: apt-get update && apt-get install -y chromium
  - or point CHROMIUM_PATH at a Chromium or Chrome binary: CHROMIUM_PATH=/path/to/chrome npm test\n`);
  process.exit(1);
}

// Run as a script (not imported): compared as real paths, so spaces, non-ASCII characters
// and symlinked checkouts still count.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`Chromium: ${ensureChromium()}`);
}
