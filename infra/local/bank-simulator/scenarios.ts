// Scenario rules as data: a rule matches payments (by debtor/creditor IBAN, amount, end-to-end id, creditor
// name, message id, end user) and says what the simulated bank does with them. Loaded from a JSON file or set
// through the control endpoint; rules are evaluated in order, the first matching rule per effect kind wins.
import { z } from 'zod';

const textMatch = z.union([z.string(), z.object({ regex: z.string() }), z.object({ contains: z.string() })]);

export const scenarioMatchSchema = z
  .object({
    messageId: textMatch.optional(),
    endUserCode: z.string().optional(),
    debtorIban: textMatch.optional(),
    creditorIban: textMatch.optional(),
    creditorName: textMatch.optional(),
    endToEndId: textMatch.optional(),
    amountMinor: z.number().int().optional(),
    minAmountMinor: z.number().int().optional(),
    maxAmountMinor: z.number().int().optional(),
  })
  .strict();

const reasonCode = z.string().regex(/^[A-Z0-9]{4}$/, 'an ISO external status reason code, e.g. AC01');

export const scenarioActionSchema = z.discriminatedUnion('type', [
  /** Reject the matching transaction at execution with an ISO reason code. */
  z.object({ type: z.literal('reject'), reasonCode, additionalInfo: z.string().optional() }),
  /** Reject the whole message at receipt (pain.002 group status RJCT). */
  z.object({ type: z.literal('reject-message'), reasonCode, additionalInfo: z.string().optional() }),
  /** Accept only part of the batch: every n-th matching transaction is rejected. */
  z.object({
    type: z.literal('partial-acceptance'),
    rejectEveryNth: z.number().int().min(1).default(2),
    reasonCode,
  }),
  /** Postpone the execution (and its status messages) by this long. */
  z.object({ type: z.literal('delay'), ms: z.number().int().min(0) }),
  /** Accept the message and then never send another status for it. */
  z.object({ type: z.literal('never-answer') }),
  /** Every status message of the batch is delivered `copies` extra times. */
  z.object({ type: z.literal('duplicate-messages'), copies: z.number().int().min(1).default(1) }),
  /** Sign automatically (demo) or wait for the signing endpoint, overriding the global mode. */
  z.object({ type: z.literal('signing'), mode: z.enum(['auto', 'manual']) }),
]);

export const scenarioRuleSchema = z.object({
  id: z.string().optional(),
  description: z.string().optional(),
  match: scenarioMatchSchema.default({}),
  action: scenarioActionSchema,
  /** How many times the rule applies (per matching transaction); omitted = always. */
  times: z.number().int().min(1).optional(),
});

export const scenarioFileSchema = z.object({ rules: z.array(scenarioRuleSchema) });

export type ScenarioRule = z.infer<typeof scenarioRuleSchema>;
export type ScenarioRuleInput = z.input<typeof scenarioRuleSchema>;
export type ScenarioAction = z.infer<typeof scenarioActionSchema>;
export type TextMatch = z.infer<typeof textMatch>;

/** What a rule is compared with: one transaction of a submitted pain.001. */
export interface ScenarioSubject {
  messageId: string;
  endUserCode: string;
  debtorIban: string;
  creditorIban: string;
  creditorName: string;
  endToEndId: string;
  amountMinor: number;
}

function matchesText(pattern: TextMatch | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return pattern.replace(/\s+/g, '') === value.replace(/\s+/g, '');
  if ('regex' in pattern) return new RegExp(pattern.regex).test(value);
  return value.toLowerCase().includes(pattern.contains.toLowerCase());
}

