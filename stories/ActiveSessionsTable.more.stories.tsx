import type { Meta, StoryObj } from '@storybook/react-vite';
import { useCallback, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import type {
  ActiveSessionsMessagesInput,
  ActiveSessionsTableProps,
  ConfirmRequest,
} from '../src/components';
import { ActiveSessionsTable } from '../src/components';
import { SessionProvider } from '../src/react';
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
import type { Scenario } from './support/scenario';
import { createScenario, manyDevices, otherDevices } from './support/scenario';

// More states of <ActiveSessionsTable>, set up exactly as ActiveSessionsTable.stories.tsx:
// every story runs the reference server in the page (createScenario / buildScenario).
// List order (last seen first): this device (MacBook Pro), Pixel 9, iPad Air, ThinkPad X1.

// Device order in otherDevices: ThinkPad X1 (DE), iPad Air (JP), Pixel 9 (FR).
const THINKPAD = 0;
const PIXEL = 2;

/** C0/C1 controls and bidi controls: none may reach the page from a server string. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const meta = {
  title: 'Components/ActiveSessionsTable, more states',
  component: ActiveSessionsTable,
  args: { onRevoked: fn() },
  render: (args, { loaded }) => <Table scenario={scenarioOf(loaded)} {...args} />,
} satisfies Meta<typeof ActiveSessionsTable>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The list fails, the server recovers, and "Try again" brings the rows; focus stays in the table. */
export const LoadErrorThenRetry: Story = {
  loaders: withScenario({
    devices: otherDevices,
    prepare: (session) => session.server.faults.add({ path: '/me/list', status: 503, times: 1000 }),
  }),
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const root = canvasElement.querySelector('.rds-root')!;
    const alert = await canvas.findByRole('alert', {}, LOAD);
    await expect(alert).toHaveTextContent('Your sessions could not be loaded.');
    await expect(root).toHaveAttribute('data-state', 'error');
    await expect(canvas.queryByRole('table')).toBeNull();

    scenarioOf(loaded).session.server.faults.clear();
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await expect(canvas.getAllByRole('rowheader')).toHaveLength(4);
    await expect(canvas.queryByRole('alert')).toBeNull();
    await expect(root).toHaveAttribute('data-state', 'ready');
    // The button that had focus went away with the error: focus lands on the heading.
    await waitFor(() =>
      expect(canvas.getByRole('heading', { name: 'Active sessions' })).toHaveFocus(),
    );
  },
};

/** A refresh fails while rows are shown: they stay, with a "may be out of date" alert and a retry. */
export const StaleList: Story = {
  loaders: withScenario({ devices: otherDevices }),
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const { session, queryClient } = scenarioOf(loaded);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);

    session.server.faults.add({ path: '/me/list', status: 503, times: 1000 });
    await queryClient.refetchQueries();
    const alert = await canvas.findByRole('alert', {}, LOAD);
    await expect(alert).toHaveAttribute('data-state', 'stale');
    await expect(alert).toHaveTextContent(
      'Your sessions could not be refreshed; the list may be out of date.',
    );
    // The rows it had are still there, and still usable.
    await expect(canvas.getAllByRole('rowheader')).toHaveLength(4);
    await expect(canvasElement.querySelector('.rds-root')).toHaveAttribute('data-state', 'ready');

    session.server.faults.clear();
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(canvas.queryByRole('alert')).toBeNull(), LOAD);
    await waitFor(() =>
      expect(canvas.getByRole('heading', { name: 'Active sessions' })).toHaveFocus(),
    );
  },
};

/** "Sign out this device", confirmed: the table says why it is empty, and focus is not lost. */
export const SignOutThisDevice: Story = {
  loaders: withScenario({ devices: otherDevices }),
  play: async ({ canvasElement, loaded, args }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out this device' }));
    const dialog = await canvas.findByRole('dialog', { name: 'Sign out this device?' });
    await expect(dialog).toHaveAccessibleDescription(
      'You will need to sign in again on this device.',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));

    const status = await canvas.findByText(/You are signed out/, {}, LOAD);
    await expect(status).toHaveAttribute('role', 'status');
    await expect(status).toHaveTextContent('You are signed out. You signed out on this device.');
    await expect(canvasElement.querySelector('.rds-root')).toHaveAttribute(
      'data-state',
      'signed-out',
    );
    await expect(canvas.queryByRole('group', { name: 'Session actions' })).toBeNull();
    await expect(canvas.queryByRole('table')).toBeNull();
    await waitFor(() => expect(args.onRevoked).toHaveBeenCalledWith('mine'));
    // The button pressed is gone: focus is on the heading, not on <body>.
    await waitFor(() =>
      expect(canvas.getByRole('heading', { name: 'Active sessions' })).toHaveFocus(),
    );
    const { session, devices } = scenarioOf(loaded);
    // Only this device: the others stay signed in.
    await expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);
  },
};

