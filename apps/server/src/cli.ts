#!/usr/bin/env node
import { Command } from 'commander';
import { registerAdminCommands } from './cli/admin.command.js';
import { registerBatchCommands } from './cli/batch.command.js';
import { registerDemoCommand } from './cli/demo.command.js';
import { registerEvaluateCommand } from './cli/evaluate.command.js';
import { registerHistoryCommands } from './cli/history.command.js';
import { registerImportThreatsCommand } from './cli/import-threats.command.js';
import { registerModelsCommand } from './cli/models.command.js';
import { registerServeCommands } from './cli/serve.command.js';
import { registerStreamCommands } from './cli/stream.command.js';
import { registerTrainCommand } from './cli/train.command.js';
import { registerWorkerCommand } from './cli/worker.command.js';

const program = new Command()
  .name('vigil')
  .description('Vigil — ML threat detection for network flows and URLs')
  .showHelpAfterError();

registerServeCommands(program);
registerAdminCommands(program);
registerTrainCommand(program);
registerEvaluateCommand(program);
registerDemoCommand(program);
registerHistoryCommands(program);
registerModelsCommand(program);
registerStreamCommands(program);
registerWorkerCommand(program);
registerBatchCommands(program);
registerImportThreatsCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // Every error reaching here is reported by its message; the stack is for whoever debugs Vigil.
  console.error(`vigil: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.VIGIL_DEBUG && err instanceof Error) console.error(err.stack);
  process.exitCode = 1;
});
