import type { ActiveSessionsTableProps } from '../../src/components';
import { ActiveSessionsTable } from '../../src/components';
import { SessionProvider } from '../../src/react';
import { rewriteList } from './rewriteList';
import type { Scenario, ScenarioOptions } from './scenario';
import { buildScenario, createScenario, disposeScenarios, otherDevices } from './scenario';

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

/** A story loader that builds several scenarios at once, one per name, as `loaded.scenarios`. */
export const withScenarios = <K extends string>(options: Record<K, ScenarioOptions>) => [
  async () => {
    await disposeScenarios();
    const scenarios = {} as Record<K, Scenario>;
    for (const name in options) scenarios[name] = await buildScenario(options[name]);
    return { scenarios };
  },
];

/** The scenarios `withScenarios` loaded. */
export const scenariosOf = <K extends string>(loaded: Record<string, unknown>) =>
  loaded.scenarios as Record<K, Scenario>;

const HOUR_MS = 3_600_000;

/** One scenario per state of the table, for the stories that show them all on one page. */
export const stateScenarios = {
  ready: { devices: otherDevices },
  pending: {
    devices: otherDevices.slice(1),
    prepare: (session) =>
      session.server.faults.add({ path: '/me/revoke', latencyMs: HOUR_MS, times: 100 }),
  },
  failure: {
    devices: otherDevices.slice(2),
    prepare: (session) =>
      session.server.faults.add({ path: '/me/revoke', status: 500, times: 100 }),
  },
  loading: {
    prepare: (session) =>
      session.server.faults.add({ path: '/me/list', latencyMs: HOUR_MS, times: 100 }),
  },
  empty: { fetch: rewriteList((body) => ({ ...body, sessions: [], total: 0 })) },
  error: {
    prepare: (session) => session.server.faults.add({ path: '/me/list', status: 503, times: 1000 }),
  },
  signedOut: { signIn: false },
} satisfies Record<string, ScenarioOptions>;
