import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../src/http/error-handler.js';
import { webAppPlugin } from '../src/http/web-app.plugin.js';

async function appWith(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandler(app);
  app.get('/api/v1/thing', async () => ({ ok: true }));
  await app.register(webAppPlugin, { root });
  await app.ready();
  return app;
}

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('the dashboard served at the same origin', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Vigil</title><div id="root"></div>');
    await writeFile(join(dir, 'assets/index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'favicon.svg'), '<svg/>');
    app = await appWith(dir);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and never caches it', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="root">');
  });

  it('serves the built files, hashed assets cached for a year', async () => {
    const js = await app.inject({ url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const svg = await app.inject({ url: '/favicon.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['cache-control']).toBe('public, max-age=0');
  });

  it('answers a browser opening any page path with the app (client-side routing)', async () => {
    for (const url of ['/history?ip=10.0.0.5', '/models/gbdt-1', '/admin']) {
      const res = await app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('keeps JSON 404s for /api paths, missing assets and non-browser callers', async () => {
    for (const [url, headers] of [
      ['/api/v1/nope', HTML],
      ['/api', HTML],
      ['/assets/missing.js', {}],
      ['/nope', {}],
    ] as const) {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('NOT_FOUND');
    }
    expect((await app.inject({ url: '/api/v1/thing' })).json()).toEqual({ ok: true });
  });

  it('serves nothing outside the build folder', async () => {
    for (const url of ['/../package.json', '/assets/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
    }
    expect((await app.inject({ url: '/%E0%A4%A', headers: HTML })).statusCode).toBe(400);
  });

  it('without a build, / says how to make one', async () => {
    const bare = await appWith(join(dir, 'not-built'));
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    expect((await bare.inject({ url: '/live', headers: HTML })).body).toContain('npm run build');
    expect((await bare.inject({ url: '/api/v1/x', headers: HTML })).statusCode).toBe(404);
    await bare.close();
  });
});