/** Another device signs this one out ("others" from the ThinkPad): the reason is given. */
export const SignedOutFromAnotherDevice: Story = {
  loaders: withScenario({ devices: otherDevices }),
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const { devices, queryClient } = scenarioOf(loaded);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await devices[THINKPAD]!.client.revokeSessions('others');
    await queryClient.refetchQueries();
    const status = await canvas.findByText(/You are signed out/, {}, LOAD);
    await expect(status).toHaveAttribute('role', 'status');
    await expect(status).toHaveTextContent(
      'You are signed out. This session was signed out from another device.',
    );
    await expect(canvas.queryByRole('alert')).toBeNull();
  },
};

interface Counting {
  revokes: number;
}

/**
 * "Sign out other sessions" while the server is slow: the button says it is pending, and
 * neither it nor the rows (shown again by a refresh) can start a second revocation.
 */
export const PendingRevoke: Story = {
  loaders: [
    async () => {
      const counting: Counting = { revokes: 0 };
      const scenario = await createScenario({
        devices: otherDevices,
        fetch: (inner) =>
          (async (input: RequestInfo | URL, init?: RequestInit) => {
            const url = input instanceof Request ? input.url : String(input);
            if (new URL(url).pathname.endsWith('/me/revoke')) counting.revokes += 1;
            return inner(input, init);
          }) as typeof fetch,
        prepare: (session) =>
          session.server.faults.add({ path: '/me/revoke', latencyMs: 3_600_000, times: 100 }),
      });
      return { scenario, counting };
    },
  ],
  args: { confirm: false },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const { queryClient } = scenarioOf(loaded);
    const counting = loaded.counting as Counting;
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out other sessions' }));

    const pending = await canvas.findByRole('button', {
      name: 'Sign out other sessions (Signing out…)',
    });
    await expect(pending).toHaveAttribute('aria-disabled', 'true');
    await expect(pending).toHaveAttribute('data-state', 'pending');
    await waitFor(() => expect(counting.revokes).toBe(1));
    // Optimistically gone: only this device is listed.
    await waitFor(() => expect(canvas.getAllByRole('rowheader')).toHaveLength(1));

    // A refresh shows them again (the server has not revoked yet), each marked pending.
    await queryClient.refetchQueries();
    const row = await canvas.findByRole('button', { name: 'Signing out Pixel 9…' }, LOAD);
    await expect(row).toHaveAttribute('aria-disabled', 'true');
    await expect(row).toHaveTextContent('Signing out…');
    await expect(row.closest('tr')).toHaveAttribute('aria-busy', 'true');
    await expect(row.closest('tr')).toHaveAttribute('data-state', 'pending');
    // This device is not covered by "others".
    await expect(canvas.getByRole('button', { name: /^Sign out MacBook Pro/ })).not.toHaveAttribute(
      'aria-disabled',
    );

    // Pressing what is pending starts nothing more.
    await userEvent.click(pending);
    await userEvent.click(row);
    await expect(canvas.queryByRole('dialog')).toBeNull();
    await expect(counting.revokes).toBe(1);
  },
};

