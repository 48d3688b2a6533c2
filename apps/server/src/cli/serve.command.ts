import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSyntheticFlows } from '@vigil/detect';
import type { Command } from 'commander';
import { loadConfig } from '../config/env.js';
import type { Store } from '../db/database.js';
import { closeOnSignals, startServer } from '../main-api.js';
import { AuditService } from '../modules/audit/audit.service.js';
import { UsersService } from '../modules/auth/users.service.js';
import { ModelRegistry } from '../modules/models/model-registry.service.js';
import { installDefaultUrlModel } from '../modules/urls/default-url-model.js';
import { startDemoStream } from '../stream/demo-stream.js';
import { trainDemoModel } from '../training/demo-model.js';

/**
 * First run of the embedded default: a model to score with and an admin to sign in as, so that
 * `npm start` on a fresh clone gives a working Vigil. Both steps do nothing once done.
 */
async function bootstrapEmbedded(store: Store, dataDir: string): Promise<void> {
  const clock = () => new Date();
  const registry = new ModelRegistry(store.db, clock);
  if ((await registry.production()).length === 0) {
    console.log('No production model yet: training the demo model on 50,000 synthetic flows…');
    const dataset = generateSyntheticFlows({ rows: 50_000, seed: 42, target: 'binary' });
    const outcome = await trainDemoModel(dataset, {
      seed: 42,
      source: 'synthetic rows=50000 seed=42 (vigil start bootstrap)',
    });
    const { model } = await registry.register(outcome.document, 'system', {
      stage: 'production',
      reason: 'bootstrap: demo model trained on synthetic flows at first start',
    });
    console.log(`Registered ${model.id} (${model.kind} v${model.version}) as the production model.`);
  }
  const urlModel = await installDefaultUrlModel(registry);
  if (urlModel) console.log(urlModel);
  const users = new UsersService(store.db, clock);
  if ((await users.count()) === 0) {
    const password = randomBytes(12).toString('base64url');
    await users.create({ username: 'admin', password, role: 'admin' });
    await new AuditService(store.db, clock).record({
      actor: 'system',
      action: 'user.create',
      target: 'user:admin',
      outcome: 'success',
      details: { role: 'admin', source: 'vigil start bootstrap' },
    });
    const file = join(dataDir, 'initial-admin-password.txt');
    if (dataDir !== 'memory://') await writeFile(file, `${password}\n`, { mode: 0o600 });
    console.log(
      `\nCreated the first admin.\n  username: admin\n  password: ${password}\n` +
        (dataDir !== 'memory://' ? `  (also in ${file}; change it and delete the file)\n` : ''),
    );
  }
}

/** `vigil serve` (the API as configured) and `vigil start` (the embedded default, bootstrapped). */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('start the API server (config from the environment: PORT, HOST, DATABASE_URL, …)')
    .action(async () => {
      const server = await startServer(loadConfig(process.env));
      closeOnSignals(server);
    });

  program
    .command('start')
    .description(
      'start Vigil on its embedded default: PGlite store, a trained demo model and a first admin if missing',
    )
    .action(async () => {
      const config = loadConfig(process.env);
      const server = await startServer(config, {
        beforeListen: (store) => bootstrapEmbedded(store, config.dataDir),
      });
      closeOnSignals(server);
      // Demo stream (issue #6): simulated traffic scored live, so a fresh install shows alerts.
      if (config.stream.demo) startDemoStream(server.app);
      console.log(`\nVigil is running: ${server.url}\n  API docs: ${server.url}/api/v1/docs\n`);
    });
}
