import { describe, expect, it } from 'vitest';
import { planExecution } from '#infra/local/bank-simulator/calendar.ts';
import { isBusinessDay, nextBusinessDay, tallinnDate, tallinnInstant } from '#shared/domain/calendar.ts';

const sepa = { amountMinor: 20_000_000, currency: 'EUR', creditorIban: 'EE382200221020145685' }; // over the instant limit

describe('banking calendar (Europe/Tallinn)', () => {
  it('knows weekends, Estonian holidays, Easter and TARGET2 closing days', () => {
    expect(isBusinessDay('2026-03-02')).toBe(true); // Monday
    expect(isBusinessDay('2026-03-07')).toBe(false); // Saturday
    expect(isBusinessDay('2026-02-24')).toBe(false); // Independence Day
    expect(isBusinessDay('2026-04-03')).toBe(false); // Good Friday 2026
    expect(isBusinessDay('2026-04-06')).toBe(false); // Easter Monday (TARGET2)
    expect(isBusinessDay('2026-06-23')).toBe(false); // Victory Day
    expect(nextBusinessDay('2026-12-23')).toBe('2026-12-28');
  });

  it('converts Tallinn wall time across daylight saving', () => {
    expect(tallinnInstant('2026-01-15', '15:30').toISOString()).toBe('2026-01-15T13:30:00.000Z');
    expect(tallinnInstant('2026-07-15', '15:30').toISOString()).toBe('2026-07-15T12:30:00.000Z');
    expect(tallinnDate(new Date('2026-03-01T22:30:00Z'))).toBe('2026-03-02');
  });

  it('executes SEPA the same day before the 15:30 cut-off, next business day after it', () => {
    const before = planExecution({
      ...sepa,
      signedAt: new Date('2026-03-02T13:29:00Z'),
      requestedDate: '2026-03-02',
    });
    expect(before).toMatchObject({ scheme: 'sepa', bookingDate: '2026-03-02' });
    const after = planExecution({
      ...sepa,
      signedAt: new Date('2026-03-02T13:30:00Z'),
      requestedDate: '2026-03-02',
    });
    expect(after).toMatchObject({ scheme: 'sepa', bookingDate: '2026-03-03' });
    expect(after.executeAt.toISOString()).toBe('2026-03-03T07:00:00.000Z');
    const friday = planExecution({
      ...sepa,
      signedAt: new Date('2026-03-06T14:00:00Z'),
      requestedDate: '2026-03-06',
    });
    expect(friday.bookingDate).toBe('2026-03-09');
  });

  it('uses instant for EUR up to 100,000 when reachable, any day and hour', () => {
    const saturdayNight = new Date('2026-03-07T22:00:00Z');
    const plan = planExecution({
      ...sepa,
      amountMinor: 10_000_000,
      signedAt: saturdayNight,
      requestedDate: '2026-03-07',
    });
    expect(plan).toMatchObject({ scheme: 'instant', executeAt: saturdayNight });
    const unreachable = planExecution(
      { ...sepa, amountMinor: 100, signedAt: saturdayNight, requestedDate: '2026-03-07' },
      {
        sepaCutOff: '15:30',
        sepaExecutionTime: '09:00',
        instantLimitMinor: 10_000_000,
        instantBankCodes: ['42'],
        instantDelayMs: 0,
      },
    );
    expect(unreachable.scheme).toBe('sepa');
  });

  it('honours a future requested execution date (moved to a business day)', () => {
    const plan = planExecution({
      ...sepa,
      amountMinor: 100,
      signedAt: new Date('2026-03-02T08:00:00Z'),
      requestedDate: '2026-03-08',
    });
    expect(plan).toMatchObject({ scheme: 'sepa', bookingDate: '2026-03-09' });
  });
});
