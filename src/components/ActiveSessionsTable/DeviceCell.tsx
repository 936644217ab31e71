import type { DeviceDescription } from './describeDevice';
import { DeviceIcon } from './DeviceIcon';
import type { ActiveSessionsMessages } from './messages';

/** Props of `<DeviceCell>`: the default content of the device column. */
export interface DeviceCellProps {
  device: DeviceDescription;
  isCurrent: boolean;
  messages: ActiveSessionsMessages;
}

/**
 * Icon, device name, OS and browser, and the "This device" badge. Server strings are
 * rendered as React text, so markup in them stays text.
 * @example <DeviceCell device={describeDevice(session, defaultMessages)} isCurrent messages={defaultMessages} />
 */
export function DeviceCell({ device, isCurrent, messages }: DeviceCellProps) {
  const meta = [device.os, device.browser].filter(Boolean).join(' · ');
  return (
    <span className="rds-device">
      <DeviceIcon type={device.type} />
      <span className="rds-device-text">
        <span className="rds-device-name">{device.name}</span>
        {isCurrent ? <span className="rds-badge">{messages.thisDevice}</span> : null}
        {meta ? <span className="rds-device-meta">{meta}</span> : null}
      </span>
    </span>
  );
}
