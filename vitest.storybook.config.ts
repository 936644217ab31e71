import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { defineProject } from 'vitest/config';
import { chromiumBrowser } from './test/setup/chromiumBrowser.ts';

const dirname = path.dirname(fileURLToPath(import.meta.url));

// The `storybook` project: every story in stories/ runs as a test in real Chromium,
// its play function included, with the a11y addon's axe check (parameters.a11y.test).
// Wire it into vitest.config.ts with `projects: [..., 'vitest.storybook.config.ts']`.
export default defineProject({
  plugins: [storybookTest({ configDir: path.join(dirname, '.storybook') })],
  test: {
    name: 'storybook',
    fileParallelism: false,
    testTimeout: 30_000,
    browser: chromiumBrowser(),
  },
});
