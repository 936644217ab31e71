import type { SVGProps } from 'react';
import type { DeviceType } from '../../client/types';
import { knownDeviceType } from './describeDevice';

const paths: Record<DeviceType, string> = {
  desktop: 'M3 4h18v12H3z M8 20h8 M12 16v4',
  mobile: 'M7 2h10v20H7z M11 18h2',
  tablet: 'M4 3h16v18H4z M11 18h2',
  unknown: 'M4 4h16v16H4z M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5V14 M12 17h.01',
};

/** Props of `<DeviceIcon>`: the device type plus any SVG attribute. */
export interface DeviceIconProps extends SVGProps<SVGSVGElement> {
  type: DeviceType | string;
}

/**
 * A small inline icon for a device type. Decorative: the text next to it names the device.
 * @example <DeviceIcon type="mobile" />
 */
export function DeviceIcon({ type, className, ...rest }: DeviceIconProps) {
  const known = knownDeviceType(type);
  return (
    <svg
      className={className ?? 'rds-device-icon'}
      data-device-type={known}
      viewBox="0 0 24 24"
      width="24"
      height="24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={paths[known]} />
    </svg>
  );
}
