import type { Preview } from '@storybook/react-vite';
import '../src/components/ActiveSessionsTable/styles.css';

const preview: Preview = {
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    // Every story is also a test: any axe violation fails it.
    a11y: { test: 'error' },
  },
};

export default preview;
