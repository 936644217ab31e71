import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { ActiveSessionsTable } from '../src/components';
import { SessionProvider } from '../src/react';
import { frenchMessages, japaneseMessages } from './localizedMessages';
import { rewriteList } from './support/rewriteList';
import {
  LOAD,
  scenarioOf,
  scenariosOf,
  stateScenarios,
  Table,
  withScenario,
  withScenarios,
} from './support/table';
import { manyDevices, otherDevices } from './support/scenario';

// Device order in otherDevices: ThinkPad X1 (DE), iPad Air (JP), Pixel 9 (FR).
const IPAD = 1;
const PIXEL = 2;

const meta = {
  title: 'Components/ActiveSessionsTable',
  component: ActiveSessionsTable,
  args: { onRevoked: fn() },
  render: (args, { loaded }) => <Table scenario={scenarioOf(loaded)} {...args} />,
} satisfies Meta<typeof ActiveSessionsTable>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Four devices of every type in four countries; revoking really revokes. */
export const Default: Story = {
  loaders: withScenario({ devices: otherDevices }),
  play: async ({ canvasElement, loaded, args }) => {
    const canvas = within(canvasElement);
    const { session, devices } = scenarioOf(loaded);
    const revoke = await canvas.findByRole('button', { name: 'Revoke iPad Air session' }, LOAD);
    await expect(canvas.getAllByRole('rowheader')).toHaveLength(4);

    // Escape cancels and gives focus back.
    await userEvent.click(revoke);
    const dialog = await canvas.findByRole('dialog', { name: 'Revoke iPad Air session?' });
    await expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(canvas.queryByRole('dialog')).toBeNull());
    await expect(revoke).toHaveFocus();

    // Confirming revokes on the server, and focus moves to the next row.
    await userEvent.click(revoke);
    const confirm = await canvas.findByRole('dialog', { name: 'Revoke iPad Air session?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(canvas.queryByRole('rowheader', { name: /iPad Air/ })).toBeNull());
    await waitFor(() =>
      expect(canvas.getByRole('button', { name: 'Revoke ThinkPad X1 session' })).toHaveFocus(),
    );
    await waitFor(() =>
      expect(args.onRevoked).toHaveBeenCalledWith({ session: devices[IPAD]!.sessionId }),
    );
    await expect(await session.server.admin.isSessionActive(devices[IPAD]!.sessionId)).toBe(false);
  },
};

/** The skeleton while the list is on its way (the server is slowed down). */
export const Loading: Story = {
  loaders: withScenario({
    prepare: (session) =>
      session.server.faults.add({ path: '/me/list', latencyMs: 3_600_000, times: 100 }),
  }),
  play: async ({ canvasElement }) => {
    const table = await within(canvasElement).findByRole('table');
    await expect(table).toHaveAttribute('aria-busy', 'true');
  },
};

/** A backend that lists no session at all. */
export const Empty: Story = {
  loaders: withScenario({ fetch: rewriteList((body) => ({ ...body, sessions: [], total: 0 })) }),
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByText('No active sessions.', {}, LOAD);
  },
};

/** The list fails (the server answers 503 every time): an alert with a retry. */
export const Error: Story = {
  loaders: withScenario({
    devices: otherDevices,
    prepare: (session) => session.server.faults.add({ path: '/me/list', status: 503, times: 1000 }),
  }),
  play: async ({ canvasElement }) => {
    const alert = await within(canvasElement).findByRole('alert', {}, LOAD);
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/** Nobody is signed in on this device. */
export const SignedOut: Story = {
  loaders: withScenario({ signIn: false }),
  play: async ({ canvasElement }) => {
    const message = await within(canvasElement).findByText(/You are signed out/, {}, LOAD);
    await expect(message).toHaveAttribute('role', 'status');
  },
};

/** 47 sessions, ten a page; revoking on the last page counts down. */
export const ManySessions: Story = {
  loaders: withScenario({ devices: manyDevices(46) }),
  args: { confirm: false },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const pages = await canvas.findByRole('navigation', { name: 'Active sessions pages' }, LOAD);
    await expect(pages).toHaveTextContent('1–10 of 47');
    const next = within(pages).getByRole('button', { name: 'Next' });
    for (const range of ['11–20', '21–30', '31–40', '41–47']) {
      await userEvent.click(next);
      await waitFor(() => expect(pages).toHaveTextContent(`${range} of 47`));
    }
    await expect(next).toHaveAttribute('aria-disabled', 'true');
    const [first] = within(canvas.getByRole('table')).getAllByRole('button');
    await userEvent.click(first!);
    await waitFor(() => expect(pages).toHaveTextContent('41–46 of 46'));
  },
};

/** Revoking the only row of the last page shows the page before, focus on its last row. */
export const LastRowOfLastPage: Story = {
  loaders: withScenario({ devices: manyDevices(10) }),
  args: { confirm: false },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const pages = await canvas.findByRole('navigation', { name: 'Active sessions pages' }, LOAD);
    await userEvent.click(within(pages).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages).toHaveTextContent('11–11 of 11'));
    const [only] = within(canvas.getByRole('table')).getAllByRole('button');
    await userEvent.click(only!);
    await waitFor(() =>
      expect(canvas.queryByRole('navigation', { name: 'Active sessions pages' })).toBeNull(),
    );
    const rows = within(canvas.getByRole('table')).getAllByRole('button');
    await expect(rows).toHaveLength(10);
    await waitFor(() => expect(rows.at(-1)).toHaveFocus());
  },
};

