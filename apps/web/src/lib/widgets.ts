// The Overview's widgets: which are shown and in what order, remembered per user in localStorage.

export const WIDGETS = {
  kpis: { title: 'Key figures', description: 'Flows scored, alerts, alert rate, model in production' },
  timeline: { title: 'Detections over time', description: 'Benign and attack verdicts per time bucket' },
  categories: { title: 'Alerts by category', description: 'Attack families in the window' },
  topSources: { title: 'Top sources', description: 'Addresses that sent the most alerting flows' },
  topDestinations: {
    title: 'Top destinations',
    description: 'Addresses that received the most alerting flows',
  },
  scores: { title: 'Risk score distribution', description: 'How risk scores spread, in steps of 10' },
  models: { title: 'Models in use', description: 'Which model versions scored the window' },
} as const;

export type WidgetId = keyof typeof WIDGETS;

export const WIDGET_IDS = Object.keys(WIDGETS) as WidgetId[];

export const DEFAULT_LAYOUT: readonly WidgetId[] = [
  'kpis',
  'timeline',
  'categories',
  'scores',
  'topSources',
  'topDestinations',
];

/** Minimal Storage (window.localStorage, or a stand-in in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function layoutKey(username: string): string {
  return `vigil.overview.layout.${username}`;
}

function isWidgetId(v: unknown): v is WidgetId {
  return typeof v === 'string' && Object.hasOwn(WIDGETS, v);
}

/**
 * The user's saved layout, or the default when nothing (or something unreadable) is saved.
 * Unknown and repeated ids are dropped, so a layout saved by an older version still loads.
 */
export function loadLayout(storage: KeyValueStorage, username: string): WidgetId[] {
  let raw: string | null = null;
  try {
    raw = storage.getItem(layoutKey(username));
  } catch {
    // Storage can be blocked (privacy settings): the default layout still works.
  }
  if (raw === null) return [...DEFAULT_LAYOUT];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [...DEFAULT_LAYOUT];
    return [...new Set(parsed.filter(isWidgetId))];
  } catch {
    return [...DEFAULT_LAYOUT];
  }
}

export function saveLayout(storage: KeyValueStorage, username: string, layout: readonly WidgetId[]): void {
  try {
    storage.setItem(layoutKey(username), JSON.stringify(layout));
  } catch {
    // Full or blocked storage: the layout lasts for this visit only.
  }
}

/** Widgets not on the layout, in catalogue order (what "Add widget" offers). */
export function hiddenWidgets(layout: readonly WidgetId[]): WidgetId[] {
  return WIDGET_IDS.filter((id) => !layout.includes(id));
}

export function addWidget(layout: readonly WidgetId[], id: WidgetId): WidgetId[] {
  return layout.includes(id) ? [...layout] : [...layout, id];
}

export function removeWidget(layout: readonly WidgetId[], id: WidgetId): WidgetId[] {
  return layout.filter((w) => w !== id);
}

/** Moves a widget `delta` places (−1 = earlier); stays put at either end. */
export function moveWidget(layout: readonly WidgetId[], id: WidgetId, delta: number): WidgetId[] {
  const from = layout.indexOf(id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= layout.length) return [...layout];
  const next = [...layout];
  next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}
