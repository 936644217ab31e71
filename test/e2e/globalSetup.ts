import { build } from 'vite';
import { demoRoot } from '../../examples/demo/server/startDemoServer';

/** End-to-end tests run against the built demo, never a dev server that re-optimizes mid-test. */
export default async function setup() {
  await build({ root: demoRoot, configFile: `${demoRoot}/vite.config.ts`, logLevel: 'warn' });
}