/** A later page fails to load: Previous stays as the way back, beside "Try again". */
export const LaterPageError: Story = {
  loaders: withScenario({ devices: manyDevices(12) }),
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const pages = await canvas.findByRole('navigation', { name: 'Active sessions pages' }, LOAD);
    scenarioOf(loaded).session.server.faults.add({ path: '/me/list', status: 503, times: 1000 });
    const next = within(pages).getByRole('button', { name: 'Next' });
    await userEvent.click(next);
    const alert = await canvas.findByRole('alert', {}, LOAD);
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(within(pages).getByRole('button', { name: 'Previous' })).toBeVisible();
    await expect(next).toHaveAttribute('aria-disabled', 'true');
    await expect(next).toHaveFocus();
  },
};

/** The server refuses the revocation: the row comes back with an error. */
export const RevokeFailure: Story = {
  loaders: withScenario({
    devices: otherDevices,
    prepare: (session) =>
      session.server.faults.add({ path: '/me/revoke', status: 500, times: 100 }),
  }),
  play: async ({ canvasElement, loaded, args }) => {
    const canvas = within(canvasElement);
    await userEvent.click(
      await canvas.findByRole('button', { name: 'Revoke Pixel 9 session' }, LOAD),
    );
    const dialog = await canvas.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    const alert = await canvas.findByRole('alert', {}, LOAD);
    await expect(alert).toHaveTextContent('Pixel 9');
    await expect(canvas.getByRole('rowheader', { name: /Pixel 9/ })).toBeVisible();
    // Focus goes back to the row that came back.
    await waitFor(() =>
      expect(canvas.getByRole('button', { name: 'Revoke Pixel 9 session' })).toHaveFocus(),
    );
    await expect(args.onRevoked).not.toHaveBeenCalled();
    const { session, devices } = scenarioOf(loaded);
    await expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);
  },
};

/** French and Japanese: strings from `messages`, dates and countries from `locale`. */
export const Localized: Story = {
  loaders: withScenario({ devices: otherDevices }),
  render: (args, { loaded }) => {
    const scenario = scenarioOf(loaded);
    return (
      <SessionProvider client={scenario.client} queryClient={scenario.queryClient}>
        <div style={{ display: 'grid', gap: '1.5rem' }}>
          <div lang="fr">
            <ActiveSessionsTable
              {...args}
              now={scenario.now}
              locale="fr"
              messages={frenchMessages}
            />
          </div>
          <div lang="ja">
            <ActiveSessionsTable
              {...args}
              now={scenario.now}
              locale="ja"
              messages={japaneseMessages}
            />
          </div>
        </div>
      </SessionProvider>
    );
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('cell', { name: 'Allemagne' }, LOAD);
    await expect(canvas.getByRole('cell', { name: 'ドイツ' })).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Révoquer la session Pixel 9' }));
    const dialog = await canvas.findByRole('dialog', { name: 'Révoquer la session Pixel 9 ?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Annuler' }));
    await waitFor(() => expect(canvas.queryByRole('dialog')).toBeNull());
  },
};

const darkBackdrop = (Story: () => ReactNode) => (
  <div style={{ background: '#0b0d12', padding: '1rem' }}>
    <Story />
  </div>
);

/** The dark theme, forced with `data-theme="dark"` (it also follows `prefers-color-scheme`). */
export const Dark: Story = {
  loaders: withScenario({ devices: otherDevices }),
  render: (args, { loaded }) => <Table scenario={scenarioOf(loaded)} {...args} data-theme="dark" />,
  decorators: [darkBackdrop],
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
  },
};

