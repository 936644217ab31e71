// The test tiers `npm test` runs, in order. Each is a vitest run that writes a
// JSON report; scripts/test-all.mjs adds them up.
const vitest = (...args) => ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', ...args];

export const tiers = [
  {
    name: 'unit',
    description: 'server in node; client, hooks and table in happy-dom',
    command: vitest('--project', 'node', '--project', 'dom'),
  },
  {
    name: 'browser',
    description: 'real Chromium: WebCrypto, IndexedDB, Web Locks, BroadcastChannel',
    browser: true,
    command: vitest('--project', 'browser'),
  },
];
tiers.push({
  name: 'e2e',
  description: 'Playwright driving Chromium against the built demo and the reference server over HTTP',
  browser: true,
  command: vitest('--project', 'e2e'),
});
