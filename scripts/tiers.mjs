// The test tiers `npm test` runs, in order. Each is a vitest run that writes a
// JSON report; scripts/test-all.mjs adds them up.
const vitest = (...args) => [
  'npx',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  ...args,
];

export const tiers = [
  {
    name: 'unit',
    description: 'server in node; client, hooks and table in happy-dom',
    command: vitest('--project', 'node', '--project', 'dom'),
  },
  {
    name: 'browser',
    description:
      'real Chromium: WebCrypto, IndexedDB, Web Locks, BroadcastChannel; stories as tests with axe',
    browser: true,
    command: vitest('--project', 'browser', '--project', 'storybook'),
  },
];
tiers.push({
  name: 'e2e',
  description:
    'Playwright driving Chromium against the built demo and the reference server over HTTP',
  browser: true,
  command: vitest('--project', 'e2e'),
});
// The hook and component tests again, on React 18 (installed by the test/react18 workspace).
tiers.splice(1, 0, {
  name: 'react18',
  description: 'hook and component tests on React 18',
  command: vitest('-c', 'vitest.react18.config.ts'),
});
