import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import type { ModelStage } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { createAuditService } from '../modules/audit/audit.service.js';
import type { AuditEntry } from '../modules/audit/audit.types.js';
import {
  MODEL_STAGES,
  type ModelDetailDto,
  ModelRegistry,
  type ModelSummaryDto,
  type PromotionResult,
} from '../modules/models/model-registry.service.js';
import { withStore } from './with-store.js';

/** The CLI's audit actor: `cli:<os user>`. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

const stageOption = (flags: string, help: string) => new Option(flags, help).choices(MODEL_STAGES);

function fmt(v: number | null): string {
  return v === null ? '-' : v.toFixed(4);
}

/** Plain aligned columns; the last one is not padded. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function listText(models: ModelSummaryDto[]): string {
  if (models.length === 0) return 'no models registered (vigil models register FILE)';
  return table(
    ['ID', 'KIND', 'VERSION', 'STAGE', 'ALGORITHM', 'ACCURACY', 'F1', 'CREATED', 'BY'],
    models.map((m) => [
      m.id,
      m.kind,
      String(m.version),
      m.stage,
      m.algorithm,
      fmt(m.headline.accuracy),
      fmt(m.headline.f1),
      m.createdAt.replace(/\.\d+Z$/, 'Z'),
      m.createdBy,
    ]),
  );
}

function detailText(m: ModelDetailDto): string {
  const history = m.transitions.map(
    (t) => `  ${t.at}  ${t.from ?? '(new)'} -> ${t.to}  by ${t.actor}: ${t.reason}`,
  );
  return [
    `${m.id}: ${m.kind} v${m.version}, ${m.algorithm}, ${m.stage}`,
    `registered ${m.createdAt} by ${m.createdBy}`,
    `test accuracy ${fmt(m.headline.accuracy)}, F1 ${fmt(m.headline.f1)}, ROC AUC ${fmt(m.headline.rocAuc)}, FPR ${fmt(m.headline.fpr)}`,
    'history:',
    ...history,
  ].join('\n');
}

function promotionText(r: PromotionResult, verb: string): string {
  const m = r.model;
  const lines = [`${verb} ${m.id} (${m.kind} v${m.version}): ${r.from} -> ${m.stage}`];
  if (r.demoted) lines.push(`${r.demoted} moved from production to staging`);
  if (m.stage === 'production' || r.demoted) {
    lines.push('running API servers load the new production model at their next registry poll');
  }
  return lines.join('\n');
}

/** Runs a registry change and records it (success or failure) in the audit log. */
async function audited(
  record: (entry: AuditEntry) => Promise<void>,
  action: string,
  target: string,
  run: () => Promise<PromotionResult>,
  details: (r: PromotionResult) => Record<string, unknown>,
): Promise<PromotionResult> {
  const actor = cliActor();
  try {
    const result = await run();
    await record({ actor, action, target, outcome: 'success', details: details(result) });
    return result;
  } catch (err) {
    if (err instanceof AppError) {
      await record({ actor, action, target, outcome: 'failure', details: { code: err.code } });
    }
    throw err;
  }
}

async function readModelFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new Error(`cannot read model file ${file}: ${why}`);
  }
}

/** The document's id for the audit target when the text is JSON with one; else undefined. */
function documentId(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** `vigil models list|show|register|promote`: the model registry from the command line. */
export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('list, register and promote models in the registry');

  models
    .command('list')
    .description('list registered models, newest version first per kind')
    .option('--kind <kind>', 'only this kind (flow schema id or url)')
    .addOption(stageOption('--stage <stage>', 'only this stage'))
    .option('--json', 'print JSON')
    .action(async (opts: { kind?: string; stage?: ModelStage; json?: boolean }) => {
      await withStore(async (store) => {
        const items = await new ModelRegistry(store.db).list({ kind: opts.kind, stage: opts.stage });
        console.log(opts.json ? JSON.stringify(items, null, 2) : listText(items));
      });
    });

  models
    .command('show <id>')
    .description('one model with its metrics and stage history')
    .option('--json', 'print JSON (with the full metrics)')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withStore(async (store) => {
        const model = await new ModelRegistry(store.db).get(id);
        console.log(opts.json ? JSON.stringify(model, null, 2) : detailText(model));
      });
    });

  models
    .command('register <file>')
    .description(
      'register a model file (model.json from vigil train or vigil demo) as the next version of its kind',
    )
    .addOption(stageOption('--stage <stage>', 'move it on from experimental to this stage at once'))
    .option('--reason <text>', 'why (required with --stage)')
    .action(async (file: string, opts: { stage?: ModelStage; reason?: string }) => {
      const text = await readModelFile(file);
      await withStore(async (store) => {
        const audit = createAuditService(store.db);
        const registry = new ModelRegistry(store.db);
        const result = await audited(
          (e) => audit.record(e),
          'model.register',
          documentId(text) ?? file,
          () => registry.register(text, cliActor(), { stage: opts.stage, reason: opts.reason }),
          (r) => ({
            id: r.model.id,
            kind: r.model.kind,
            version: r.model.version,
            stage: r.model.stage,
            demoted: r.demoted,
          }),
        );
        console.log(promotionText(result, 'registered'));
      });
    });

  models
    .command('promote <id>')
    .description('move a model to another stage; production demotes the current production model to staging')
    .addOption(stageOption('--stage <stage>', 'target stage').makeOptionMandatory())
    .requiredOption('--reason <text>', 'why (kept in the model history and the audit log)')
    .action(async (id: string, opts: { stage: ModelStage; reason: string }) => {
      await withStore(async (store) => {
        const audit = createAuditService(store.db);
        const registry = new ModelRegistry(store.db);
        const result = await audited(
          (e) => audit.record(e),
          'model.promote',
          id,
          () => registry.promote(id, opts.stage, cliActor(), opts.reason),
          (r) => ({
            kind: r.model.kind,
            version: r.model.version,
            from: r.from,
            to: r.model.stage,
            reason: opts.reason,
            demoted: r.demoted,
          }),
        );
        console.log(promotionText(result, 'promoted'));
      });
    });
}
