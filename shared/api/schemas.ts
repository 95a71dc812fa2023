// Request schemas of the REST API (zod). The handlers parse with them and the OpenAPI document is generated
// from them, so the document describes exactly what the handlers accept.
import { z } from 'zod';
import { supportedBanks } from '../app/banks.ts';
import { accountIbanProblem } from '../domain/bank-account.ts';
import { currencyExponent, isKnownCurrency, parseDecimal } from '../domain/money.ts';
import {
  notificationChannels,
  notificationSeverities,
  notificationTypes,
} from '../domain/notification-subscription.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const bankIds = supportedBanks.map((bank) => bank.id) as [string, ...string[]];

export const sourceDocumentSchema = z.strictObject({
  type: z.enum(['bill', 'expense_report']),
  id: z.string().min(1).max(64),
});

export const paymentLineSchema = z
  .strictObject({
    creditorName: z.string().trim().min(1).max(140),
    creditorIban: z
      .string()
      .min(5)
      .max(42)
      .describe('Recipient IBAN; checked per line, problems shown in the summary'),
    creditorBic: z.string().min(8).max(11).optional(),
    amount: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,3})?$/, 'expected a decimal amount like "1234.50"')
      .describe('Decimal string in the currency, e.g. "1234.50"; never a number'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code like EUR'),
    remittanceInformation: z.string().min(1).max(500).optional(),
    reference: z
      .string()
      .min(2)
      .max(35)
      .optional()
      .describe('Estonian reference number (7-3-1) or RF reference'),
    requestedExecutionDate: date.optional(),
    sourceDocument: sourceDocumentSchema,
  })
  .superRefine((line, context) => {
    if (!isKnownCurrency(line.currency)) {
      context.addIssue({ code: 'custom', path: ['currency'], message: 'unknown currency code' });
      return;
    }
    try {
      parseDecimal(line.amount, line.currency);
    } catch {
      context.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `at most ${currencyExponent(line.currency)} decimals for ${line.currency}`,
      });
    }
  });

export const createPaymentBatchBody = z.strictObject({
  name: z.string().trim().min(1).max(140).optional(),
  debtorAccountId: z.string().min(5).max(42).describe('IBAN of an added account to pay from'),
  payments: z.array(paymentLineSchema).min(1).max(5000),
});

export const confirmPaymentBatchBody = z.strictObject({
  acknowledgedDuplicates: z
    .array(z.string().min(1))
    .max(5000)
    .default([])
    .describe('Payment ids the summary flagged as possible duplicates that are intended'),
});

export const idempotencyKeySchema = z
  .string()
  .min(8, 'use at least 8 characters (a UUID is ideal)')
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const addBankAccountBody = z
  .strictObject({
    iban: z.string().min(5).max(42),
    bankId: z.enum(bankIds).default('coop-pank'),
    name: z.string().trim().min(1).max(70).optional(),
    currency: z.literal('EUR').default('EUR'),
  })
  .superRefine((input, context) => {
    const bank = supportedBanks.find((b) => b.id === (input.bankId ?? 'coop-pank'));
    const problem = bank ? accountIbanProblem(input.iban, bank) : 'unknown bank';
    if (problem) context.addIssue({ code: 'custom', path: ['iban'], message: problem });
  });

export const createConnectionBody = z.strictObject({
  bankId: z.enum(bankIds).default('coop-pank'),
  registryCode: z.string().regex(/^\d{8}$/, 'an Estonian registry code has 8 digits'),
  country: z.literal('EE').default('EE'),
});

export const setConnectionAccountsBody = z.strictObject({
  accounts: z
    .array(
      z.strictObject({
        accountId: z.string().min(5).max(42),
        paymentInitiation: z.boolean(),
        statementRetrieval: z.boolean(),
      }),
    )
    .min(1)
    .max(40),
});

export const createSubscriptionBody = z
  .strictObject({
    channel: z.enum(notificationChannels),
    address: z.string().min(3).max(254).describe('Email address, or a phone number in E.164 form for SMS'),
    types: z.array(z.enum(notificationTypes)).max(notificationTypes.length).default([]),
    minimumSeverity: z.enum(notificationSeverities).default('warning'),
  })
  .superRefine((input, context) => {
    const valid =
      input.channel === 'email'
        ? z.email().safeParse(input.address).success
        : /^\+[1-9]\d{6,14}$/.test(input.address);
    if (!valid) {
      context.addIssue({
        code: 'custom',
        path: ['address'],
        message: input.channel === 'email' ? 'not an email address' : 'a phone number like +37255512345',
      });
    }
  });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(2000).optional(),
});

export const dateRangeQuery = pageQuery.extend({ from: date.optional(), to: date.optional() });

export const transactionsQuery = dateRangeQuery.extend({
  direction: z.enum(['credit', 'debit']).optional(),
  reference: z.string().min(1).max(35).optional(),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
