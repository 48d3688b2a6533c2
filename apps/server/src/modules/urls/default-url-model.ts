import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../errors/app-error.js';
import { URL_KIND } from '../models/feature-spec.js';
import type { ModelRegistry } from '../models/model-registry.service.js';

/** The URL model shipped with Vigil (`models/url/model.json` at the repository root). */
export const DEFAULT_URL_MODEL_PATH = fileURLToPath(
  new URL('../../../../../models/url/model.json', import.meta.url),
);

/**
 * Registers the shipped URL model and promotes it to production when no `url` model is in
 * production, so a fresh install checks URLs. Does nothing when the file is absent or when that
 * model was registered before (an admin who archived it meant it). Returns what it did, in words.
 */
export async function installDefaultUrlModel(
  registry: ModelRegistry,
  path = DEFAULT_URL_MODEL_PATH,
): Promise<string | null> {
  if ((await registry.production(URL_KIND)).length > 0) return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return `No production URL model, and no shipped one at ${path}: URL checks answer 503 until one is promoted.`;
    }
    throw err;
  }
  try {
    const { model } = await registry.register(text, 'system', {
      stage: 'production',
      reason: 'bootstrap: default URL model shipped in models/url',
    });
    return `Registered ${model.id} (${model.kind} v${model.version}) as the production URL model.`;
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT' && err.details.path === 'id') {
      return `No production URL model; the shipped one is registered but not in production, so it is left as is.`;
    }
    throw err;
  }
}
