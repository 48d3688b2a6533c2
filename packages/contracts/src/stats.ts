import { z } from 'zod';

const windowSchema = z.object({ from: z.iso.datetime(), to: z.iso.datetime() });

/** An address with its attack and total prediction counts. */
export const talkerSchema = z.object({ ip: z.string(), attacks: z.number(), total: z.number() });
export type Talker = z.infer<typeof talkerSchema>;

/** GET /stats/summary. */
export const statsSummarySchema = z.object({
  window: windowSchema,
  total: z.number(),
  byVerdict: z.object({ benign: z.number(), attack: z.number() }),
  alertRate: z.number().nullable().describe('share of attack verdicts (0..1); null when nothing matched'),
  meanRisk: z.number().nullable(),
  byCategory: z.array(z.object({ category: z.string().nullable(), count: z.number() })),
  topSources: z.array(talkerSchema),
  topDestinations: z.array(talkerSchema),
  models: z.array(
    z.object({
      modelId: z.string(),
      kind: z.string(),
      version: z.number().nullable().describe('null when the model is no longer registered'),
      stage: z.string().nullable(),
      count: z.number(),
      firstSeen: z.iso.datetime(),
      lastSeen: z.iso.datetime(),
    }),
  ),
});
export type StatsSummary = z.infer<typeof statsSummarySchema>;

/** Time-series bucket sizes (UTC). */
export const bucketSchema = z.enum(['minute', 'hour', 'day']);
export type Bucket = z.infer<typeof bucketSchema>;

/** What a time series is split by. */
export const timeseriesGroupBySchema = z.enum(['verdict', 'category']);
export type TimeseriesGroupBy = z.infer<typeof timeseriesGroupBySchema>;

/** GET /stats/timeseries. */
export const timeseriesSchema = z.object({
  window: windowSchema,
  bucket: bucketSchema,
  groupBy: timeseriesGroupBySchema.nullable(),
  buckets: z.array(z.iso.datetime()).describe('UTC start of each bucket, oldest first, none missing'),
  series: z.array(
    z.object({
      key: z.string().nullable().describe('verdict, category (null = uncategorised) or "total"'),
      counts: z.array(z.number()).describe('one count per bucket'),
    }),
  ),
});
export type Timeseries = z.infer<typeof timeseriesSchema>;
