import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '#infra/local/bank-simulator/ledger.ts';
import { MessageQueue } from '#infra/local/bank-simulator/queue.ts';
import { ruleMatches, ScenarioEngine, scenarioRuleSchema } from '#infra/local/bank-simulator/scenarios.ts';
import { estonianIban } from '#infra/local/bank-simulator/seed.ts';
import { isValidIban } from '#shared/domain/iban.ts';

const subject = {
  messageId: 'MSG-1',
  endUserCode: '12345678',
  debtorIban: 'EE382200221020145685',
  creditorIban: 'EE471000001020145685',
  creditorName: 'Kontoritarbed OÜ',
  endToEndId: 'MSG-1-E1',
  amountMinor: 12_345,
};

describe('scenario matching', () => {
  it('matches exact text (spaces ignored), contains (case-insensitive), regex and amount ranges', () => {
    const rule = (match: object) => scenarioRuleSchema.parse({ match, action: { type: 'never-answer' } });
    expect(ruleMatches(rule({ creditorIban: 'EE47 1000 0010 2014 5685' }), subject)).toBe(true);
    expect(ruleMatches(rule({ creditorName: { contains: 'kontori' } }), subject)).toBe(true);
    expect(ruleMatches(rule({ endToEndId: { regex: '-E\\d$' } }), subject)).toBe(true);
    expect(ruleMatches(rule({ minAmountMinor: 10_000, maxAmountMinor: 20_000 }), subject)).toBe(true);
    expect(ruleMatches(rule({ amountMinor: 1 }), subject)).toBe(false);
    expect(ruleMatches(rule({}), subject)).toBe(true);
  });

  it('applies `times` and partial acceptance deterministically', () => {
    const engine = new ScenarioEngine();
    engine.add({ match: { amountMinor: 12_345 }, action: { type: 'reject', reasonCode: 'AC04' }, times: 1 });
    expect(engine.evaluate(subject).reject?.reasonCode).toBe('AC04');
    expect(engine.evaluate(subject).reject).toBeUndefined();
    engine.clear();
    engine.add({ action: { type: 'partial-acceptance', rejectEveryNth: 2, reasonCode: 'AM05' } });
    expect([1, 2, 3, 4].map(() => engine.evaluate(subject).reject?.reasonCode)).toEqual([
      undefined,
      'AM05',
      undefined,
      'AM05',
    ]);
  });

  it('refuses a rule with an invalid reason code or unknown match key', () => {
    expect(() => scenarioRuleSchema.parse({ action: { type: 'reject', reasonCode: 'nope' } })).toThrow();
    expect(() =>
      scenarioRuleSchema.parse({ match: { colour: 'red' }, action: { type: 'never-answer' } }),
    ).toThrow();
  });
});

describe('ledger', () => {
  it('keeps opening + entries = closing for every day', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 5 }),
            minor: fc.integer({ min: 1, max: 100_000 }),
            credit: fc.boolean(),
          }),
          {
            maxLength: 40,
          },
        ),
        (moves) => {
          const ledger = new Ledger();
          const iban = estonianIban(1);
          ledger.open({ iban, ownerName: 'A', balanceMinor: 1_000, openedOn: '2026-03-01' });
          for (const move of [...moves].sort((a, b) => a.day - b.day)) {
            const date = `2026-03-0${move.day + 1}`;
            ledger.book(iban, {
              bookedAt: `${date}T10:00:00Z`,
              bookingDate: date,
              valueDate: date,
              amountMinor: move.minor,
              creditDebit: move.credit ? 'CRDT' : 'DBIT',
              counterparty: { name: 'B' },
              kind: 'payment',
            });
          }
          const days = ledger.statementDays(iban, '2026-03-01', '2026-03-06');
          let previousClosing = 1_000;
          for (const day of days) {
            const net = day.entries.reduce(
              (sum, e) => sum + (e.creditDebit === 'CRDT' ? e.amountMinor : -e.amountMinor),
              0,
            );
            if (day.openingBalanceMinor !== previousClosing) return false;
            if (day.closingBalanceMinor !== day.openingBalanceMinor + net) return false;
            previousClosing = day.closingBalanceMinor;
          }
          return previousClosing === ledger.get(iban)?.balanceMinor;
        },
      ),
    );
  });

  it('generates valid Estonian Coop Pank IBANs', () => {
    for (const serial of [1, 42, 1_000_001, 9_999_999]) {
      const iban = estonianIban(serial);
      expect(isValidIban(iban)).toBe(true);
      expect(iban.slice(4, 6)).toBe('42');
    }
  });
});

describe('message queue', () => {
  it('expires unread messages after the retention period', () => {
    const queue = new MessageQueue({ random: () => 0 });
    queue.enqueue({
      family: 'pain.002',
      typeHeader: 'pain.002.001.03',
      body: '<x/>',
      createdAt: '2026-03-01T00:00:00Z',
    });
    queue.enqueue({
      family: 'pain.002',
      typeHeader: 'pain.002.001.03',
      body: '<y/>',
      createdAt: '2026-03-05T00:00:00Z',
    });
    expect(queue.expire(new Date('2026-03-06T00:00:00Z'), 3 * 86_400_000)).toBe(1);
    expect(queue.next()?.body).toBe('<y/>');
  });
});
