import { FileFormatError } from './file-format.error.js';

/** What a Zeek ASCII log's `#` header lines declare. */
export interface ZeekTsvHeader {
  readonly separator: string;
  readonly setSeparator: string;
  /** The token for an empty string / set (`(empty)`). */
  readonly emptyField: string;
  /** The token for an unset field (`-`), read as missing. */
  readonly unsetField: string;
  /** The log's path (`conn`, `dns`, …) when declared. */
  readonly path: string | undefined;
  readonly fields: readonly string[];
  readonly types: readonly string[] | undefined;
  /** Number of `#` lines before the first data line. */
  readonly headerLines: number;
}

// "\x09" → tab: Zeek writes the separator escaped.
function unescapeZeek(value: string): string {
  return value.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** True when text starts like a Zeek ASCII log (`#separator` is always its first line). */
export function looksLikeZeekTsv(firstLine: string): boolean {
  return firstLine.startsWith('#separator ');
}

/**
 * Reads the `#` header of a Zeek ASCII log from its first lines. Throws FileFormatError when the
 * header has no `#fields` line before the first data line.
 */
export function parseZeekTsvHeader(lines: readonly string[]): ZeekTsvHeader {
  const first = lines[0] ?? '';
  const separator = unescapeZeek(first.slice('#separator '.length).trim()) || '\t';
  const meta = new Map<string, string[]>();
  let headerLines = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('#')) break;
    headerLines++;
    if (line.startsWith('#separator ')) continue;
    const [key, ...values] = line.slice(1).split(separator);
    meta.set(key, values);
  }
  const fields = meta.get('fields');
  if (!fields || fields.length === 0) {
    throw new FileFormatError(
      'bad-zeek-header',
      'the file starts like a Zeek log (#separator) but has no #fields line before its first data line',
      { line: headerLines + 1 },
    );
  }
  const one = (key: string, fallback: string) => unescapeZeek(meta.get(key)?.[0] ?? fallback);
  return {
    separator,
    setSeparator: one('set_separator', ','),
    emptyField: one('empty_field', '(empty)'),
    unsetField: one('unset_field', '-'),
    path: meta.get('path')?.[0],
    fields,
    types: meta.get('types'),
    headerLines,
  };
}

/** A Zeek TSV cell as a record value: the unset token is missing (null), the empty token ''. */
export function zeekCell(
  raw: string,
  header: Pick<ZeekTsvHeader, 'unsetField' | 'emptyField'>,
): string | null {
  if (raw === header.unsetField) return null;
  if (raw === header.emptyField) return '';
  return raw;
}

/**
 * A Zeek JSON log line as flat fields: nested objects (`"id": {"orig_h": …}`, as some shippers write
 * them) become dotted names, booleans Zeek's `T`/`F`, sets and vectors comma-joined text.
 */
export function flattenZeekJson(
  obj: Record<string, unknown>,
  into: Record<string, unknown> = {},
  prefix = '',
) {
  for (const key in obj) {
    const v = obj[key];
    const name = prefix + key;
    if (typeof v === 'boolean') into[name] = v ? 'T' : 'F';
    else if (Array.isArray(v)) into[name] = v.join(',');
    else if (typeof v === 'object' && v !== null)
      flattenZeekJson(v as Record<string, unknown>, into, `${name}.`);
    else into[name] = v;
  }
  return into;
}

/** True when a parsed JSON line looks like a Zeek log record (a `ts` and a `uid` or connection id). */
export function looksLikeZeekJson(obj: unknown): obj is Record<string, unknown> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return false;
  const o = obj as Record<string, unknown>;
  return 'ts' in o && ('uid' in o || 'id.orig_h' in o || (typeof o.id === 'object' && o.id !== null));
}
