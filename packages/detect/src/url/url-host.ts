/**
 * How a host that is an IP address is written. Browsers (WHATWG URL) accept IPv4 addresses in
 * decimal, hexadecimal and octal parts and in shortened forms, all of which hide an address from a
 * reader: everything but plain dotted quads and plain IPv6 is obfuscation.
 */
export type IpEncoding =
  | 'none'
  | 'dotted'
  | 'decimal'
  | 'hex'
  | 'octal'
  | 'mixed'
  | 'ipv6'
  | 'ipv4-mapped-ipv6';

/** Numeric code of each encoding (the order is part of URL schema version 1). */
export const IP_ENCODINGS: readonly IpEncoding[] = [
  'none',
  'dotted',
  'decimal',
  'hex',
  'octal',
  'mixed',
  'ipv6',
  'ipv4-mapped-ipv6',
];

const RADIX_DEC = 1;
const RADIX_HEX = 2;
const RADIX_OCT = 4;

/**
 * The IP encoding of a lower-case host (brackets kept for IPv6), following the WHATWG IPv4 parser:
 * 1 to 4 dot-separated parts (one trailing dot allowed), each decimal, `0x` hexadecimal or
 * 0-prefixed octal, the last part filling the remaining bytes. Returns 'none' for a host name.
 */
export function ipEncoding(host: string): IpEncoding {
  const n = host.length;
  if (n === 0) return 'none';
  if (host.charCodeAt(0) === 91 /* [ */) return ipv6Encoding(host);
  let end = n;
  if (host.charCodeAt(end - 1) === 46 /* . */) end--;
  if (end === 0) return 'none';
  let parts = 0;
  let radices = 0;
  let start = 0;
  let fill = 0;
  let last = 0;
  for (let i = 0; i <= end; i++) {
    if (i < end && host.charCodeAt(i) !== 46) continue;
    if (i === start) return 'none';
    parts++;
    if (parts > 4) return 'none';
    const part = parsePart(host, start, i);
    if (part < 0) return 'none';
    radices |= radixOf(host, start, i);
    last = part;
    if (i < end) {
      if (part > 255) return 'none';
      fill++;
    }
    start = i + 1;
  }
  if (last >= 256 ** (4 - fill)) return 'none';
  if (radices === RADIX_DEC || radices === 0)
    return parts === 4 ? 'dotted' : parts === 1 ? 'decimal' : 'mixed';
  if (radices === RADIX_HEX) return 'hex';
  if (radices === RADIX_OCT) return 'octal';
  return 'mixed';
}

/** Value of one IPv4 part, or -1 when it is not a number in any radix. */
function parsePart(s: string, from: number, to: number): number {
  let i = from;
  let radix = 10;
  if (to - i >= 2 && s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120) {
    radix = 16;
    i += 2;
    if (i === to) return 0; // "0x" alone is zero for WHATWG
  } else if (to - i >= 2 && s.charCodeAt(i) === 48) {
    radix = 8;
    i++;
  }
  let v = 0;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    if (d >= radix) return -1;
    v = v * radix + d;
    if (v > 0xffffffff) return -1;
  }
  return v;
}

/** Radix flag of a part; a lone "0" reads the same in every radix and counts for none. */
function radixOf(s: string, from: number, to: number): number {
  if (to - from === 1 && s.charCodeAt(from) === 48) return 0;
  if (to - from >= 2 && s.charCodeAt(from) === 48) {
    return (s.charCodeAt(from + 1) | 32) === 120 ? RADIX_HEX : RADIX_OCT;
  }
  return RADIX_DEC;
}

function ipv6Encoding(host: string): IpEncoding {
  const n = host.length;
  if (n < 4 || host.charCodeAt(n - 1) !== 93 /* ] */) return 'none';
  let colons = 0;
  for (let i = 1; i < n - 1; i++) {
    const c = host.charCodeAt(i);
    if (c === 58) colons++;
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 46)) return 'none';
  }
  if (colons < 2) return 'none';
  // ::ffff:a.b.c.d, ::ffff:7f00:1 and the long form 0:0:0:0:0:ffff:… all reach an IPv4 host.
  if (host.startsWith('[::ffff:') || /^\[(0{1,4}:){5}ffff:/.test(host)) return 'ipv4-mapped-ipv6';
  return 'ipv6';
}

// RFC 3492 parameters.
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, numPoints: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

/**
 * Decodes the Punycode part of an IDN label (after `xn--`) to Unicode (RFC 3492); returns null
 * for input that is not valid Punycode.
 */
export function decodePunycode(input: string): string | null {
  const output: number[] = [];
  const basicEnd = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(basicEnd, 0); j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return null;
    output.push(c);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let at = basicEnd > 0 ? basicEnd + 1 : 0; at < input.length; ) {
    const oldI = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return null;
      const c = input.charCodeAt(at++);
      let digit = BASE;
      if (c >= 48 && c <= 57) digit = c - 22;
      else if (c >= 65 && c <= 90) digit = c - 65;
      else if (c >= 97 && c <= 122) digit = c - 97;
      if (digit >= BASE) return null;
      i += digit * w;
      if (i > 0x7fffffff) return null;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (w > 0x7fffffff) return null;
    }
    const count = output.length + 1;
    bias = adapt(i - oldI, count, oldI === 0);
    n += Math.floor(i / count);
    if (n > 0x10ffff) return null;
    i %= count;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

/** Writing systems told apart for the mixed-script check (bit flags). */
const Script = { None: 0, Latin: 1, Greek: 2, Cyrillic: 4, Armenian: 8, Cjk: 16, Other: 32 } as const;

function scriptOf(cp: number): number {
  if (cp < 0x80) return (cp | 32) >= 97 && (cp | 32) <= 122 ? Script.Latin : Script.None;
  if ((cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff)) {
    return cp === 0xd7 || cp === 0xf7 ? Script.None : Script.Latin;
  }
  if (cp >= 0x370 && cp <= 0x3ff) return Script.Greek;
  if (cp >= 0x400 && cp <= 0x52f) return Script.Cyrillic;
  if (cp >= 0x530 && cp <= 0x58f) return Script.Armenian;
  if (
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x3400 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff)
  ) {
    return Script.Cjk;
  }
  if (cp >= 0x2000 && cp <= 0x2bff) return Script.None; // punctuation and symbols
  return Script.Other;
}

/**
 * True when a label mixes writing systems the way homograph attacks do (Latin with Cyrillic,
 * Greek or Armenian letters, or any two alphabets). Latin with CJK scripts (Japanese, Chinese and
 * Korean domains) is normal and does not count. Digits, hyphens and symbols are neutral.
 */
export function isMixedScript(label: string): boolean {
  let seen = 0;
  for (const ch of label) {
    seen |= scriptOf(ch.codePointAt(0) ?? 0);
  }
  const alphabets = seen & ~Script.Cjk;
  // More than one bit among the alphabets; CJK alongside a non-Latin alphabet counts too.
  if ((alphabets & (alphabets - 1)) !== 0) return true;
  return (seen & Script.Cjk) !== 0 && (alphabets & ~Script.Latin) !== 0;
}
