import { describe, expect, it } from 'vitest';
import {
  addWidget,
  DEFAULT_LAYOUT,
  hiddenWidgets,
  type KeyValueStorage,
  layoutKey,
  loadLayout,
  moveWidget,
  removeWidget,
  saveLayout,
  WIDGET_IDS,
} from './widgets';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('overview widget layout', () => {
  it('starts from the default layout and remembers each user’s own', () => {
    const storage = memoryStorage();
    expect(loadLayout(storage, 'alice')).toEqual(DEFAULT_LAYOUT);
    saveLayout(storage, 'alice', ['scores', 'kpis']);
    saveLayout(storage, 'bob', ['models']);
    expect(loadLayout(storage, 'alice')).toEqual(['scores', 'kpis']);
    expect(loadLayout(storage, 'bob')).toEqual(['models']);
    expect(storage.data.get(layoutKey('alice'))).toBe('["scores","kpis"]');
  });

  it('keeps an empty layout empty (the user removed everything)', () => {
    const storage = memoryStorage();
    saveLayout(storage, 'alice', []);
    expect(loadLayout(storage, 'alice')).toEqual([]);
  });

  it('drops unknown and repeated widgets, and falls back to the default on garbage', () => {
    const storage = memoryStorage();
    storage.setItem(layoutKey('a'), '["kpis","gone","kpis","timeline"]');
    expect(loadLayout(storage, 'a')).toEqual(['kpis', 'timeline']);
    storage.setItem(layoutKey('a'), '{not json');
    expect(loadLayout(storage, 'a')).toEqual(DEFAULT_LAYOUT);
    storage.setItem(layoutKey('a'), '{"kpis":1}');
    expect(loadLayout(storage, 'a')).toEqual(DEFAULT_LAYOUT);
  });

  it('survives storage that throws (blocked by the browser)', () => {
    const blocked: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadLayout(blocked, 'a')).toEqual(DEFAULT_LAYOUT);
    expect(() => saveLayout(blocked, 'a', ['kpis'])).not.toThrow();
  });

  it('adds, removes and reorders', () => {
    let layout = ['kpis', 'timeline', 'scores'] as typeof DEFAULT_LAYOUT extends readonly (infer T)[]
      ? T[]
      : never;
    expect(hiddenWidgets(layout)).toEqual(WIDGET_IDS.filter((id) => !layout.includes(id)));
    layout = addWidget(layout, 'models');
    expect(layout).toEqual(['kpis', 'timeline', 'scores', 'models']);
    expect(addWidget(layout, 'kpis')).toEqual(layout);
    expect(moveWidget(layout, 'models', -1)).toEqual(['kpis', 'timeline', 'models', 'scores']);
    expect(moveWidget(layout, 'kpis', -1)).toEqual(layout);
    expect(moveWidget(layout, 'models', 1)).toEqual(layout);
    expect(moveWidget(layout, 'kpis', 2)).toEqual(['timeline', 'scores', 'kpis', 'models']);
    expect(removeWidget(layout, 'timeline')).toEqual(['kpis', 'scores', 'models']);
  });
});