/** A narrow container: rows stack into cards, still a table to assistive technology. */
export const Narrow: Story = {
  loaders: withScenario({ devices: otherDevices }),
  decorators: [
    (Story) => (
      <div style={{ maxWidth: 360 }}>
        <Story />
      </div>
    ),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const header = await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    const row = header.closest('tr')!;
    await expect(getComputedStyle(row).display).toBe('block');
    await expect(row).toHaveAttribute('role', 'row');
    await expect(within(row).getAllByRole('cell').length).toBeGreaterThan(0);
    await expect(canvas.getAllByRole('columnheader')).toHaveLength(6);

    // The confirmation fits a phone too; the axe check runs with it open.
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out everywhere' }));
    const dialog = await canvas.findByRole('dialog', { name: 'Sign out everywhere?' });
    await expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
  },
};

/** No theme: only the markup and its class names, for your own CSS. */
export const Unstyled: Story = {
  loaders: withScenario({ devices: otherDevices }),
  args: { unstyled: true },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await expect(canvasElement.querySelector('.rds-root')).not.toHaveClass('rds-theme');
  },
};

/** Slots: a custom device cell, row action and actions bar around the same data. */
export const CustomRendering: Story = {
  loaders: withScenario({ devices: otherDevices }),
  args: {
    renderDevice: (session, { defaultContent }) => (
      <span style={{ display: 'grid', gap: 4 }}>
        {defaultContent}
        {session.isCurrent ? null : (
          <small style={{ color: 'var(--rds-color-muted)' }}>
            {`Session ${session.id.slice(0, 12)}`}
          </small>
        )}
      </span>
    ),
    renderRowAction: (_session, { device, pending, requestRevoke }) => (
      <button
        type="button"
        className="rds-button"
        aria-disabled={pending || undefined}
        onClick={requestRevoke}
      >
        {`Remove ${device.name}`}
      </button>
    ),
    renderActions: ({ requestRevoke }) => (
      <button type="button" className="rds-button" onClick={() => requestRevoke('others')}>
        Sign out every other device
      </button>
    ),
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Remove Pixel 9' }, LOAD));
    await userEvent.click(
      within(await canvas.findByRole('dialog')).getByRole('button', { name: 'Revoke' }),
    );
    await waitFor(() => expect(canvas.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull());
    await waitFor(() =>
      expect(canvas.getByRole('button', { name: 'Remove iPad Air' })).toHaveFocus(),
    );
  },
};

/** Every state on one page. */
export const AllStates: Story = {
  loaders: withScenarios(stateScenarios),
  render: (args, { loaded }) => {
    const all = scenariosOf<keyof typeof stateScenarios>(loaded);
    const titled = (title: string) => ({ ...args, messages: { title } });
    return (
      <div style={{ display: 'grid', gap: '1.5rem' }}>
        <Table scenario={all.ready} {...titled('Ready')} />
        <Table scenario={all.pending} {...titled('Revocation in flight')} confirm={false} />
        <Table scenario={all.failure} {...titled('Revocation failed')} confirm={false} />
        <Table scenario={all.loading} {...titled('Loading')} />
        <Table scenario={all.empty} {...titled('Empty')} />
        <Table scenario={all.error} {...titled('Load error')} />
        <Table scenario={all.signedOut} {...titled('Signed out')} />
      </div>
    );
  },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const all = scenariosOf<keyof typeof stateScenarios>(loaded);
    const region = (name: string) => within(canvas.getByRole('region', { name }));

    // In flight: the action and the rows it covers say so.
    const pending = region('Revocation in flight');
    await userEvent.click(
      await pending.findByRole('button', { name: 'Sign out other sessions' }, LOAD),
    );
    await all.pending.queryClient.refetchQueries();
    await pending.findByRole('button', { name: 'Signing out Pixel 9…' }, LOAD);

    // Refused: the row comes back with an alert.
    const failure = region('Revocation failed');
    await userEvent.click(
      await failure.findByRole('button', { name: 'Revoke Pixel 9 session' }, LOAD),
    );
    await failure.findByRole('alert', {}, LOAD);

    await region('Empty').findByText('No active sessions.', {}, LOAD);
    await region('Load error').findByRole('alert', {}, LOAD);
    await region('Signed out').findByText(/You are signed out/, {}, LOAD);
    await expect(region('Loading').getByRole('table')).toHaveAttribute('aria-busy', 'true');
  },
};
