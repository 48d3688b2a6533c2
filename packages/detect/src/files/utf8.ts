/**
 * Offset of the first byte of `bytes[start..end)` that is not well-formed UTF-8 (Unicode Table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1 when every sequence is valid. A
 * sequence cut off by `end` counts as valid: streaming callers pass the tail on with the next chunk
 * (see {@link utf8CompleteLength}).
 */
export function findInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return -1;
      const c = bytes[i + k];
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Length of the prefix of `bytes` that ends on a character boundary: a multi-byte sequence cut off
 * at the end is left out, so a chunked reader can check each chunk on its own and carry the tail.
 */
export function utf8CompleteLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return len > back ? n - back : n;
    }
  }
  return n;
}

/** Number of `\n` bytes in `bytes[start..end)`. */
export function countNewlines(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let n = 0;
  let i = bytes.indexOf(0x0a, start);
  while (i >= 0 && i < end) {
    n++;
    i = bytes.indexOf(0x0a, i + 1);
  }
  return n;
}

/** A readable rendering of the bytes around an offset, for an error message: `…63 61 fe 20…`. */
export function hexAround(bytes: Uint8Array, offset: number, radius = 3): string {
  const from = Math.max(0, offset - radius);
  const to = Math.min(bytes.length, offset + radius + 1);
  const parts: string[] = [];
  for (let i = from; i < to; i++) {
    const hex = bytes[i].toString(16).padStart(2, '0');
    parts.push(i === offset ? `[${hex}]` : hex);
  }
  return parts.join(' ');
}