export function ruleMatches(rule: ScenarioRule, subject: ScenarioSubject): boolean {
  const match = rule.match;
  return (
    matchesText(match.messageId, subject.messageId) &&
    (match.endUserCode === undefined || match.endUserCode === subject.endUserCode) &&
    matchesText(match.debtorIban, subject.debtorIban) &&
    matchesText(match.creditorIban, subject.creditorIban) &&
    matchesText(match.creditorName, subject.creditorName) &&
    matchesText(match.endToEndId, subject.endToEndId) &&
    (match.amountMinor === undefined || match.amountMinor === subject.amountMinor) &&
    (match.minAmountMinor === undefined || subject.amountMinor >= match.minAmountMinor) &&
    (match.maxAmountMinor === undefined || subject.amountMinor <= match.maxAmountMinor)
  );
}

interface StoredRule {
  rule: ScenarioRule;
  id: string;
  remaining: number | undefined;
  /** Transactions matched so far (for partial acceptance). */
  matched: number;
}

export interface Effects {
  reject?: { reasonCode: string; additionalInfo?: string; ruleId: string };
  rejectMessage?: { reasonCode: string; additionalInfo?: string; ruleId: string };
  delayMs?: number;
  neverAnswer?: boolean;
  duplicateCopies?: number;
  signing?: 'auto' | 'manual';
}

export class ScenarioEngine {
  #rules: StoredRule[] = [];
  #counter = 0;

  /** Validates with zod; throws a ZodError listing every problem. */
  add(input: ScenarioRuleInput): string {
    const rule = scenarioRuleSchema.parse(input);
    this.#counter += 1;
    const id = rule.id ?? `rule-${this.#counter}`;
    this.#rules.push({ rule: { ...rule, id }, id, remaining: rule.times, matched: 0 });
    return id;
  }

  replaceAll(inputs: readonly ScenarioRuleInput[]): string[] {
    const parsed = z.array(scenarioRuleSchema).parse(inputs);
    this.#rules = [];
    return parsed.map((rule) => this.add(rule));
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((stored) => stored.id !== id);
    return this.#rules.length < before;
  }

  clear(): void {
    this.#rules = [];
  }

  list(): (ScenarioRule & { id: string; remaining?: number })[] {
    return this.#rules.map((stored) => ({
      ...stored.rule,
      id: stored.id,
      ...(stored.remaining !== undefined ? { remaining: stored.remaining } : {}),
    }));
  }

  /** Effects for one transaction; consumes `times` of the rules that applied. */
  evaluate(subject: ScenarioSubject): Effects {
    const effects: Effects = {};
    for (const stored of this.#rules) {
      if (stored.remaining === 0) continue;
      if (!ruleMatches(stored.rule, subject)) continue;
      const applied = this.#apply(stored, effects);
      if (applied && stored.remaining !== undefined) stored.remaining -= 1;
    }
    return effects;
  }

  #apply(stored: StoredRule, effects: Effects): boolean {
    const action = stored.rule.action;
    switch (action.type) {
      case 'reject':
        if (effects.reject) return false;
        effects.reject = {
          reasonCode: action.reasonCode,
          ruleId: stored.id,
          ...(action.additionalInfo ? { additionalInfo: action.additionalInfo } : {}),
        };
        return true;
      case 'reject-message':
        if (effects.rejectMessage) return false;
        effects.rejectMessage = {
          reasonCode: action.reasonCode,
          ruleId: stored.id,
          ...(action.additionalInfo ? { additionalInfo: action.additionalInfo } : {}),
        };
        return true;
      case 'partial-acceptance': {
        stored.matched += 1;
        if (effects.reject || stored.matched % action.rejectEveryNth !== 0) return false;
        effects.reject = {
          reasonCode: action.reasonCode,
          ruleId: stored.id,
          additionalInfo: 'partial acceptance',
        };
        return true;
      }
      case 'delay':
        effects.delayMs = Math.max(effects.delayMs ?? 0, action.ms);
        return true;
      case 'never-answer':
        effects.neverAnswer = true;
        return true;
      case 'duplicate-messages':
        effects.duplicateCopies = Math.max(effects.duplicateCopies ?? 0, action.copies);
        return true;
      case 'signing':
        if (effects.signing) return false;
        effects.signing = action.mode;
        return true;
    }
  }
}
