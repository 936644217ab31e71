import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = fileURLToPath(new URL('../../src', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      {
        find: /^react-dpop-session\/styles\.css$/,
        replacement: `${src}/components/ActiveSessionsTable/styles.css`,
      },
      { find: /^react-dpop-session\/client$/, replacement: `${src}/client/index.ts` },
      { find: /^react-dpop-session$/, replacement: `${src}/index.ts` },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
