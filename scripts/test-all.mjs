#!/usr/bin/env node
// `npm test`: runs every test tier in turn, prints a summary per tier and the
// totals, and exits non-zero when any tier fails. Browser tiers need Chromium:
// ensureChromium() installs Debian's package when it can, or explains how to get
// one and fails; browser tests are never skipped silently.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';
import { tiers } from './tiers.mjs';

const outDir = '.test-results';
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const only = process.argv.slice(2);
const unknown = only.filter((name) => !tiers.some((tier) => tier.name === name));
if (unknown.length) {
  console.error(
    `No tier named ${unknown.join(', ')}. Tiers: ${tiers.map((t) => t.name).join(', ')}.`,
  );
  process.exit(1);
}
const selected = only.length ? tiers.filter((tier) => only.includes(tier.name)) : tiers;
if (selected.some((tier) => tier.browser)) {
  process.env.CHROMIUM_PATH = ensureChromium();
}

const results = [];
for (const tier of selected) {
  console.log(`\n=== tier: ${tier.name} (${tier.description}) ===\n`);
  const report = join(outDir, `${tier.name}.json`);
  const run = spawnSync(
    tier.command[0],
    [...tier.command.slice(1), `--outputFile.json=${report}`],
    {
      stdio: 'inherit',
      env: { ...process.env, ...tier.env },
    },
  );
  const counts = readCounts(report);
  const ok = run.status === 0 && counts.failed === 0 && counts.passed > 0;
  results.push({ name: tier.name, ...counts, ok, exitCode: run.status });
}

console.log('\n=== summary ===');
for (const r of results) {
  const note = r.ok
    ? ''
    : r.passed === 0 && r.failed === 0
      ? '  (ran no test: failing the tier)'
      : `  (exit ${r.exitCode})`;
  console.log(
    `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(10)} ${r.passed} passed, ${r.failed} failed${note}`,
  );
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
// A tier that crashed before reporting counts as one failure, so it is never lost.
const failed = results.reduce((sum, r) => sum + (r.ok ? r.failed : Math.max(r.failed, 1)), 0);
writeFileSync(
  join(outDir, 'totals.json'),
  JSON.stringify({ passed, failed, tiers: results }, null, 2),
);
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

function readCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const json = JSON.parse(readFileSync(file, 'utf8'));
  // Vitest's JSON reporter follows Jest's shape; suites that failed to load count as failures.
  const failedSuites = (json.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  ).length;
  return {
    passed: json.numPassedTests ?? 0,
    failed: (json.numFailedTests ?? 0) + failedSuites,
  };
}
