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
});
