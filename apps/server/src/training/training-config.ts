import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The training configuration (`--config training.yml`). Every key is optional: defaults follow
 * XGBoost's where the parameter exists there, so a run is comparable with the reference.
 * Unknown keys are rejected so that a typo never silently falls back to a default.
 */
const classWeights = z.union([z.literal('balanced'), z.array(z.number().positive()).min(2)]);

const gbdtSchema = z
  .object({
    nEstimators: z.number().int().min(1).max(10_000).default(200),
    learningRate: z.number().gt(0).max(1).default(0.1),
    maxDepth: z.number().int().min(1).max(20).default(6),
    minChildWeight: z.number().min(0).default(1),
    lambda: z.number().min(0).default(1),
    alpha: z.number().min(0).default(0),
    gamma: z.number().min(0).default(0),
    subsample: z.number().gt(0).max(1).default(1),
    colsampleBytree: z.number().gt(0).max(1).default(1),
    maxBins: z.number().int().min(2).max(256).default(256),
    earlyStoppingRounds: z.number().int().min(1).optional(),
    classWeights: classWeights.optional(),
  })
  .strict();

const randomForestSchema = z
  .object({
    nEstimators: z.number().int().min(1).max(10_000).default(100),
    maxDepth: z.number().int().min(0).max(64).default(16),
    minSamplesLeaf: z.number().int().min(1).default(1),
    maxFeatures: z.union([z.enum(['sqrt', 'log2']), z.number().gt(0).max(1)]).default('sqrt'),
    bootstrap: z.boolean().default(true),
    maxBins: z.number().int().min(2).max(256).default(256),
    classWeights: classWeights.optional(),
  })
  .strict();

const splitSchema = z
  .object({
    train: z.number().min(0).max(1).default(0.7),
    validation: z.number().min(0).max(1).default(0.15),
    test: z.number().min(0).max(1).default(0.15),
  })
  .strict()
  .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, {
    message: 'train + validation + test must add up to 1',
  })
  .refine((s) => s.train > 0, { message: 'train must be greater than 0' });

export const trainingConfigSchema = z
  .object({
    algorithm: z.enum(['gbdt', 'random-forest']).default('gbdt'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(42),
    /** Worker threads for GBDT training; 0 means one per CPU core. */
    threads: z.number().int().min(0).max(256).default(0),
    split: splitSchema.default({ train: 0.7, validation: 0.15, test: 0.15 }),
    /** Decision threshold on P(attack) for binary models. */
    threshold: z.number().gt(0).lt(1).default(0.5),
    gbdt: gbdtSchema.default(gbdtSchema.parse({})),
    randomForest: randomForestSchema.default(randomForestSchema.parse({})),
  })
  .strict();

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** Raised for a configuration a user must fix; the message names the file and the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The defaults, as a user would get them with no config file. */
export function defaultTrainingConfig(): TrainingConfig {
  return trainingConfigSchema.parse({});
}

/** Validates an already parsed object; `source` names where it came from in error messages. */
export function parseTrainingConfig(raw: unknown, source = 'training config'): TrainingConfig {
  const result = trainingConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `  ${path}: ${issue.message}`;
  });
  throw new ConfigError(`${source} is invalid:\n${problems.join('\n')}`);
}

/** Reads and validates a YAML (or JSON) training config file. */
export async function loadTrainingConfig(path: string): Promise<TrainingConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read training config ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid YAML: ${(err as Error).message}`);
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(`${path}: expected a mapping of settings at the top level, got ${typeof raw}`);
  }
  return parseTrainingConfig(raw, path);
}
