import { auditOutcomeSchema, auditPageSchema, auditVerifySchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/principal.js';

const ADMINS: readonly Role[] = ['admin'];
const iso = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 timestamp with a zone' })
  .transform((s) => new Date(s));

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
          outcome: auditOutcomeSchema.optional(),
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
        response: { 200: auditPageSchema },
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
        response: { 200: auditVerifySchema },
      },
    },
    async () => app.audit.verify(),
  );
};
