import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The package as an app installs it: package.json plus a fresh build, under node_modules/. */
export interface BuiltPackage {
  /** A directory whose node_modules/ holds the package; probes run from here. */
  root: string;
  /** node_modules/react-dpop-session inside `root`. */
  packageDir: string;
  /** Its dist/ directory. */
  distDir: string;
  /** The repository's package.json, as shipped. */
  manifest: PackageManifest;
  /** Names of the built files in dist/. */
  files: string[];
  /** Reads a built file. */
  read(file: string): Promise<string>;
  /** Runs an ES module in a fresh plain Node process from `root`; resolves to what it prints as JSON. */
  runInNode<T = unknown>(source: string): Promise<T>;
  /** Deletes the build. */
  remove(): Promise<void>;
}

/** The package.json fields these tests read. */
export interface PackageManifest {
  name: string;
  exports: Record<string, string | Record<string, Record<string, string>>>;
  sideEffects: boolean | string[];
  engines?: Record<string, string>;
  files?: string[];
  main?: string;
  types?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

let probes = 0;

/**
 * Builds the package with the real tsup.config.ts (JavaScript only: declarations are
 * checked by `npm run check:packaging`) into a temporary install inside this repository's
 * node_modules/, so that the package's own dependencies resolve the way they do in an app.
 */
export async function buildPackage(): Promise<BuiltPackage> {
  const cacheDir = join(repoRoot, 'node_modules', '.cache');
  await mkdir(cacheDir, { recursive: true });
  const root = await mkdtemp(join(cacheDir, 'packaging-'));
  const packageDir = join(root, 'node_modules', 'react-dpop-session');
  const distDir = join(packageDir, 'dist');
  await mkdir(packageDir, { recursive: true });
  await copyFile(join(repoRoot, 'package.json'), join(packageDir, 'package.json'));
  await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { build } = await import('tsup');
       await build({ outDir: ${JSON.stringify(distDir)}, dts: false, silent: true });`,
    ],
    { cwd: repoRoot, env: plainEnv() },
  );
  const manifest = JSON.parse(
    await readFile(join(packageDir, 'package.json'), 'utf8'),
  ) as PackageManifest;
  const files = await readdir(distDir);
  return {
    root,
    packageDir,
    distDir,
    manifest,
    files,
    read: (file) => readFile(join(distDir, file), 'utf8'),
    async runInNode<T>(source: string): Promise<T> {
      const probe = join(root, `probe-${process.pid}-${++probes}.mjs`);
      await writeFile(probe, source);
      const { stdout } = await run(process.execPath, [probe], { cwd: root, env: plainEnv() });
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

// A child Node without the test runner's loader hooks or options.
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  return env;
}

/** The package's own built files an entry loads, following relative imports and requires. */
export async function moduleGraph(pkg: BuiltPackage, entry: string): Promise<Map<string, string>> {
  const graph = new Map<string, string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (graph.has(file)) continue;
    const code = await pkg.read(file);
    graph.set(file, code);
    for (const specifier of specifiersOf(code)) {
      if (specifier.startsWith('./')) pending.push(specifier.slice(2));
    }
  }
  return graph;
}

/** Every module specifier a built file imports, re-exports or requires. */
export function specifiersOf(code: string): string[] {
  const pattern =
    /(?:^|[\s;])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...code.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}