/** "Sign out other sessions" refused: every row comes back, with an alert that can be dismissed. */
export const BulkRevokeFailure: Story = {
  loaders: withScenario({
    devices: otherDevices,
    prepare: (session) =>
      session.server.faults.add({ path: '/me/revoke', status: 500, times: 100 }),
  }),
  play: async ({ canvasElement, loaded, args }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    const trigger = canvas.getByRole('button', { name: 'Sign out other sessions' });
    await userEvent.click(trigger);
    const dialog = await canvas.findByRole('dialog', { name: 'Sign out other sessions?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));

    const alert = await canvas.findByRole('alert', {}, LOAD);
    await expect(alert).toHaveAttribute('data-state', 'error');
    await expect(alert).toHaveTextContent(
      'The sessions could not be signed out. Please try again.',
    );
    await waitFor(() => expect(canvas.getAllByRole('rowheader')).toHaveLength(4));
    await expect(trigger).not.toHaveAttribute('aria-disabled');
    await expect(args.onRevoked).not.toHaveBeenCalled();
    const { session, devices } = scenarioOf(loaded);
    for (const device of devices) {
      await expect(await session.server.admin.isSessionActive(device.sessionId)).toBe(true);
    }

    // Dismissed: the alert goes, and focus goes to the heading rather than <body>.
    await userEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(canvas.queryByRole('alert')).toBeNull());
    await waitFor(() =>
      expect(canvas.getByRole('heading', { name: 'Active sessions' })).toHaveFocus(),
    );
  },
};

interface Question {
  request: ConfirmRequest;
  resolve: (confirmed: boolean) => void;
}

/** An app's own confirmation UI, passed as `confirm={(request) => Promise<boolean>}`. */
function WithOwnConfirm({ scenario, ...props }: ActiveSessionsTableProps & { scenario: Scenario }) {
  const [question, setQuestion] = useState<Question | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const bodyId = useId();
  const confirm = useCallback(
    (request: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        opener.current = document.activeElement as HTMLElement | null;
        setQuestion({ request, resolve });
      }),
    [],
  );
  const answer = (confirmed: boolean) => {
    question?.resolve(confirmed);
    setQuestion(null);
    if (!confirmed) opener.current?.focus();
  };
  return (
    <div style={{ display: 'grid', gap: '1rem' }}>
      <Table scenario={scenario} {...props} confirm={confirm} />
      {question ? (
        <div
          role="alertdialog"
          aria-labelledby={titleId}
          aria-describedby={bodyId}
          style={{ border: '2px solid #b42318', borderRadius: 8, padding: '1rem' }}
        >
          <p id={titleId} style={{ fontWeight: 700, margin: 0 }}>
            {question.request.title}
          </p>
          <p id={bodyId}>{question.request.description}</p>
          <button type="button" autoFocus onClick={() => answer(false)}>
            Keep it
          </button>{' '}
          <button type="button" onClick={() => answer(true)}>
            {`Yes: ${question.request.confirmLabel}`}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** `confirm` as a function: the app's own confirmation instead of the built-in dialog. */
export const CustomConfirm: Story = {
  loaders: withScenario({ devices: otherDevices }),
  render: (args, { loaded }) => <WithOwnConfirm scenario={scenarioOf(loaded)} {...args} />,
  play: async ({ canvasElement, loaded, args }) => {
    const canvas = within(canvasElement);
    const { session, devices } = scenarioOf(loaded);
    const revoke = await canvas.findByRole('button', { name: 'Revoke Pixel 9 session' }, LOAD);

    // Refused: nothing is revoked, and the built-in dialog never shows.
    await userEvent.click(revoke);
    const question = await canvas.findByRole('alertdialog', { name: 'Revoke Pixel 9 session?' });
    await expect(question).toHaveAccessibleDescription(
      'Pixel 9 will be signed out and must sign in again.',
    );
    await expect(canvas.queryByRole('dialog')).toBeNull();
    await userEvent.click(within(question).getByRole('button', { name: 'Keep it' }));
    await waitFor(() => expect(canvas.queryByRole('alertdialog')).toBeNull());
    await expect(canvas.getByRole('rowheader', { name: /Pixel 9/ })).toBeVisible();
    await expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);

    // The actions above the table go through it too.
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out everywhere' }));
    const everywhere = await canvas.findByRole('alertdialog', { name: 'Sign out everywhere?' });
    await userEvent.click(within(everywhere).getByRole('button', { name: 'Keep it' }));
    await waitFor(() => expect(canvas.queryByRole('alertdialog')).toBeNull());
    await expect(canvasElement.querySelector('.rds-root')).toHaveAttribute('data-state', 'ready');

    // Accepted: really revoked.
    await userEvent.click(revoke);
    const again = await canvas.findByRole('alertdialog', { name: 'Revoke Pixel 9 session?' });
    await userEvent.click(within(again).getByRole('button', { name: 'Yes: Revoke' }));
    await waitFor(() => expect(canvas.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull());
    await waitFor(() =>
      expect(args.onRevoked).toHaveBeenCalledWith({ session: devices[PIXEL]!.sessionId }),
    );
    await expect(args.onRevoked).toHaveBeenCalledTimes(1);
    await expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(false);
  },
};

/** Hostile device strings from a backend (markup, controls, bidi overrides, huge, blank, odd types). */
const HOSTILE: Record<string, Record<string, unknown>> = {
  h1: { device_model: '<img src=x onerror="window.__rdsXss=1">Evil' },
  h2: { device_model: '\u202Eexe.sgnidniw\u202C\u0007 Laptop\u0000', country_code: 'ZZ' },
  h3: { device_model: 'W'.repeat(400), country_code: 'XSS' },
  h4: { device_model: 'هاتف أحمد الجديد', country_code: 'EG' },
  h5: { device_model: ' \n\t ', device_type: 'mobile' },
  h6: {
    device_type: 'toaster',
    device_model: '',
    os_version: 'Linux\r\nX-Injected: 1',
    browser_name: '<script>window.__rdsXss=2</script>',
    browser_version: '9'.repeat(100),
  },
};

const hostileDevices = Object.keys(HOSTILE).map((model) => ({
  deviceType: 'desktop' as const,
  model,
  country: 'NL',
}));

/** Long and hostile device names from a backend: shown as plain, bounded, readable text. */
export const HostileDeviceNames: Story = {
  loaders: withScenario({
    devices: hostileDevices,
    fetch: rewriteList((body) => ({
      ...body,
      sessions: body.sessions.map((row) => {
        const hostile = HOSTILE[row.device_model as string];
        return hostile ? { ...row, ...hostile } : row;
      }),
    })),
  }),
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const { session, devices } = scenarioOf(loaded);
    await canvas.findByRole('rowheader', { name: /Evil/ }, LOAD);
    await expect(canvas.getAllByRole('rowheader')).toHaveLength(7);

    // Markup stays text.
    await expect(canvasElement.querySelector('img, script')).toBeNull();
    await expect((window as unknown as { __rdsXss?: number }).__rdsXss).toBeUndefined();
    await expect(canvas.getByText('<img src=x onerror="window.__rdsXss=1">Evil')).toBeVisible();
    await expect(canvas.getByText(/<script>window.__rdsXss=2<\/script>/)).toBeVisible();

    // No control or bidi-control character reaches the page, nor any accessible name.
    for (const header of canvas.getAllByRole('rowheader')) {
      await expect(CONTROLS.test(header.textContent ?? '')).toBe(false);
    }
    for (const button of canvas.getAllByRole('button')) {
      await expect(CONTROLS.test(button.getAttribute('aria-label') ?? '')).toBe(false);
    }
    await expect(canvas.getByText(/^exe\.sgnidniw\s+Laptop$/)).toBeVisible();

    // Bounded: 120 characters with an ellipsis; the browser version, 32.
    const names = [...canvasElement.querySelectorAll('.rds-device-name')].map(
      (name) => name.textContent ?? '',
    );
    const long = names.find((name) => name.startsWith('WWW'))!;
    await expect([...long]).toHaveLength(120);
    await expect(long.endsWith('W…')).toBe(true);
    await expect(canvas.getByText(new RegExp(`${'9'.repeat(31)}…`))).toBeVisible();

    // Blank model: the type's name. Unknown type: "Unknown device", with its icon.
    await expect(names).toContain('Phone');
    await expect(names).toContain('Unknown device');
    await expect(canvasElement.querySelector('tr[data-device-type="unknown"]')).not.toBeNull();
    // Right-to-left text keeps its words.
    await expect(names).toContain('هاتف أحمد الجديد');

    // Nothing spills sideways.
    const root = canvasElement.querySelector<HTMLElement>('.rds-root')!;
    await expect(root.scrollWidth).toBeLessThanOrEqual(root.clientWidth + 1);

    // The sessions are real: the bidi one can be revoked by its cleaned name.
    const bidi = devices[1]!;
    await userEvent.click(
      canvas.getByRole('button', { name: /^Revoke exe\.sgnidniw\s+Laptop session$/ }),
    );
    const dialog = await canvas.findByRole('dialog');
    await expect(CONTROLS.test(dialog.textContent ?? '')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(canvas.getAllByRole('rowheader')).toHaveLength(6), LOAD);
    await waitFor(async () =>
      expect(await session.server.admin.isSessionActive(bidi.sessionId)).toBe(false),
    );
  },
};

const FLAGS = '🇫🇷'.repeat(130);
const FAMILY = '👨‍👩‍👧'.repeat(130);

/**
 * Long names of emoji, cut at the 120-character bound. The README promises names are
 * "cut by character, never inside one": a flag or a family emoji is one character to
 * the reader, so the cut must not leave half a flag (a stray regional-indicator letter)
 * or a family missing members before the ellipsis.
 */
export const LongEmojiNames: Story = {
  loaders: withScenario({
    devices: [
      { deviceType: 'mobile', model: 'flags', country: 'FR' },
      { deviceType: 'tablet', model: 'family', country: 'FR' },
    ],
    fetch: rewriteList((body) => ({
      ...body,
      sessions: body.sessions.map((row) =>
        row.device_model === 'flags'
          ? { ...row, device_model: FLAGS }
          : row.device_model === 'family'
            ? { ...row, device_model: FAMILY }
            : row,
      ),
    })),
  }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('rowheader', { name: /🇫🇷/ }, LOAD);
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);
    const names = [...canvasElement.querySelectorAll('.rds-device-name')].map(
      (name) => name.textContent ?? '',
    );
    const flags = graphemes(names.find((name) => name.startsWith('🇫🇷'))!);
    const family = graphemes(names.find((name) => name.startsWith('👨'))!);
    await expect(flags.at(-1)).toBe('…');
    await expect(family.at(-1)).toBe('…');
    // Every character before the ellipsis is a whole flag / a whole family.
    await expect({
      brokenFlags: flags.slice(0, -1).filter((g) => g !== '🇫🇷'),
      brokenFamilies: family.slice(0, -1).filter((g) => g !== '👨‍👩‍👧'),
    }).toEqual({ brokenFlags: [], brokenFamilies: [] });
  },
};

/** Arabic strings for the RightToLeft story. */
const arabicMessages: ActiveSessionsMessagesInput = {
  title: 'الجلسات النشطة',
  caption: 'الأجهزة المسجّل دخولها إلى حسابك',
  columnDevice: 'الجهاز',
  columnLocation: 'الموقع',
  columnSignedIn: 'تسجيل الدخول',
  columnLastActive: 'آخر نشاط',
  columnExpires: 'الانتهاء',
  columnActions: 'الإجراءات',
  deviceTypes: {
    desktop: 'حاسوب',
    mobile: 'هاتف',
    tablet: 'جهاز لوحي',
    unknown: 'جهاز غير معروف',
  },
  thisDevice: 'هذا الجهاز',
  revoke: 'إلغاء',
  revokeLabel: (device) => `إلغاء جلسة ${device}`,
  signOut: 'تسجيل الخروج',
  signOutLabel: (device) => `تسجيل الخروج من ${device} (هذا الجهاز)`,
  pending: 'جارٍ تسجيل الخروج…',
  pendingLabel: (device) => `جارٍ تسجيل خروج ${device}…`,
  actionsLabel: 'إجراءات الجلسات',
  signOutOthers: 'تسجيل الخروج من الجلسات الأخرى',
  signOutMine: 'تسجيل الخروج من هذا الجهاز',
  signOutAll: 'تسجيل الخروج من كل مكان',
  confirmTitle: (target, device) =>
    target === 'others'
      ? 'تسجيل الخروج من الجلسات الأخرى؟'
      : target === 'mine'
        ? 'تسجيل الخروج من هذا الجهاز؟'
        : target === 'all'
          ? 'تسجيل الخروج من كل مكان؟'
          : `إلغاء جلسة ${device}؟`,
  confirmBody: (target, device) =>
    typeof target === 'object'
      ? `سيتم تسجيل خروج ${device} وعليه تسجيل الدخول من جديد.`
      : 'سيتم تسجيل خروج الأجهزة المعنية.',
  confirmButton: (target) => (typeof target === 'object' ? 'إلغاء' : 'تسجيل الخروج'),
  cancel: 'تراجع',
  loading: 'جارٍ تحميل الجلسات…',
  empty: 'لا توجد جلسات نشطة.',
  loadError: 'تعذّر تحميل جلساتك.',
  refreshError: 'تعذّر تحديث جلساتك؛ قد تكون القائمة قديمة.',
  retry: 'إعادة المحاولة',
  signedOut: () => 'لقد سجّلت الخروج.',
  revokeFailed: (_target, device) =>
    device ? `تعذّر تسجيل خروج ${device}.` : 'تعذّر تسجيل خروج الجلسات.',
  revoked: (_target, device) => (device ? `تم تسجيل خروج ${device}.` : 'تم تسجيل خروج الجلسات.'),
  dismiss: 'إغلاق',
  paginationLabel: 'الصفحات',
  previousPage: 'السابق',
  nextPage: 'التالي',
  pageRange: ({ from, to, total }) => `${from}–${to} من ${total}`,
};

/** Arabic, right to left: mirrored layout, Arabic country names and digits, two pages. */
export const RightToLeft: Story = {
  loaders: withScenario({ devices: otherDevices }),
  render: (args, { loaded }) => (
    <div lang="ar" dir="rtl">
      <Table
        scenario={scenarioOf(loaded)}
        {...args}
        locale="ar-EG"
        pageSize={2}
        messages={arabicMessages}
      />
    </div>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const country = new Intl.DisplayNames('ar-EG', { type: 'region' });
    const number = new Intl.NumberFormat('ar-EG');
    await canvas.findByRole('table', { name: 'الأجهزة المسجّل دخولها إلى حسابك' }, LOAD);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await expect(canvas.getByRole('cell', { name: country.of('FR') })).toBeVisible();

    const pages = canvas.getByRole('navigation', { name: 'الجلسات النشطة الصفحات' });
    await expect(pages).toHaveTextContent(
      `${number.format(1)}–${number.format(2)} من ${number.format(4)}`,
    );
    const previous = within(pages).getByRole('button', { name: 'السابق' });
    const next = within(pages).getByRole('button', { name: 'التالي' });
    // Mirrored: "Previous" is on the right, "Next" on the left.
    await expect(previous.getBoundingClientRect().left).toBeGreaterThan(
      next.getBoundingClientRect().right - 1,
    );
    await expect(getComputedStyle(canvas.getByRole('table')).direction).toBe('rtl');
    await userEvent.click(next);
    await waitFor(() =>
      expect(pages).toHaveTextContent(
        `${number.format(3)}–${number.format(4)} من ${number.format(4)}`,
      ),
    );
    await canvas.findByRole('cell', { name: country.of('DE') }, LOAD);

    // The dialog speaks Arabic too; Escape cancels.
    await userEvent.click(canvas.getByRole('button', { name: 'إلغاء جلسة ThinkPad X1' }));
    const dialog = await canvas.findByRole('dialog', { name: 'إلغاء جلسة ThinkPad X1؟' });
    await expect(within(dialog).getByRole('button', { name: 'تراجع' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(canvas.queryByRole('dialog')).toBeNull());
  },
};

const LOCALES = ['de-DE', 'pt-BR', 'ru-RU', 'hi-IN', 'zh-CN', 'ko-KR', 'he-IL', 'th-TH'];

/**
 * Eight locales at once with the English messages: dates, countries and numbers follow
 * `locale`, and carry its `lang`, since they differ from the messages around them.
 */
export const ManyLocales: Story = {
  loaders: withScenario({ devices: otherDevices }),
  render: (args, { loaded }) => {
    const scenario = scenarioOf(loaded);
    return (
      <SessionProvider client={scenario.client} queryClient={scenario.queryClient}>
        <div lang="en" style={{ display: 'grid', gap: '1.5rem' }}>
          {LOCALES.map((locale) => (
            <ActiveSessionsTable
              key={locale}
              {...args}
              now={scenario.now}
              locale={locale}
              pageSize={3}
              columns={['device', 'location', 'lastActive']}
              // Each table's pagination needs its own label too (see TwoAccountsPaging).
              messages={{
                title: `Active sessions (${locale})`,
                paginationLabel: `Sessions pages (${locale})`,
              }}
              data-locale={locale}
            />
          ))}
        </div>
      </SessionProvider>
    );
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    for (const locale of LOCALES) {
      const region = within(
        await canvas.findByRole('region', { name: `Active sessions (${locale})` }, LOAD),
      );
      const france = new Intl.DisplayNames(locale, { type: 'region' }).of('FR')!;
      await region.findByRole('cell', { name: france }, LOAD);
      await expect(region.getByRole('cell', { name: france }).firstElementChild).toHaveAttribute(
        'lang',
        locale,
      );
      const number = new Intl.NumberFormat(locale);
      await expect(region.getByRole('navigation')).toHaveTextContent(
        `${number.format(1)}–${number.format(3)} of ${number.format(4)}`,
      );
      for (const time of canvasElement.querySelectorAll(`[data-locale="${locale}"] time`)) {
        await expect(time).toHaveAttribute('lang', locale);
        await expect(time.getAttribute('title')).not.toBe('');
      }
    }
  },
};

/** Every state in the dark theme, forced on an ancestor (`[data-theme="dark"]`), for contrast. */
export const DarkAllStates: Story = {
  loaders: withScenarios({
    ...stateScenarios,
    stale: { devices: otherDevices.slice(1) },
  }),
  render: (args, { loaded }) => {
    const all = scenariosOf<keyof typeof stateScenarios | 'stale'>(loaded);
    const titled = (title: string) => ({ ...args, messages: { title } });
    return (
      <div data-theme="dark" style={{ background: '#0b0d12', padding: '1rem' }}>
        <div style={{ display: 'grid', gap: '1.5rem' }}>
          <Table scenario={all.ready} {...titled('Ready (dark)')} pageSize={2} />
          <Table scenario={all.stale} {...titled('Out of date (dark)')} />
          <Table scenario={all.failure} {...titled('Revocation failed (dark)')} confirm={false} />
          <Table
            scenario={all.pending}
            {...titled('Revocation in flight (dark)')}
            confirm={false}
          />
          <Table scenario={all.loading} {...titled('Loading (dark)')} />
          <Table scenario={all.empty} {...titled('Empty (dark)')} />
          <Table scenario={all.error} {...titled('Load error (dark)')} />
          <Table scenario={all.signedOut} {...titled('Signed out (dark)')} />
        </div>
      </div>
    );
  },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const all = scenariosOf<keyof typeof stateScenarios | 'stale'>(loaded);
    const region = (name: string) => within(canvas.getByRole('region', { name }));

    const ready = region('Ready (dark)');
    await ready.findByRole('navigation', { name: 'Ready (dark) pages' }, LOAD);

    const stale = region('Out of date (dark)');
    await stale.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    all.stale.session.server.faults.add({ path: '/me/list', status: 503, times: 1000 });
    await all.stale.queryClient.refetchQueries();
    await stale.findByRole('alert', {}, LOAD);

    const failure = region('Revocation failed (dark)');
    await userEvent.click(
      await failure.findByRole('button', { name: 'Revoke Pixel 9 session' }, LOAD),
    );
    await failure.findByRole('alert', {}, LOAD);

    const pending = region('Revocation in flight (dark)');
    await userEvent.click(
      await pending.findByRole('button', { name: 'Sign out other sessions' }, LOAD),
    );
    await all.pending.queryClient.refetchQueries();
    await pending.findByRole('button', { name: 'Signing out Pixel 9…' }, LOAD);

    await region('Empty (dark)').findByText('No active sessions.', {}, LOAD);
    await region('Load error (dark)').findByRole('alert', {}, LOAD);
    await region('Signed out (dark)').findByText(/You are signed out/, {}, LOAD);

    // Every table really is dark.
    for (const root of canvasElement.querySelectorAll('.rds-root')) {
      await expect(getComputedStyle(root).colorScheme).toBe('dark');
    }
  },
};

/** The dark theme's dialog, open over a failure alert (the axe check runs with it open). */
export const DarkDialog: Story = {
  loaders: withScenario({
    devices: otherDevices,
    prepare: (session) => session.server.faults.add({ path: '/me/revoke', status: 500, times: 1 }),
  }),
  render: (args, { loaded }) => <Table scenario={scenarioOf(loaded)} {...args} data-theme="dark" />,
  decorators: [
    (Story: () => ReactNode) => (
      <div style={{ background: '#0b0d12', padding: '1rem' }}>
        <Story />
      </div>
    ),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(
      await canvas.findByRole('button', { name: 'Revoke Pixel 9 session' }, LOAD),
    );
    await userEvent.click(
      within(await canvas.findByRole('dialog')).getByRole('button', { name: 'Revoke' }),
    );
    await canvas.findByRole('alert', {}, LOAD);
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out everywhere' }));
    const dialog = await canvas.findByRole('dialog', { name: 'Sign out everywhere?' });
    await expect(getComputedStyle(dialog).colorScheme).toBe('dark');
    await expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
  },
};

/** Some strings overridden, the rest kept English; the announcement after a revoke is yours too. */
export const CustomMessages: Story = {
  loaders: withScenario({ devices: otherDevices }),
  args: {
    pageSize: 2,
    messages: {
      title: 'Where you’re signed in',
      deviceTypes: { mobile: 'Mobile phone' },
      deviceName: (model, type) => (model ? `${model} (${type})` : type),
      revoke: 'Log out',
      revokeLabel: (device) => `Log out ${device}`,
      confirmTitle: (target, device) =>
        typeof target === 'object' ? `Log out ${device}?` : 'Are you sure?',
      confirmButton: () => 'Yes, log out',
      revoked: (_target, device) => `Done: ${device} is logged out.`,
      pageRange: ({ from, to, total }) => `Sessions ${from} to ${to} (${total} in all)`,
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('heading', { name: 'Where you’re signed in' }, LOAD);
    const revoke = await canvas.findByRole(
      'button',
      { name: 'Log out Pixel 9 (Mobile phone)' },
      LOAD,
    );
    await expect(revoke).toHaveTextContent('Log out');
    // Not overridden: English defaults, and the other device types' default names.
    await expect(canvas.getByRole('button', { name: 'Sign out everywhere' })).toBeVisible();
    await expect(canvas.getByRole('columnheader', { name: 'Last active' })).toBeInTheDocument();
    await expect(
      canvas.getByRole('navigation', { name: 'Where you’re signed in pages' }),
    ).toHaveTextContent('Sessions 1 to 2 (4 in all)');

    await userEvent.click(revoke);
    const dialog = await canvas.findByRole('dialog', { name: 'Log out Pixel 9 (Mobile phone)?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Yes, log out' }));
    await waitFor(() =>
      expect(canvas.getByRole('status')).toHaveTextContent(
        'Done: Pixel 9 (Mobile phone) is logged out.',
      ),
    );
    await expect(
      canvas.getByRole('navigation', { name: 'Where you’re signed in pages' }),
    ).toHaveTextContent('Sessions 1 to 2 (3 in all)');
  },
};

/**
 * The slots' contexts: `renderActions` wraps `defaultActions` and reads `isPending`;
 * `renderRowAction` wraps `defaultButton` and reads `pending`.
 */
export const CustomSlotsWhilePending: Story = {
  loaders: withScenario({
    devices: otherDevices,
    prepare: (session) =>
      session.server.faults.add({ path: '/me/revoke', latencyMs: 3_600_000, times: 100 }),
  }),
  args: {
    confirm: false,
    renderActions: ({ defaultActions, isPending, requestRevoke }) => (
      <div style={{ display: 'grid', gap: 8, justifyItems: 'start' }}>
        {defaultActions}
        <button
          type="button"
          className="rds-button"
          aria-disabled={isPending('others') || undefined}
          onClick={() => requestRevoke('others')}
        >
          {isPending('others') ? 'Logging the others out…' : 'Log the others out'}
        </button>
      </div>
    ),
    renderRowAction: (_session, { defaultButton, pending, device }) => (
      <span style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
        {pending ? <small>{`${device.name} is queued`}</small> : null}
        {defaultButton}
      </span>
    ),
  },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('rowheader', { name: /Pixel 9/ }, LOAD);
    await userEvent.click(canvas.getByRole('button', { name: 'Log the others out' }));
    const mine = await canvas.findByRole('button', { name: 'Logging the others out…' });
    await expect(mine).toHaveAttribute('aria-disabled', 'true');
    // The default button shares the same pending state.
    await expect(
      canvas.getByRole('button', { name: 'Sign out other sessions (Signing out…)' }),
    ).toHaveAttribute('data-state', 'pending');

    await scenarioOf(loaded).queryClient.refetchQueries();
    await canvas.findByText('Pixel 9 is queued', {}, LOAD);
    await expect(canvas.getByText('iPad Air is queued')).toBeVisible();
    await expect(canvas.queryByText('MacBook Pro is queued')).toBeNull();
  },
};

/** `pageSize`, `columns` (order, duplicates dropped) and `headingLevel`, paging both ways. */
export const PageSizeColumnsHeading: Story = {
  loaders: withScenario({ devices: manyDevices(6) }),
  args: {
    pageSize: 3,
    columns: ['device', 'lastActive', 'device', 'actions'],
    headingLevel: 3,
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const pages = await canvas.findByRole('navigation', { name: 'Active sessions pages' }, LOAD);
    await expect(canvas.getByRole('heading', { level: 3, name: 'Active sessions' })).toBeVisible();
    await expect(canvas.getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Device',
      'Last active',
      'Actions',
    ]);
    await expect(canvas.getAllByRole('rowheader')).toHaveLength(3);
    await expect(pages).toHaveTextContent('1–3 of 7');

    const previous = within(pages).getByRole('button', { name: 'Previous' });
    const next = within(pages).getByRole('button', { name: 'Next' });
    await expect(previous).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(next);
    await waitFor(() => expect(pages).toHaveTextContent('4–6 of 7'));
    await userEvent.click(next);
    await waitFor(() => expect(pages).toHaveTextContent('7–7 of 7'));
    await expect(next).toHaveAttribute('aria-disabled', 'true');
    await expect(next).toHaveFocus();
    await userEvent.click(previous);
    await waitFor(() => expect(pages).toHaveTextContent('4–6 of 7'));
    await expect(canvas.getAllByRole('rowheader')).toHaveLength(3);
  },
};

/**
 * Two accounts' tables on one page (one `<SessionProvider>` each), titled apart, both
 * paging. Each pagination is named after its table's title ("Work account pages"), so the
 * two navigation landmarks differ, as the axe check (landmark-unique) wants.
 */
export const TwoAccountsPaging: Story = {
  loaders: withScenarios({
    work: { devices: otherDevices },
    personal: { devices: otherDevices.slice(1) },
  }),
  args: { pageSize: 2 },
  render: (args, { loaded }) => {
    const { work, personal } = scenariosOf<'work' | 'personal'>(loaded);
    return (
      <div style={{ display: 'grid', gap: '1.5rem' }}>
        <Table scenario={work} {...args} messages={{ title: 'Work account' }} />
        <Table scenario={personal} {...args} messages={{ title: 'Personal account' }} />
      </div>
    );
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const work = within(await canvas.findByRole('region', { name: 'Work account' }, LOAD));
    const personal = within(canvas.getByRole('region', { name: 'Personal account' }));
    await expect(
      await work.findByRole('navigation', { name: 'Work account pages' }, LOAD),
    ).toHaveTextContent('1–2 of 4');
    await expect(
      await personal.findByRole('navigation', { name: 'Personal account pages' }, LOAD),
    ).toHaveTextContent('1–2 of 3');
  },
};
