#!/usr/bin/env node
// Competitors' browser auth SDKs, measured the way bench/size.mjs measures this kit, to
// back the README's size comparison. Versions are pinned so a figure only moves when a pin
// does; they install into a cache outside git rather than into the project's dependencies.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleOptions } from './size.mjs';
import { printTable } from './table.mjs';

const root = resolve(import.meta.dirname, '..');
const cacheDir = join(root, '.bench-cache/competitors');

// Exact versions from `npm view <pkg> version`; bump them together with the README.
const pins = {
  '@auth0/auth0-spa-js': '2.28.3',
  'oidc-client-ts': '3.5.0',
  '@supabase/auth-js': '2.119.2',
  '@prelude.so/js-sdk': '0.6.0',
  '@clerk/clerk-js': '6.40.0',
  dpop: '2.1.2',
};

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

// Each entry is what an app imports to hold a session, nothing more.
const competitors = [
  { pkg: '@auth0/auth0-spa-js', names: 'Auth0Client, createAuth0Client' },
  { pkg: 'oidc-client-ts', names: 'UserManager' },
  { pkg: '@supabase/auth-js', names: 'GoTrueClient' },
  {
    pkg: '@prelude.so/js-sdk',
    path: '/session',
    names: 'PrldSessionClient',
    note: 'the default entry, which works without bundler setup',
  },
  {
    pkg: '@prelude.so/js-sdk',
    path: '/session/slim',
    names: 'PrldSessionClient',
    // Prelude's README asks esbuild users of the slim entry for this loader.
    loader: { '.wasm': 'file' },
    note: "slim entry, with the '.wasm: file' loader its README asks for",
  },
  {
    pkg: '@clerk/clerk-js',
    names: 'Clerk',
    // Clerk's React and Next SDKs load this build from Clerk's CDN instead of the app bundle.
    note: (dir) =>
      'no headless entry (exports are "." and "./no-rhc"), so this is the full client, ' +
      'wallet SDKs and password-strength dictionary inlined; may load Cloudflare Turnstile ' +
      `and Stripe.js from their CDNs (not counted); its CDN build clerk.browser.js is ` +
      `${gzip(readFileSync(join(dir, 'dist/clerk.browser.js')))} bytes gz plus lazy chunks`,
  },
  {
    pkg: '@clerk/clerk-js',
    path: '/no-rhc',
    names: 'Clerk',
    note: '"no remotely hosted code" entry: no captcha (Turnstile) or Stripe loading',
  },
  {
    pkg: 'dpop',
    names: 'generateKeyPair, generateProof',
    note: 'proofs only, a reference point: no token storage, refresh or session state',
  },
];

// bench/size.mjs's bundling options, so the figures compare; the others change no byte.
const options = {
  ...bundleOptions,
  // Only gives emitted assets (the slim .wasm) a name: nothing is written.
  outdir: join(cacheDir, 'out'),
  // Metafile paths become relative to the cache, whatever directory the caller runs in.
  absWorkingDir: cacheDir,
  assetNames: '[name]',
  external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'],
  logLevel: 'silent',
  metafile: true,
};

function installedVersion(pkg) {
  try {
    return JSON.parse(readFileSync(join(cacheDir, 'node_modules', pkg, 'package.json'), 'utf8'))
      .version;
  } catch {
    return undefined;
  }
}

function ensureInstalled() {
  mkdirSync(cacheDir, { recursive: true });
  // The project's .gitignore does not list the cache, so the cache ignores itself.
  writeFileSync(join(cacheDir, '../.gitignore'), '*\n');
  if (Object.entries(pins).every(([pkg, version]) => installedVersion(pkg) === version)) return;
  const manifest = { private: true, description: 'bench/competitors.mjs', dependencies: pins };
  writeFileSync(join(cacheDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: cacheDir,
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(`npm install failed: ${String(error.stderr).trim().split('\n').pop()}`);
  }
}

// A bundle's size leaves out what the browser fetches later, so say what that is.
async function bundle(stdin, loader) {
  const result = await build({ ...options, stdin, loader });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const code = new TextDecoder().decode(js.contents);
  const runtime = [];
  if (code.includes('data:application/wasm')) runtime.push('WASM inlined as base64');
  for (const asset of result.outputFiles.filter((file) => file !== js)) {
    runtime.push(
      `fetches ${asset.path.split('/').pop()}, ${gzip(asset.contents)} bytes gz (not counted)`,
    );
  }
  // esbuild leaves `new Worker(new URL(...))` alone: the worker is a file of its own.
  const workers = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input === '<stdin>') continue;
    const source = readFileSync(resolve(cacheDir, input), 'utf8');
    const found = /new Worker\(\s*new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g;
    for (const [, file] of source.matchAll(found))
      workers.add(resolve(cacheDir, dirname(input), file));
  }
  for (const file of workers) {
    const worker = await bundle(
      { contents: readFileSync(file, 'utf8'), resolveDir: dirname(file) },
      loader,
    );
    // The worker fetches the same WASM file as the page: name it once.
    const own = worker.runtime.filter(
      (item) => !item.startsWith('fetches') || !runtime.includes(item),
    );
    runtime.push(
      `starts a worker, ${worker.gz} bytes gz (not counted)${own.length ? `: ${own.join(', ')}` : ''}`,
    );
  }
  if (!workers.size && /new Worker\(/.test(code)) runtime.push('starts a worker from inline code');
  return { minified: js.contents.length, gz: gzip(js.contents), runtime };
}

/** Figures as bench/size.mjs gives them; `value` is null when a package could not be bundled. */
export async function measureCompetitors() {
  let installError;
  try {
    ensureInstalled();
  } catch (error) {
    installError = error.message;
  }
  const figures = [];
  for (const { pkg, path = '', names, loader, note } of competitors) {
    const name = `${pkg}${path}@${pins[pkg]} { ${names} }, min+gzip`;
    try {
      if (installError) throw new Error(installError);
      const contents = `export { ${names} } from '${pkg}${path}';`;
      const { minified, gz, runtime } = await bundle({ contents, resolveDir: cacheDir }, loader);
      const noteText =
        typeof note === 'function' ? note(join(cacheDir, 'node_modules', pkg)) : note;
      const detail = [`${minified} bytes minified`, ...runtime, noteText]
        .filter(Boolean)
        .join('; ');
      figures.push({ name, value: gz, unit: 'bytes', detail });
    } catch (error) {
      const reason = error.errors?.[0]?.text ?? error.message;
      figures.push({ name, value: null, unit: 'bytes', detail: `not measured: ${reason}` });
    }
  }
  return figures;
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  // Run from the project root, like `npm run bench`: size.mjs resolves its entries from there.
  const { measureSizes } = await import('./size.mjs');
  const [ours] = await measureSizes();
  const figures = [ours, ...(await measureCompetitors())];
  const rows = figures.map((f) => [
    f.name,
    f.value === null ? 'n/a' : `${(f.value / 1024).toFixed(2)} KB`,
    f.value === null ? '' : `${(f.value / ours.value).toFixed(1)}x`,
    f.detail ?? '',
  ]);
  printTable(['figure', 'value', 'vs ours', 'detail'], rows);
}
