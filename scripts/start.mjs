#!/usr/bin/env node
// `npm start`: the demo app and the reference session server on one origin.
// Vite loads the TypeScript demo server directly, so no build step is needed.
import { runnerImport } from 'vite';

const port = process.env.PORT || '5173';
if (!/^\d+$/.test(port) || Number(port) > 65535) {
  console.error(`\n  PORT must be a port number from 0 to 65535, not "${port}".\n`);
  process.exit(1);
}

const { module } = await runnerImport('./examples/demo/server/startDemoServer.ts');
const demo = await module
  .startDemoServer({
    mode: process.env.DEMO_MODE === 'static' ? 'static' : 'dev',
    port: Number(port),
  })
  .catch((error) => {
    if (error?.code !== 'EADDRINUSE') throw error;
    console.error(
      `\n  Port ${error.port} is in use. Pick another: PORT=5174 npm start (PORT=0 picks a free one).\n`,
    );
    process.exit(1);
  });

console.log(`
  react-dpop-session demo is running:

    ${demo.url}

  Sign in as demo@example.com / demo (pre-filled). Three sessions from other
  devices are seeded, so the Account page has something to show.
  Press Ctrl+C to stop.
`);

const stop = async () => {
  await demo.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
