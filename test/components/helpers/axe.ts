import axe from 'axe-core';
import { expect } from 'vitest';

// happy-dom has no layout or rendering, so rules that need painted pixels cannot judge;
// the Storybook tier runs the full rule set in real Chromium.
const needsLayout = ['color-contrast', 'color-contrast-enhanced', 'scrollable-region-focusable'];

/** Runs axe-core on `container` and fails the test on any violation, listing them readably. */
export async function expectNoAxeViolations(container: Element): Promise<void> {
  const results = await axe.run(container, {
    rules: Object.fromEntries(needsLayout.map((id) => [id, { enabled: false }])),
    resultTypes: ['violations'],
  });
  const summary = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help}\n  ${violation.nodes.map((node) => node.html).join('\n  ')}`,
  );
  expect(summary).toEqual([]);
}
