import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** apps/web/dist, from this file in apps/server/src/http or apps/server/dist/http. */
export const DEFAULT_WEB_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../web/dist');

export interface WebAppOptions {
  /** The built dashboard (index.html and assets/); default apps/web/dist. */
  root?: string;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#111827}code{background:#f3f4f6;padding:0 .3em}</style>
</head><body>
<h1>Vigil is running, but its dashboard is not built</h1>
<p>Run <code>npm run build</code> in the Vigil folder, then reload this page.
(<code>npm start</code> builds it for you.)</p>
<p>The API works without it: see <a href="/api/v1/docs">/api/v1/docs</a>.</p>
</body></html>
`;

/** Every file under `root`, as URL paths (`/assets/index-abc.js`). */
function listFiles(root: string): Set<string> {
  const out = new Set<string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = relative(root, join(entry.parentPath ?? entry.path, entry.name));
    out.add(`/${rel.split(sep).join('/')}`);
  }
  return out;
}

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');

/** Browsers navigating ask for HTML; API clients and scripts get the JSON 404 as before. */
const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * Serves the dashboard at the same origin as the API: its built files, and index.html for any
 * other page path a browser opens (the app routes on the client), never for /api paths. Without a
 * build, `/` explains how to make one. Files are listed once at start-up, so only what the build
 * wrote can be served; hashed assets are cached for a year, index.html never.
 */
export const webAppPlugin: FastifyPluginAsync<WebAppOptions> = async (app, options) => {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  const built = existsSync(join(root, 'index.html'));
  const files = built ? listFiles(root) : new Set<string>();
  if (built) {
    await app.register(fastifyStatic, { root, serve: false, index: false });
  }

  function sendIndex(reply: FastifyReply) {
    if (!built) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  }

  app.get(
    '/*',
    { schema: { hide: true }, config: { rateLimit: false } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      let path: string;
      try {
        path = decodeURIComponent(request.url.split('?')[0]);
      } catch {
        return reply.callNotFound();
      }
      if (isApi(path)) return reply.callNotFound();
      if (files.has(path) && path !== '/index.html') {
        const immutable = path.startsWith('/assets/');
        return reply.sendFile(path.slice(1), {
          maxAge: immutable ? 365 * 86_400_000 : 0,
          immutable,
        });
      }
      if (path === '/' || path === '/index.html' || wantsHtml(request)) return sendIndex(reply);
      return reply.callNotFound();
    },
  );
};
