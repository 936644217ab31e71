#!/usr/bin/env node
// `npm run bench`: bundle sizes (esbuild, in Node) and the browser figures
// (vitest browser mode in real Chromium). Prints one table; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { measureSignoutBetweenTabs } from '../bench/signoutRealTabs.mjs';
import { measureSizes } from '../bench/size.mjs';
import { printTable } from '../bench/table.mjs';
import { ensureChromium } from './ensure-chromium.mjs';

const resultsDir = 'bench/results';
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const figures = await measureSizes();
process.env.CHROMIUM_PATH = ensureChromium();
const run = spawnSync('npx', ['vitest', 'run', '--project', 'bench', '--reporter=dot'], {
  stdio: 'inherit',
});
const realTabs = await measureSignoutBetweenTabs(process.env.CHROMIUM_PATH);

for (const file of existsSync(resultsDir) ? readdirSync(resultsDir).sort() : []) {
  figures.push(...JSON.parse(readFileSync(join(resultsDir, file), 'utf8')));
}
figures.push(...realTabs);

const format = (value, unit) =>
  unit === 'bytes'
    ? `${(value / 1024).toFixed(2)} KB`
    : `${Number(value.toPrecision(4)).toLocaleString('en-US')} ${unit}`;
const rows = figures.map((f) => {
  const within =
    f.budget === undefined
      ? ''
      : (f.lowerIsBetter === false ? f.value >= f.budget : f.value <= f.budget)
        ? 'within budget'
        : 'OVER BUDGET';
  return [
    f.name,
    format(f.value, f.unit),
    f.budget === undefined ? '' : format(f.budget, f.unit),
    within,
    f.detail ?? '',
  ];
});
printTable(['figure', 'value', 'budget', '', 'detail'], rows);
if (run.status !== 0) {
  console.error('\nSome browser benchmarks failed to run; their figures are missing above.');
  process.exit(1);
}
