import { z } from 'zod';
import { verdictSchema } from './common.js';
import { scoringModelSchema } from './scoring.js';

/** Most URLs one POST /urls/check request may carry. */
export const MAX_URLS = 10_000;
/** Longest URL accepted, checked or scanned (what browsers and most servers handle without trouble). */
export const MAX_URL_LENGTH = 2048;

/** POST /urls/check body. */
export const urlCheckBodySchema = z.strictObject({
  // Each URL is checked by the service (index, length, http(s)), so errors name `urls.<i>`.
  urls: z
    .array(z.string())
    .min(1, 'send at least one URL')
    .max(MAX_URLS, `send at most ${MAX_URLS} URLs per request`)
    .describe(`1 to ${MAX_URLS} absolute http(s) URLs of at most ${MAX_URL_LENGTH} characters`),
  explain: z
    .enum(['all', 'alerts', 'none'])
    .default('all')
    .describe('Which URLs get reasons: all (default), malicious ones only, or none'),
});
/** The body as sent (explain may be left out). */
export type UrlCheckBody = z.input<typeof urlCheckBodySchema>;

/** One lexical feature behind a URL verdict, in words. */
export const urlReasonSchema = z.object({
  feature: z.string().describe('Lexical feature name (the `url` schema)'),
  text: z.string().describe('The feature in words, e.g. "host is an IP address"'),
  value: z.number(),
  contribution: z.number().describe('Support for the verdict: log-odds for GBDT models'),
});
export type UrlReason = z.infer<typeof urlReasonSchema>;

/** The verdict on one URL. */
export const urlPredictionSchema = z.object({
  url: z.string(),
  verdict: verdictSchema.describe('`attack` when the URL is judged malicious'),
  probability: z.number().describe('Probability that the URL is malicious'),
  category: z.string().describe('Predicted class: malicious or benign'),
  riskScore: z.number().int().min(0).max(100),
  host: z.string(),
  domain: z.string().nullable().describe('Registrable domain; null for IP hosts'),
  reasons: z.array(urlReasonSchema),
  modelId: z.string(),
  modelVersion: z.number().int(),
});
export type UrlPrediction = z.infer<typeof urlPredictionSchema>;

/** POST /urls/check response. */
export const urlCheckResponseSchema = z.object({
  model: scoringModelSchema,
  predictions: z.array(urlPredictionSchema),
  summary: z.object({ urls: z.number().int(), malicious: z.number().int(), stored: z.number().int() }),
});
export type UrlCheckResponse = z.infer<typeof urlCheckResponseSchema>;
