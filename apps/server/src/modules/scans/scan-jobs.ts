import type { JobHandlersFactory } from '../../jobs/handlers.js';
import { errorMessage } from '../../jobs/job-queue.js';
import { createAppMetrics } from '../metrics/metrics.js';
import { createActiveModels } from '../models/active-models.service.js';
import { URL_KIND } from '../models/feature-spec.js';
import { urlScorerFor } from '../urls/url-scorer.js';
import { ReputationService } from './reputation.js';
import { scanSettingsFrom } from './scan-config.js';
import { type LexicalScore, runScan } from './scan-runner.js';
import { failScan, finishScan, markScanRunning, selectScan } from './scans.repo.js';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    /** Deep-scan a submitted URL (modules/scans). */
    'scan.run': { scanId: string };
  }
}

/** Attempts of a scan job: a crash re-runs the scan from the start (results are overwritten). */
export const SCAN_MAX_ATTEMPTS = 2;

/** The scans module's job handler, in the server process and `vigil worker` alike. */
export const scanJobHandlers: JobHandlersFactory = (deps) => {
  const db = deps.store.db;
  const settings = scanSettingsFrom(process.env);
  const models = createActiveModels(db, createAppMetrics(), { pollMs: 0 });
  const reputation = new ReputationService(db);
  let allowlistLoaded: Promise<unknown> | null = null;

  const lexical = async (url: string): Promise<LexicalScore | null> => {
    await models.refresh(URL_KIND);
    const model = models.get(URL_KIND);
    if (!model) return null;
    try {
      const [v] = urlScorerFor(model).score([url], 'alerts');
      return {
        riskScore: v.riskScore,
        probability: v.probability,
        reasons: v.reasons.map((r) => r.text),
        modelId: `${v.modelId} v${v.modelVersion}`,
      };
    } catch {
      return null; // a production model that cannot score URLs: the scan goes on without it
    }
  };

  return {
    'scan.run': async ({ scanId }, ctx) => {
      const scan = await selectScan(db, scanId, false);
      if (!scan || scan.state === 'done') return;
      if (settings.allowlistFile && !allowlistLoaded) {
        allowlistLoaded = reputation.loadAllowlistFile(settings.allowlistFile).catch(() => 0);
      }
      await allowlistLoaded;
      await markScanRunning(db, scanId, new Date());
      try {
        const result = await runScan(
          { guard: settings.guard, reputation, lexical, chromium: settings.chromium },
          scan.url,
          ctx.signal,
        );
        ctx.signal.throwIfAborted();
        await finishScan(db, scanId, result, new Date());
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        await failScan(db, scanId, errorMessage(err), new Date());
      }
    },
  };
};
