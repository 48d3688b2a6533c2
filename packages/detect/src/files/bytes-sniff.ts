import { FileFormatError } from './file-format.error.js';

/** True when the bytes start with gzip's magic number (RFC 1952); the file name is never trusted. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

const startsWith = (head: Uint8Array, magic: readonly number[]): boolean =>
  head.length >= magic.length && magic.every((b, i) => head[i] === b);

// Formats people upload by mistake, with what to do instead.
const KNOWN_BINARY: readonly { magic: readonly number[]; what: string; hint: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an .xlsx workbook)', hint: 'export it as CSV' },
  { magic: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', hint: 'convert it to CSV' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: 'upload the data as CSV' },
  {
    magic: [0xd4, 0xc3, 0xb2, 0xa1],
    what: 'a pcap capture',
    hint: 'turn it into flows first (Zeek conn.log or CICFlowMeter CSV)',
  },
  {
    magic: [0xa1, 0xb2, 0xc3, 0xd4],
    what: 'a pcap capture',
    hint: 'turn it into flows first (Zeek conn.log or CICFlowMeter CSV)',
  },
  {
    magic: [0x0a, 0x0d, 0x0d, 0x0a],
    what: 'a pcapng capture',
    hint: 'turn it into flows first (Zeek conn.log or CICFlowMeter CSV)',
  },
];

const COMPRESSED: readonly { magic: readonly number[]; name: string }[] = [
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: '7-Zip' },
];

/**
 * Refuses compression other than gzip and well-known binary formats by their magic numbers, with a
 * message saying what the file is and what to upload instead. Call it on the file's first bytes.
 */
export function checkMagic(head: Uint8Array): void {
  for (const c of COMPRESSED) {
    if (startsWith(head, c.magic)) {
      throw new FileFormatError(
        'unsupported-compression',
        `the file is ${c.name}-compressed; only gzip is supported: decompress it or recompress it with gzip`,
        { offset: 0 },
      );
    }
  }
  for (const k of KNOWN_BINARY) {
    if (startsWith(head, k.magic)) {
      throw new FileFormatError('binary-data', `the file is ${k.what}, not text: ${k.hint}`, { offset: 0 });
    }
  }
}

/** Byte-order marks Vigil recognises; only UTF-8's is accepted. */
export type ByteOrderMark = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** The byte-order mark the (decompressed) content starts with, if any. */
export function detectBom(head: Uint8Array): ByteOrderMark | undefined {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00])) return 'utf-32le';
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff])) return 'utf-32be';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  return undefined;
}

/** Throws for a UTF-16/32 byte-order mark, naming the encoding and the fix. */
export function checkBom(head: Uint8Array): ByteOrderMark | undefined {
  const bom = detectBom(head);
  if (bom !== undefined && bom !== 'utf-8') {
    throw new FileFormatError(
      'unsupported-encoding',
      `the file is ${bom.toUpperCase()} (byte-order mark at offset 0); save it as UTF-8 and upload it again`,
      { offset: 0, line: 1 },
    );
  }
  return bom;
}

/** Share of control characters above which a sample is binary rather than text. */
export const BINARY_CONTROL_RATIO = 0.05;

// Control bytes text files do not contain: everything below 0x20 except \t \n \v \f \r and ESC, plus DEL.
function isOddControl(b: number): boolean {
  return (b < 0x20 && (b < 0x09 || (b > 0x0d && b !== 0x1b))) || b === 0x7f;
}

/**
 * Throws when a sample of (decompressed) content is binary: any NUL byte, or more than 5 % odd control
 * characters. `base` is the sample's offset in the content, for the message.
 */
export function checkNotBinary(sample: Uint8Array, base = 0): void {
  const nul = sample.indexOf(0);
  if (nul >= 0) {
    throw new FileFormatError(
      'binary-data',
      `the file contains binary data (a NUL byte at offset ${base + nul}); upload a CSV, TSV, Zeek log or URL list as UTF-8 text`,
      { offset: base + nul },
    );
  }
  let odd = 0;
  let first = -1;
  for (let i = 0; i < sample.length; i++) {
    if (isOddControl(sample[i])) {
      odd++;
      if (first < 0) first = i;
    }
  }
  if (sample.length > 0 && odd / sample.length > BINARY_CONTROL_RATIO) {
    const pct = ((100 * odd) / sample.length).toFixed(1);
    throw new FileFormatError(
      'binary-data',
      `the file looks binary (${pct}% control characters, the first at offset ${base + first}); upload UTF-8 text`,
      { offset: base + first },
    );
  }
}
