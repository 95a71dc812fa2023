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
});
