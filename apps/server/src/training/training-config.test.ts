import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultTrainingConfig,
  loadTrainingConfig,
  parseTrainingConfig,
} from './training-config.js';

async function writeTemp(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-config-'));
  const file = join(dir, 'training.yml');
  await writeFile(file, text);
  return file;
}

describe('training config', () => {
  it('fills XGBoost-like defaults', () => {
    const c = defaultTrainingConfig();
    expect(c.algorithm).toBe('gbdt');
    expect(c.gbdt).toMatchObject({
      nEstimators: 200,
      learningRate: 0.1,
      maxDepth: 6,
      maxBins: 256,
      lambda: 1,
    });
    expect(c.split).toEqual({ train: 0.7, validation: 0.15, test: 0.15 });
  });

  it('reads YAML and keeps defaults for keys not given', async () => {
    const file = await writeTemp('algorithm: gbdt\ngbdt:\n  maxDepth: 4\n  earlyStoppingRounds: 10\n');
    const c = await loadTrainingConfig(file);
    expect(c.gbdt.maxDepth).toBe(4);
    expect(c.gbdt.earlyStoppingRounds).toBe(10);
    expect(c.gbdt.nEstimators).toBe(200);
  });

  it('names the key and the problem for a bad value', () => {
    expect(() => parseTrainingConfig({ gbdt: { maxDepth: 'six' } }, 'x.yml')).toThrow(
      /x\.yml[\s\S]*gbdt\.maxDepth/,
    );
    expect(() => parseTrainingConfig({ gbdt: { learningRate: 0 } })).toThrow(ConfigError);
  });

  it('rejects unknown keys so typos do not fall back to defaults', () => {
    expect(() => parseTrainingConfig({ gbdt: { max_depth: 3 } })).toThrow(/max_depth/);
  });

  it('rejects split fractions that do not add up to 1', () => {
    expect(() => parseTrainingConfig({ split: { train: 0.5, validation: 0.1, test: 0.1 } })).toThrow(
      /add up to 1/,
    );
  });

  it('reports unreadable files and invalid YAML clearly', async () => {
    await expect(loadTrainingConfig('/nonexistent/training.yml')).rejects.toThrow(
      /cannot read training config/,
    );
    const bad = await writeTemp('gbdt: [unclosed');
    await expect(loadTrainingConfig(bad)).rejects.toThrow(/not valid YAML/);
    const scalar = await writeTemp('42');
    await expect(loadTrainingConfig(scalar)).rejects.toThrow(/expected a mapping/);
  });
});
