import { z } from 'zod';

/** The outcome of an audited action. */
export const auditOutcomeSchema = z.enum(['success', 'denied', 'failure']);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

/** One entry of the hash-chained audit log. */
export const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: auditOutcomeSchema,
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** GET /audit: newest first; pass nextBeforeSeq back as beforeSeq for the next page. */
export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextBeforeSeq: z.number().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** GET /audit/verify: the hash chain recomputed. */
export const auditVerifySchema = z.object({
  ok: z.boolean(),
  entries: z.number(),
  lastHash: z.string().optional(),
  brokenAt: z.number().optional(),
  reason: z.string().optional(),
});
export type AuditVerify = z.infer<typeof auditVerifySchema>;
