import { z } from 'zod';
import { MAX_URL_LENGTH } from './urls.js';

/** The states of a deep scan. */
export const scanStateSchema = z.enum(['queued', 'running', 'done', 'failed']);
export type ScanState = z.infer<typeof scanStateSchema>;

/** A deep URL scan as listed (GET /scans). */
export const scanSchema = z.object({
  id: z.string(),
  url: z.string(),
  state: scanStateSchema,
  riskScore: z.number().int().nullable().describe('0–100 once done'),
  verdict: z.string().nullable().describe('malicious, suspicious or benign once done'),
  error: z.string().nullable().describe('Why the scan failed (state failed)'),
  hasScreenshot: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Scan = z.infer<typeof scanSchema>;

/** GET /scans: a page of scans, newest first, and how many there are. */
export const scanListSchema = z.object({ items: z.array(scanSchema), total: z.number().int() });
export type ScanList = z.infer<typeof scanListSchema>;

const reportSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .describe(
    'The scan report once done: dns (A/AAAA/CNAME/MX/NS), redirectChain (hops with via, status, url, ' +
      'address, ms), tls (valid, problems, issuer, subject, SANs, validity, daysToExpiry, selfSigned, key, ' +
      'signatureAlgorithm, protocol), headers, title, passwordForms (action, crossDomain), screenshot ' +
      '(available, reason), browser (blocked requests), reputation, lexical, riskScore, verdict, reasons; ' +
      '`refused` when the SSRF guard refused the target or a hop',
  );

/** GET /scans/:id: a scan with its report. */
export const scanDetailSchema = scanSchema.extend({ report: reportSchema });
export type ScanDetail = z.infer<typeof scanDetailSchema>;

/** POST /scans body. */
export const createScanBodySchema = z.strictObject({
  url: z.string().max(MAX_URL_LENGTH).describe('Absolute http(s) URL'),
});
export type CreateScanBody = z.infer<typeof createScanBodySchema>;

/** POST /scans: 202 with the new scan's id. */
export const scanQueuedSchema = z.object({ id: z.string(), state: z.literal('queued') });
export type ScanQueued = z.infer<typeof scanQueuedSchema>;
