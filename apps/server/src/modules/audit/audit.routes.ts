import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/principal.js';

const ADMINS: readonly Role[] = ['admin'];
const iso = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 timestamp with a zone' })
  .transform((s) => new Date(s));

const entrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});

/** Reading and verifying the audit log (admin only; nobody can change it through the API). */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/audit',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'Audit log, newest first; pass nextBeforeSeq back as beforeSeq for the next page',
        querystring: z.strictObject({
          actor: z.string().min(1).max(200).optional(),
          action: z.string().min(1).max(100).optional(),
          outcome: z.enum(['success', 'denied', 'failure']).optional(),
          from: iso.optional(),
          to: iso.optional(),
          beforeSeq: z
            .string()
            .regex(/^\d{1,15}$/, 'expected a sequence number')
            .transform(Number)
            .optional(),
          limit: z
            .string()
            .regex(/^\d{1,4}$/, 'expected 1..1000')
            .transform(Number)
            .pipe(z.number().min(1).max(1000))
            .default(100),
        }),
        response: { 200: z.object({ items: z.array(entrySchema), nextBeforeSeq: z.number().nullable() }) },
      },
    },
    async (request) => app.audit.list(request.query),
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'Recompute the hash chain and report the first entry that does not match',
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number(),
            lastHash: z.string().optional(),
            brokenAt: z.number().optional(),
            reason: z.string().optional(),
          }),
        },
      },
    },
    async () => app.audit.verify(),
  );
};
