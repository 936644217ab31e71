import { useState, useSyncExternalStore } from 'react';
import { networkLog } from './networkLog';

const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Lists every call the session client made to /v1/session/*, with its status. */
export function NetworkPanel() {
  const entries = useSyncExternalStore(
    networkLog.subscribe,
    networkLog.getSnapshot,
    networkLog.getSnapshot,
  );
  const [open, setOpen] = useState(true);
  return (
    <aside className="demo-network" aria-labelledby="network-title" data-open={open}>
      <div className="demo-network-head">
        <h2 id="network-title">Session API calls</h2>
        <button
          type="button"
          className="demo-button demo-button-quiet"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide' : 'Show'}
        </button>
      </div>
      {open &&
        (entries.length === 0 ? (
          <p className="demo-hint">No calls yet.</p>
        ) : (
          <ol className="demo-network-list" data-testid="network-list">
            {entries.map((entry) => (
              <li key={entry.id} data-ok={typeof entry.status === 'number' && entry.status < 400}>
                <time dateTime={entry.at.toISOString()}>{time.format(entry.at)}</time>
                <span className="demo-network-method">{entry.method}</span>
                <span className="demo-network-path">{entry.path}</span>
                <span className="demo-network-status">{entry.status}</span>
                <span className="demo-network-ms">{Math.round(entry.ms)} ms</span>
              </li>
            ))}
          </ol>
        ))}
    </aside>
  );
}
