import { describe, expect, it } from 'vitest';
import { maskIbans } from '../../../shared/observability.ts';

describe('log masking', () => {
  it('keeps country, check digits and the last four characters of every IBAN', () => {
    expect(maskIbans('from EE382200221020145685 to EE471000001020145685')).toBe(
      'from EE38************5685 to EE47************5685',
    );
  });

  it('leaves text without IBANs alone', () => {
    expect(maskIbans('batch 42 confirmed by user-1')).toBe('batch 42 confirmed by user-1');
  });
});
