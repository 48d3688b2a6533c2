import { FlowRecordError, type FlowTuple } from '@vigil/detect';
import type { ActiveModel } from '../modules/models/active-models.js';
import { type FlowPrediction, type FlowScorer, flowScorerFor } from '../modules/scoring/flow-scorer.js';
import type { StreamMessage } from './flow-source.js';
import { recordForModel } from './record-formats.js';

/** A message (or one record of it) that could not be scored, and why. */
export interface DeadLetter {
  key: string;
  /** Stable reason code: `malformed-json`, `empty-message`, or a FlowRecordError code. */
  code: string;
  reason: string;
  /** The message text or the record as JSON, cut to {@link MAX_DEAD_LETTER_PAYLOAD} characters. */
  payload: string;
  /** Index of the message in its batch. */
  message: number;
}

export interface ScoredFlow {
  key: string;
  /** Index of the message in its batch (a message may hold an array of records). */
  message: number;
  record: unknown;
  prediction: FlowPrediction;
  tuple: FlowTuple;
}

/** A micro-batch after scoring: what the sinks write. */
export interface ScoredBatch {
  /** `stream:<source name>`. */
  source: string;
  model: ActiveModel;
  threshold: number;
  at: Date;
  messages: readonly StreamMessage[];
  /** True for messages whose value was an array of records (their verdicts go out as an array). */
  arrays: boolean[];
  flows: ScoredFlow[];
  deadLetters: DeadLetter[];
  attacks: number;
}

export const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

const cut = (text: string): string =>
  text.length > MAX_DEAD_LETTER_PAYLOAD ? text.slice(0, MAX_DEAD_LETTER_PAYLOAD) : text;

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return undefined;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Decodes, maps and scores one micro-batch with the production model's compiled scorer (the same
 * {@link FlowScorer} as POST /predict/flows). A bad message or record becomes a dead letter and the
 * rest of the batch is scored: records before a bad one are scored, it is set aside, scoring goes
 * on after it.
 */
export function scoreBatch(
  model: ActiveModel,
  messages: readonly StreamMessage[],
  source: string,
  at: Date,
): ScoredBatch {
  const scorer = flowScorerFor(model);
  const schemaId = scorer.encoder.schemaId;
  const records: unknown[] = [];
  const originals: unknown[] = [];
  const keys: string[] = [];
  const owners: number[] = [];
  const deadLetters: DeadLetter[] = [];
  const arrays = new Array<boolean>(messages.length).fill(false);

  for (let m = 0; m < messages.length; m++) {
    const { key } = messages[m];
    let value = messages[m].value;
    const text = asText(value);
    if (text !== undefined) {
      try {
        value = JSON.parse(text);
      } catch (err) {
        const reason = `message is not JSON: ${err instanceof Error ? err.message : String(err)}`;
        deadLetters.push({ key, code: 'malformed-json', reason, payload: cut(text), message: m });
        continue;
      }
    }
    if (Array.isArray(value)) {
      arrays[m] = true;
      if (value.length === 0) {
        deadLetters.push({
          key,
          code: 'empty-message',
          reason: 'message holds an empty array',
          payload: '[]',
          message: m,
        });
      }
      for (let i = 0; i < value.length; i++) {
        originals.push(value[i]);
        records.push(recordForModel(value[i], schemaId));
        keys.push(`${key}#${i}`);
        owners.push(m);
      }
    } else {
      originals.push(value);
      records.push(recordForModel(value, schemaId));
      keys.push(key);
      owners.push(m);
    }
  }

  const flows: ScoredFlow[] = [];
  let attacks = 0;
  const take = (from: number, predictions: readonly FlowPrediction[]) => {
    for (let j = 0; j < predictions.length; j++) {
      const i = from + j;
      const prediction = predictions[j];
      if (prediction.verdict === 'attack') attacks++;
      flows.push({
        key: keys[i],
        message: owners[i],
        record: records[i],
        prediction,
        tuple: scorer.encoder.tuple(records[i]),
      });
    }
  };
  let start = 0;
  while (start < records.length) {
    const part = start === 0 ? records : records.slice(start);
    try {
      take(start, scorer.score(part, 'alerts').predictions);
      break;
    } catch (err) {
      if (!(err instanceof FlowRecordError)) throw err;
      const bad = start + err.index;
      if (err.index > 0) take(start, scorer.score(part.slice(0, err.index), 'alerts').predictions);
      deadLetters.push({
        key: keys[bad],
        code: err.code,
        reason: err.message.replace(/^record \d+/, 'record'),
        payload: cut(json(originals[bad])),
        message: owners[bad],
      });
      start = bad + 1;
    }
  }
  return {
    source,
    model,
    threshold: scorer.threshold,
    at,
    messages,
    arrays,
    flows,
    deadLetters,
    attacks,
  };
}
