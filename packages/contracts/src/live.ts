import { z } from 'zod';
import { topFeatureSchema } from './predictions.js';

/** An alert of the live feed (GET /live/alerts: server-sent events or a JSON snapshot). */
export const liveAlertSchema = z.object({
  /** Increasing per process; the SSE event id, so a reconnecting client resumes after it. */
  seq: z.number().int(),
  at: z.string(),
  /** `api` for POST /predict/flows, `stream:<name>` for stream sources. */
  source: z.string(),
  modelId: z.string(),
  modelVersion: z.number().int(),
  kind: z.string(),
  probability: z.number(),
  category: z.string(),
  riskScore: z.number().int(),
  srcIp: z.string().nullable(),
  dstIp: z.string().nullable(),
  srcPort: z.number().nullable(),
  dstPort: z.number().nullable(),
  protocol: z.string().nullable(),
  topFeatures: z.array(topFeatureSchema),
  /** Stream message key, when the alert came from a stream. */
  eventKey: z.string().nullable(),
});
export type LiveAlert = z.infer<typeof liveAlertSchema>;

/** GET /live/alerts as JSON: the most recent alerts. */
export const liveSnapshotSchema = z.object({ alerts: z.array(liveAlertSchema) });
export type LiveSnapshot = z.infer<typeof liveSnapshotSchema>;
