import { createTrafficSimulator } from '@vigil/detect';
import type { FastifyInstance } from 'fastify';
import { flowScorerFor } from '../modules/scoring/flow-scorer.js';
import { createSimulatorSource } from './embedded-sources.js';
import type { RunningStream } from './stream-runtime.js';

/** Attack share of the demo's simulated traffic: an alert every few seconds at 20 flows/s. */
const DEMO_ATTACK_SHARE = 0.05;

/**
 * The embedded demo of `vigil start`: the traffic simulator through the stream service at
 * VIGIL_DEMO_STREAM_RATE, so a fresh install shows live alerts. Only alerts are stored (a day at
 * 20 flows/s would otherwise add 1.7 million rows). Off, with a log line, when the production flow
 * model cannot read the simulator's canonical records (a model of another schema).
 */
export function startDemoStream(app: FastifyInstance): RunningStream | undefined {
  const { stream } = app.config;
  let reason: string | undefined;
  try {
    const model = app.streams.resolveModel();
    const probe = createTrafficSimulator({ seed: 1 }).next().record;
    flowScorerFor(model).encoder.encodeBatch([probe], 0, 1, new Float32Array(model.compiled.nFeatures));
  } catch (err) {
    reason = err instanceof Error ? err.message : String(err);
  }
  if (reason) {
    app.log.info(`demo stream off: the production model cannot score simulated flows (${reason})`);
    return undefined;
  }
  const source = createSimulatorSource({
    rate: stream.demoRate,
    batchSize: stream.batchSize,
    attackShare: DEMO_ATTACK_SHARE,
  });
  app.log.info(
    `demo stream: simulated traffic at ${stream.demoRate} flows/s (VIGIL_DEMO_STREAM=false turns it off)`,
  );
  return app.streams.start(source, { store: 'alerts' });
}
