import { normaliseColumnName } from '../schemas/flow-schema.js';

/** The column name that marks a URL list when no other is named. */
export const URL_COLUMN = 'url';

const WITH_SCHEME = /^[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/?#]+\S*$/i;
// A bare host name with a known-looking TLD, optionally with a path: example.com/login.
const BARE_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)+[a-z]{2,63}\.?(?::\d{1,5})?(?:[/?#]\S*)?$/i;

/** True when a cell reads as a URL: `scheme://host…`, or a bare host name with an optional path. */
export function looksLikeUrl(cell: string): boolean {
  const s = cell.trim();
  if (s.length === 0 || s.length > 8192) return false;
  return WITH_SCHEME.test(s) || BARE_HOST.test(s);
}

/**
 * Position of the URL column in a header: the column named `wanted` (matched like schema columns,
 * ignoring case and padding) or, without a name, the column called `url`; -1 when absent.
 */
export function findUrlColumn(header: readonly string[], wanted: string = URL_COLUMN): number {
  const key = normaliseColumnName(wanted);
  return header.findIndex((h) => normaliseColumnName(h) === key);
}
