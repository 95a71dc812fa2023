import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Builder } from '#shared/iso20022/xml.ts';

describe('Utf8Builder', () => {
  it('equals joining the pieces, across buffer growth and multi-byte characters', () => {
    const piece = fc.string({ unit: 'grapheme', maxLength: 300 });
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.integer({ min: 0, max: 2048 }),
        (pieces, initial) => {
          const builder = new Utf8Builder(initial);
          for (const text of pieces) builder.push(text);
          expect(builder.finish()).toBe(pieces.join(''));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps interleaved builders apart while one of them reuses the pooled buffer', () => {
    const warm = new Utf8Builder(4096);
    warm.push('x'.repeat(4000));
    expect(warm.finish()).toHaveLength(4000);
    const outer = new Utf8Builder(2048);
    const inner = new Utf8Builder(2048);
    outer.push('<a>õ');
    inner.push('<b>');
    outer.push('</a>');
    inner.push('ü</b>');
    expect(inner.finish()).toBe('<b>ü</b>');
    expect(outer.finish()).toBe('<a>õ</a>');
    const again = new Utf8Builder(16);
    again.push('ok');
    expect(again.finish()).toBe('ok');
    expect(() => outer.push('late')).toThrow(/after finish/);
    const dropped = new Utf8Builder(16);
    dropped.push('unused');
    dropped.discard();
    expect(() => dropped.push('late')).toThrow(/discard/);
  });

  it('finishBytesFrom assembles strings and built ranges in order, with the right ascii flag (property)', () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.boolean(), text, fc.nat(), fc.nat()), { maxLength: 8 }),
        (built, order) => {
          const builder = new Utf8Builder(16);
          const offsets = [0];
          for (const piece of built) {
            builder.push(piece);
            offsets.push(builder.size);
          }
          const bytesOf = (piece: string) => Buffer.from(piece, 'utf8');
          const whole = Buffer.concat(built.map(bytesOf));
          const pieces: (string | number)[] = [];
          const expected: Buffer[] = [];
          for (const [useRange, literal, a, b] of order) {
            if (useRange) {
              const from = offsets[a % offsets.length] as number;
              const to = offsets[b % offsets.length] as number;
              const [start, end] = from <= to ? [from, to] : [to, from];
              pieces.push(start, end);
              expected.push(whole.subarray(start, end));
            } else {
              pieces.push(literal);
              expected.push(bytesOf(literal));
            }
          }
          const { bytes, ascii } = builder.finishBytesFrom(pieces);
          const want = Buffer.concat(expected);
          expect(bytes.equals(want)).toBe(true);
          // ascii may be false for an all-ASCII result only when a built piece outside the ranges was not ASCII.
          if (ascii) expect(want.every((byte) => byte < 0x80)).toBe(true);
          if (want.some((byte) => byte >= 0x80)) expect(ascii).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finishBytesFrom refuses a range outside what was built', () => {
    const builder = new Utf8Builder(16);
    builder.push('abc');
    expect(() => builder.finishBytesFrom(['x', 1, 9])).toThrow(/bad range 1\.\.9/);
  });
});
