import { describe, expect, it, vi } from 'vitest';
import type { SessionPage, SessionView } from '../../src/client/types';
import { markOptimistic } from '../../src/react/optimisticPages';
import { shareSessionPage } from '../../src/react/shareSessionPage';

const at = (iso: string) => new Date(iso);

/** A row as `listSessions` makes it: fresh Date objects on every call. */
function row(id: string, lastSeen = '2026-11-23T10:00:00Z'): SessionView {
  return {
    id,
    deviceType: 'mobile',
    deviceModel: `Phone ${id}`,
    osVersion: 'Android 15',
    countryCode: 'FR',
    createdAt: at('2026-11-01T10:00:00Z'),
    lastSeenAt: at(lastSeen),
    expiresAt: at('2026-12-01T10:00:00Z'),
    isCurrent: id === 'a',
  };
}

const page = (sessions: SessionView[], total = sessions.length): SessionPage => ({
  sessions,
  total,
  limit: 10,
  offset: 0,
});

describe('shareSessionPage', () => {
  it('keeps the whole previous page when the new one is equal, dates compared by time', () => {
    const previous = page([row('a'), row('b'), row('c')]);
    expect(shareSessionPage(previous, page([row('a'), row('b'), row('c')]))).toBe(previous);
  });

  it('keeps the objects of equal rows when a row is removed and the others shift', () => {
    const previous = page([row('a'), row('b'), row('c'), row('d')]);
    const next = shareSessionPage(previous, page([row('a'), row('c'), row('d')], 3)) as SessionPage;
    expect(next).not.toBe(previous);
    expect(next.total).toBe(3);
    expect(next.sessions).toHaveLength(3);
    expect(next.sessions[0]).toBe(previous.sessions[0]);
    expect(next.sessions[1]).toBe(previous.sessions[2]);
    expect(next.sessions[2]).toBe(previous.sessions[3]);
  });

  it('gives a changed row the new object and keeps the others, even reordered', () => {
    const previous = page([row('a'), row('b'), row('c')]);
    const changed = row('c', '2026-11-23T11:00:00Z');
    const next = shareSessionPage(previous, page([changed, row('a'), row('b')])) as SessionPage;
    expect(next.sessions[0]).toBe(changed);
    expect(next.sessions[1]).toBe(previous.sessions[0]);
    expect(next.sessions[2]).toBe(previous.sessions[1]);
  });

  it('sees a field that appears, disappears or changes type as a change', () => {
    const previous = page([row('a'), row('b')]);
    const withBrowser = { ...row('a'), browserName: 'Firefox' };
    const stringDate = {
      ...row('b'),
      lastSeenAt: '2026-11-23T10:00:00Z',
    } as unknown as SessionView;
    const next = shareSessionPage(previous, page([withBrowser, stringDate])) as SessionPage;
    expect(next.sessions[0]).toBe(withBrowser);
    expect(next.sessions[1]).toBe(stringDate);
  });

  it('keeps the rows but not the page when only the total changed', () => {
    const previous = page([row('a'), row('b')], 2);
    const next = shareSessionPage(previous, page([row('a'), row('b')], 12)) as SessionPage;
    expect(next).not.toBe(previous);
    expect(next.total).toBe(12);
    expect(next.sessions).toBe(previous.sessions);
  });

  it('never returns a page written by an optimistic edit as it is', () => {
    const optimistic = page([row('a'), row('c')]);
    markOptimistic(optimistic);
    const next = shareSessionPage(optimistic, page([row('a'), row('c')])) as SessionPage;
    expect(next).not.toBe(optimistic);
    expect(next.sessions).toBe(optimistic.sessions);
  });

  it('knows a page as optimistic whichever copy of the package wrote it (ESM and CJS)', async () => {
    vi.resetModules();
    const copy = await import('../../src/react/optimisticPages');
    expect(copy.markOptimistic).not.toBe(markOptimistic);
    const optimistic = page([row('a'), row('c')]);
    copy.markOptimistic(optimistic);
    const next = shareSessionPage(optimistic, page([row('a'), row('c')])) as SessionPage;
    expect(next).not.toBe(optimistic);
    expect(next.sessions).toBe(optimistic.sessions);
  });

  it('passes through what is not a page', () => {
    const next = page([row('a')]);
    expect(shareSessionPage(undefined, next)).toBe(next);
    expect(shareSessionPage({ sessions: 'nope' }, next)).toBe(next);
    expect(shareSessionPage(next, null)).toBe(null);
  });
});
