import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoredChunk } from './batch-chunk-scoring.js';
import type { PackedChunk } from './batch-chunks.js';
import type { BadRow } from './batches.repo.js';

/**
 * A batch's alerts waiting for history (batch-history.ts) are spilled to files beside its upload,
 * one per chunk, `<upload>.alerts/<first row>.json`, while the chunk row in the store keeps only
 * their length (`batch_result_chunks.history_bytes`). Why a file: the alerts are written once and
 * read once, a few MB per chunk; through the store they went into its write-ahead log and table
 * (then became dead rows to vacuum), and on the embedded PGlite store that work was done on the
 * server's main thread, beside the scoring threads (~1 µs per scored row, profiled). A scoring
 * thread writes its chunk's file itself before the chunk commits, so a committed chunk's file is
 * complete; the upload folder is where every process of a deployment already reads uploads from.
 * A chunk scored again after a crash writes the same file again.
 */
export function pendingAlertsDir(uploadPath: string): string {
  return `${uploadPath}.alerts`;
}

export function pendingAlertsPath(uploadPath: string, firstRow: number): string {
  return join(pendingAlertsDir(uploadPath), `${firstRow}.json`);
}

/**
 * Writes a chunk's alerts; returns their length. No temporary file and rename: nothing reads the
 * file before its chunk commits, after this returns, and a write cut short by a crash leaves a
 * chunk that is scored and written again.
 */
export function writePendingAlerts(uploadPath: string, firstRow: number, bytes: Uint8Array): number {
  mkdirSync(pendingAlertsDir(uploadPath), { recursive: true });
  writeFileSync(pendingAlertsPath(uploadPath, firstRow), bytes);
  return bytes.byteLength;
}

/**
 * A chunk's alerts, or null when its file is gone or not the length its chunk recorded (deleted by
 * hand, or lost with the machine): the caller then writes the alerts from the chunk's results alone.
 */
export function readPendingAlerts(uploadPath: string, firstRow: number, bytes: number): Buffer | null {
  try {
    const data = readFileSync(pendingAlertsPath(uploadPath, firstRow));
    return data.byteLength === bytes ? data : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Removes a batch's spilled alerts once they are all in history. */
export async function removePendingAlerts(uploadPath: string): Promise<void> {
  await rm(pendingAlertsDir(uploadPath), { recursive: true, force: true });
}

/** A scored chunk ready to commit: its alerts, if any, are in their file (`historyBytes` long). */
export interface SpilledChunk {
  packed: PackedChunk;
  historyBytes: number | null;
  bad: BadRow[];
}

/** Spills a scored chunk's alerts to its file beside the upload. */
export function spillChunk(uploadPath: string, scored: ScoredChunk): SpilledChunk {
  const { packed, history, bad } = scored;
  const historyBytes = history ? writePendingAlerts(uploadPath, packed.firstRow, history) : null;
  return { packed, historyBytes, bad };
}
