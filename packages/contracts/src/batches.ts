import { z } from 'zod';

/** The states of a batch. */
export const batchStateSchema = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);
export type BatchState = z.infer<typeof batchStateSchema>;

/** Where a batch's alerts are in prediction history. */
export const batchHistoryStateSchema = z.enum(['pending', 'written', 'off']);
export type BatchHistoryState = z.infer<typeof batchHistoryStateSchema>;

/** A batch as the API shows it: state, progress (rows/s, ETA) and counts. */
export const batchSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string().describe('Model kind: flow schema id, synthetic-flows or url'),
  state: batchStateSchema,
  format: z.object({
    layout: z.string().describe('csv, zeek-tsv, json-lines or zeek-json'),
    delimiter: z.string(),
    gzip: z.boolean(),
    schema: z.string(),
    headerRow: z.boolean(),
  }),
  fileBytes: z.number().int(),
  rowsTotal: z.number().int().nullable().describe('Data rows in the file (counted at upload)'),
  rowsDone: z.number().int().describe('Rows processed (scored or bad), the checkpoint'),
  rowsBad: z.number().int(),
  /** 0–100, when the total is known. */
  percent: z.number().nullable(),
  /** Over the current run (since it started or resumed). */
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  modelId: z.string().nullable(),
  history: z
    .object({
      state: batchHistoryStateSchema,
      rows: z.number().int().describe('Alerts written to prediction history so far'),
    })
    .describe(
      "The batch's alerts in prediction history (tagged batch:<id>): written once the batch is done, " +
        "so 'pending' lasts a moment past 'done' (and stays while a cancelled or failed batch waits for a " +
        "retry); 'off' when the server keeps no history",
    ),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Batch = z.infer<typeof batchSchema>;

/** GET /batches: newest first. */
export const batchListSchema = z.object({ items: z.array(batchSchema) });
export type BatchList = z.infer<typeof batchListSchema>;

/** Counts per key of a top list: all rows and the attacks among them. */
export const batchTopEntrySchema = z.object({
  value: z.string(),
  count: z.number().int(),
  attacks: z.number().int(),
});
export type BatchTopEntry = z.infer<typeof batchTopEntrySchema>;

const badRow = z.object({ row: z.number().int(), line: z.number().int(), reason: z.string() });

/** The aggregated result of a batch (GET /batches/:id/summary) or of `vigil analyze-data`. */
export const batchSummarySchema = z.object({
  rows: z.object({ scored: z.number().int(), bad: z.number().int() }),
  verdicts: z.object({ benign: z.number().int(), attack: z.number().int() }),
  /** Per predicted category, most frequent first. */
  categories: z.array(batchTopEntrySchema),
  /** Risk scores 0–100 in ten bins: [0,10), [10,20), …, [90,100]. */
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  /** Most attacking sources, then most frequent (10). */
  topSources: z.array(batchTopEntrySchema),
  topDestinations: z.array(batchTopEntrySchema),
  /** URL batches: registrable domains of the URLs (the host for IP addresses). */
  topDomains: z.array(batchTopEntrySchema),
  badRows: z.array(badRow).describe('The first 1,000 bad rows: row number, line and reason'),
});
export type BatchSummary = z.infer<typeof batchSummarySchema>;

/** An uploaded file as the server read it: layout, schema, header mapping and a preview. */
export const batchInspectionSchema = z.object({
  layout: z.string(),
  kind: z.enum(['flows', 'urls']),
  schema: z.string(),
  confidence: z.number(),
  delimiter: z.string(),
  header: z.array(z.string()),
  headerRow: z.boolean(),
  gzip: z.boolean(),
  bom: z.boolean(),
  rowsTotal: z.number().int(),
  columns: z.object({
    used: z.array(z.string()).describe('Columns read (features, 5-tuple, identifiers, labels, URL)'),
    unknown: z.array(z.string()).describe('Columns no model reads; ignored'),
    optionalMissing: z.array(z.string()).describe('Optional features absent from the file (read as missing)'),
  }),
  urlColumn: z.string().nullable(),
  preview: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string().nullable())) }),
});
export type BatchInspection = z.infer<typeof batchInspectionSchema>;

/** POST /batches: 201 with the batch and the detected format. */
export const batchCreatedSchema = z.object({ batch: batchSchema, format: batchInspectionSchema });
export type BatchCreated = z.infer<typeof batchCreatedSchema>;
