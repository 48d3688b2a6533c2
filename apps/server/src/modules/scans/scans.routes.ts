import { randomUUID } from 'node:crypto';
import {
  createScanBodySchema,
  type Scan,
  scanDetailSchema,
  scanListSchema,
  scanQueuedSchema,
} from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { principalName, type Role } from '../auth/principal.js';
import { SCAN_MAX_ATTEMPTS } from './scan-jobs.js';
import { insertScan, listScans, type ScanRow, selectScan, selectScreenshot } from './scans.repo.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
const ANALYSTS: readonly Role[] = ['admin', 'analyst'];
function toDto(s: ScanRow): Scan {
  return {
    id: s.id,
    url: s.url,
    state: s.state,
    riskScore: s.riskScore,
    verdict: s.verdict,
    error: s.error,
    hasScreenshot: s.hasScreenshot,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    startedAt: s.startedAt?.toISOString() ?? null,
    finishedAt: s.finishedAt?.toISOString() ?? null,
  };
}

const idParams = z.strictObject({ id: z.uuid() });

/** Deep scans (issue #5): submit a URL, read the report and the screenshot. */
export const scansRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.store.db;
  const found = async (id: string) => {
    const scan = await selectScan(db, id);
    if (!scan) throw new AppError('NOT_FOUND', `scan ${id} not found`);
    return scan;
  };

  app.post(
    '/api/v1/scans',
    {
      config: { auth: ANALYSTS },
      schema: {
        tags: ['scans'],
        summary: 'Deep-scan a URL in the background (SSRF-guarded fetch, TLS, DNS, screenshot)',
        description:
          'Answers 202 with the scan id; poll GET /api/v1/scans/:id. Targets that resolve to loopback, ' +
          'private, link-local, CGNAT, multicast, reserved or cloud-metadata addresses (in any encoding) ' +
          'are refused, as is every redirect or page request into them; the report says why.',
        body: createScanBodySchema,
        response: { 202: scanQueuedSchema },
      },
    },
    async (request, reply) => {
      const url = request.body.url.trim();
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new AppError('VALIDATION_FAILED', 'url: not an absolute URL', { path: 'url' });
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new AppError(
          'VALIDATION_FAILED',
          `url: only http and https URLs are scanned, not ${parsed.protocol}`,
          {
            path: 'url',
          },
        );
      }
      const id = randomUUID();
      const actor = principalName(request.principal ?? { kind: 'anonymous' });
      await insertScan(db, { id, url, createdBy: actor, now: app.clock() });
      await app.jobs.enqueue(
        'scan.run',
        { scanId: id },
        { jobId: `scan-${id}`, maxAttempts: SCAN_MAX_ATTEMPTS },
      );
      await app.audit.record({
        actor,
        action: 'scan.create',
        target: `scan:${id}`,
        outcome: 'success',
        ip: request.ip,
        details: { url },
      });
      return reply.code(202).send({ id, state: 'queued' as const });
    },
  );

  app.get(
    '/api/v1/scans',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['scans'],
        summary: 'Recent scans, newest first',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
        response: { 200: scanListSchema },
      },
    },
    async (request) => {
      const { items, total } = await listScans(db, request.query.limit, request.query.offset);
      return { items: items.map(toDto), total };
    },
  );

  app.get(
    '/api/v1/scans/:id',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['scans'],
        summary: 'A scan with its report',
        params: idParams,
        response: { 200: scanDetailSchema },
      },
    },
    async (request) => {
      const scan = await found(request.params.id);
      return { ...toDto(scan), report: (scan.report as Record<string, unknown> | null) ?? null };
    },
  );

  app.get(
    '/api/v1/scans/:id/screenshot',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['scans'],
        summary: 'The PNG screenshot of a scanned page',
        description: '404 when the scan has none (yet): the report says why.',
        params: idParams,
        produces: ['image/png'],
      },
    },
    async (request, reply) => {
      const png = await selectScreenshot(db, request.params.id);
      if (png === undefined) throw new AppError('NOT_FOUND', `scan ${request.params.id} not found`);
      if (png === null) throw new AppError('NOT_FOUND', `scan ${request.params.id} has no screenshot`);
      return reply.type('image/png').header('content-security-policy', "default-src 'none'").send(png);
    },
  );
};
