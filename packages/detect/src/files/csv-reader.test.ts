import { describe, expect, it } from 'vitest';
import { createCsvReader, parseCsvLine } from './csv-reader.js';
import { detectDelimiter } from './delimiter.js';
import { FileFormatError } from './file-format.error.js';
import { countNewlines, findInvalidUtf8, utf8CompleteLength } from './utf8.js';

/** Reads `text` fed in pieces of `size` characters; returns [cells, line] per record. */
function read(
  text: string,
  size: number,
  options: { delimiter?: string; quotes?: boolean; comment?: string } = {},
) {
  const out: [string[], number][] = [];
  const reader = createCsvReader({ delimiter: ',', ...options }, (cells, line) => out.push([cells, line]));
  for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
  reader.end();
  return out;
}

describe('createCsvReader', () => {
  const text = 'a,b,c\r\n1,"x, y",3\n\n4,"say ""hi""",6\n7,"two\nlines",9\n10,11,12';

  it('reads quoted delimiters, doubled quotes, quoted line breaks, CRLF and a last line without newline', () => {
    const expected: [string[], number][] = [
      [['a', 'b', 'c'], 1],
      [['1', 'x, y', '3'], 2],
      [['4', 'say "hi"', '6'], 4],
      [['7', 'two\nlines', '9'], 5],
      [['10', '11', '12'], 7],
    ];
    // Whatever the chunking, the records are the same.
    for (const size of [1, 2, 3, 5, 7, 1000]) expect(read(text, size), `size ${size}`).toEqual(expected);
  });

  it('keeps ragged rows as they are, and quotes inside unquoted fields as text', () => {
    expect(read('a,b\n1\n1,2,3\nx"y,z\n', 4)).toEqual([
      [['a', 'b'], 1],
      [['1'], 2],
      [['1', '2', '3'], 3],
      [['x"y', 'z'], 4],
    ]);
  });

  it('splits Zeek TSV without quote handling and skips # lines', () => {
    expect(
      read('#fields\ta\tb\n1\t"x\n#close\n', 3, { delimiter: '\t', quotes: false, comment: '#' }),
    ).toEqual([[['1', '"x'], 2]]);
  });

  it('stops at a quote never closed, with its line', () => {
    const bad = () => read('a,b\n1,"open\n2,3\n', 4);
    expect(bad).toThrow(FileFormatError);
    expect(bad).toThrow(/line 2: a quoted field is never closed/);
    expect(() => {
      const reader = createCsvReader({ delimiter: ',', maxRecordChars: 10 }, () => {});
      reader.push('1,"aaaaaaaaaaaaaaaaaaaaa');
    }).toThrow(/longer than 10 characters/);
  });

  it('parses one line', () => {
    expect(parseCsvLine('" Flow ID",Src IP', ',')).toEqual([' Flow ID', 'Src IP']);
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter found the same number of times on every line', () => {
    expect(detectDelimiter(['a,b,c', '1,2,3'])).toBe(',');
    expect(detectDelimiter(['a\tb\tc', '1,5\t2\t3'])).toBe('\t');
    expect(detectDelimiter(['a;b;c', '1,5;2,5;3'])).toBe(';');
    expect(detectDelimiter(['"x;y",b', '1,2'])).toBe(',');
    expect(detectDelimiter(['url', 'http://a.test/'])).toBe(',');
  });
});

describe('UTF-8 helpers', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);

  it('finds the first byte that is not well-formed UTF-8', () => {
    expect(findInvalidUtf8(new TextEncoder().encode('plain ascii, é, 日本, 😀'))).toBe(-1);
    expect(findInvalidUtf8(bytes(0x61, 0xe9, 0x62))).toBe(1); // Latin-1 é
    expect(findInvalidUtf8(bytes(0xc0, 0x80))).toBe(0); // overlong NUL
    expect(findInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // surrogate
    expect(findInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // above U+10FFFF
    expect(findInvalidUtf8(bytes(0x61, 0xe6, 0x97))).toBe(-1); // cut off at the end: not yet invalid
  });

  it('finds where a chunk stops on a character boundary', () => {
    const e = new TextEncoder().encode('a日');
    expect(utf8CompleteLength(e)).toBe(4);
    expect(utf8CompleteLength(e.subarray(0, 3))).toBe(1);
    expect(utf8CompleteLength(e.subarray(0, 2))).toBe(1);
    expect(countNewlines(new TextEncoder().encode('a\nb\n\nc'))).toBe(3);
  });
});
