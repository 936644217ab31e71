import type { CSSProperties, HTMLAttributes } from 'react';

// Inline, so hidden labels stay hidden with `unstyled` or without the stylesheet.
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/** Text for assistive technology only. */
export function VisuallyHidden({ style, className, ...rest }: HTMLAttributes<HTMLSpanElement>) {
  return (
    <span
      className={className ?? 'rds-visually-hidden'}
      style={{ ...visuallyHidden, ...style }}
      {...rest}
    />
  );
}
