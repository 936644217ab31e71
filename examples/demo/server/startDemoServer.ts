import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { createDemoBackend, type DemoBackend } from './demoBackend';
import type { SessionServerOptions } from '../../../src/server';

export const demoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface StartDemoServerOptions {
  /** Port to listen on; 0 picks a free one. Default `PORT` or 5173. */
  port?: number;
  host?: string;
  /** `"dev"`: Vite dev server with hot reload. `"static"`: the built app in dist/. */
  mode?: 'dev' | 'static';
  /** Seed sessions from other devices (default true). */
  seed?: boolean;
  /** Reference server options, for tests (rate limits off, faults, clocks...). */
  server?: Partial<SessionServerOptions>;
}

export interface DemoServer {
  url: string;
  backend: DemoBackend;
  vite?: ViteDevServer;
  close(): Promise<void>;
}

/**
 * One origin serving both the demo app and the reference session server, so the
 * refresh cookie is same-site with no CORS.
 */
export async function startDemoServer(options: StartDemoServerOptions = {}): Promise<DemoServer> {
  const { mode = 'dev', host = '127.0.0.1', seed = true } = options;
  const port = options.port ?? Number(process.env.PORT ?? 5173);
  const backend = await createDemoBackend({ seed, ...options.server });

  let serveApp: (
    req: Parameters<DemoBackend['handle']>[0],
    res: Parameters<DemoBackend['handle']>[1],
  ) => unknown = () => undefined;
  const http: Server = createServer((req, res) => {
    // One malformed request (`GET //`, a broken escape) gets a 400, never the whole demo.
    const refuse = () => {
      if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('Bad request');
    };
    try {
      backend.handle(req, res, () => Promise.resolve(serveApp(req, res)).catch(refuse));
    } catch {
      refuse();
    }
  });

  let vite: ViteDevServer | undefined;
  if (mode === 'dev') {
    vite = await createViteServer({
      configFile: join(demoRoot, 'vite.config.ts'),
      root: demoRoot,
      // Hot reload on the demo's own server and port, not on a fixed port of every interface.
      server: { middlewareMode: true, ws: { server: http } },
      appType: 'spa',
    });
    const middlewares = vite.middlewares;
    serveApp = (req, res) => middlewares(req, res);
  } else {
    serveApp = staticFiles(join(demoRoot, 'dist'));
  }

  try {
    await new Promise<void>((done, fail) => {
      http.once('error', fail);
      http.listen(port, host, () => done());
    });
  } catch (error) {
    await vite?.close();
    throw error;
  }
  const address = http.address() as AddressInfo;
  // The address it listens on: `localhost` may reach another app on [::1] at that port.
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  return {
    url,
    backend,
    vite,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
      await vite?.close();
    },
  };
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

function staticFiles(root: string) {
  return async (
    req: Parameters<DemoBackend['handle']>[0],
    res: Parameters<DemoBackend['handle']>[1],
  ) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const candidate = normalize(join(root, pathname));
    let file = candidate.startsWith(root) ? candidate : join(root, 'index.html');
    const info = await stat(file).catch(() => null);
    // Client-side routes fall back to the app shell.
    if (!info || info.isDirectory()) file = join(root, 'index.html');
    res.setHeader('Content-Type', contentTypes[extname(file)] ?? 'application/octet-stream');
    createReadStream(file)
      .on('error', () => {
        res.statusCode = 404;
        res.end('Not found: build the demo first (npm run build:demo)');
      })
      .pipe(res);
  };
}
