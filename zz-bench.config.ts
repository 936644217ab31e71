import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchArgs, findChromium } from './scripts/chromium.mjs';
export default defineConfig({ mode: 'production', define: { 'process.env.NODE_ENV': '"production"' }, plugins: [react()], test: { include: ['bench/zz-table-draft.bench-browser.tsx'], browser: { enabled: true, headless: true, provider: playwright({ launchOptions: { executablePath: findChromium() ?? undefined, args: chromiumLaunchArgs } }), instances: [{ browser: 'chromium' }] } } });
