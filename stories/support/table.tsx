import type { ActiveSessionsTableProps } from '../../src/components';
import { ActiveSessionsTable } from '../../src/components';
import { SessionProvider } from '../../src/react';
import type { Scenario, ScenarioOptions } from './scenario';
import { createScenario } from './scenario';

/** How long a story waits for the in-page server's first answers. */
export const LOAD = { timeout: 15_000 };

/** The table with a real client: every story runs the reference server in the page. */
export function Table({ scenario, ...props }: ActiveSessionsTableProps & { scenario: Scenario }) {
  return (
    <SessionProvider client={scenario.client} queryClient={scenario.queryClient}>
      <ActiveSessionsTable now={scenario.now} {...props} />
    </SessionProvider>
  );
}

/** A story loader that starts a scenario (and closes the previous story's). */
export const withScenario = (options: ScenarioOptions) => [
  async () => ({ scenario: await createScenario(options) }),
];

/** The scenario `withScenario` loaded. */
export const scenarioOf = (loaded: Record<string, unknown>) => loaded.scenario as Scenario;
