import { describe, expect, it } from 'vitest';
import { median } from '../../../bench/median.ts';

describe('bench median', () => {
  it('takes the middle value, or the mean of the two middle values of an even count', () => {
    expect(median([])).toBe(0);
    expect(median([7])).toBe(7);
    expect(median([30, 44])).toBe(37);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
