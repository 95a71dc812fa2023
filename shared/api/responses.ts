// Response schemas of the REST API (zod): what the presenters in shared/app/presenters.ts return. The
// OpenAPI document models every success body with them (components/schemas), and the integration tests parse
// real responses with them, so the document and the handlers cannot drift apart silently.
import { z } from 'zod';
import { connectionStatuses } from '../domain/connection.ts';
import {
  notificationChannels,
  notificationSeverities,
  notificationTypes,
} from '../domain/notification-subscription.ts';
import { paymentStatuses } from '../domain/payment.ts';
import { batchStatuses } from '../domain/payment-batch.ts';
import { problemSchema } from './schemas.ts';

/** Every named response schema; the OpenAPI document's components/schemas are generated from it. */
export const responseRegistry = z.registry<{ id: string }>();

const instant = z.string().describe('ISO 8601 instant, e.g. 2026-03-01T09:30:00.000Z');
const date = z.string().describe('Date YYYY-MM-DD');
const decimal = z.string().describe('Decimal string in the currency, e.g. "1234.50"');

export const moneySchema = z
  .object({ amount: decimal, currency: z.string() })
  .register(responseRegistry, { id: 'Money' });

const page = <Item extends z.ZodType>(item: Item, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last'),
    })
    .register(responseRegistry, { id });

export const bankSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    bic: z.string(),
    country: z.string(),
    status: z.enum(['available', 'planned']),
    capabilities: z.object({
      paymentInitiation: z.boolean(),
      instantPayments: z.boolean(),
      signing: z.literal('internet_bank'),
      statements: z.object({ previousDay: z.boolean(), intraday: z.boolean(), format: z.string() }),
      transactionNotifications: z.boolean(),
      maxPaymentsPerBatch: z.number().int(),
    }),
  })
  .register(responseRegistry, { id: 'Bank' });

export const accountSchema = z
  .object({
    id: z.string().describe('The IBAN'),
    iban: z.string(),
    bankId: z.string(),
    name: z.string().optional(),
    currency: z.string(),
    permissions: z.object({ paymentInitiation: z.boolean(), statementRetrieval: z.boolean() }),
    connectionId: z.string().optional(),
    createdAt: instant,
  })
  .register(responseRegistry, { id: 'BankAccount' });

export const connectionSchema = z
  .object({
    id: z.string(),
    bankId: z.string(),
    registryCode: z.string(),
    country: z.string(),
    companyName: z.string().optional(),
    status: z.enum(connectionStatuses),
    representation: z.object({
      confirmedBy: z.array(
        z.object({ name: z.string(), representation: z.enum(['sole', 'joint']), at: instant }),
      ),
    }),
    accountIds: z.array(z.string()),
    createdAt: instant,
    updatedAt: instant,
    representationOutcome: z
      .enum(['confirmed', 'awaiting_other_representative'])
      .optional()
      .describe('Only in the answer to a representation confirmation'),
  })
  .register(responseRegistry, { id: 'Connection' });

export const batchSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    status: z.enum(batchStatuses),
    statusText: z.string().describe('The status in words'),
    statusReason: z.string().optional(),
    debtorAccountId: z.string().optional(),
    paymentCount: z.number().int().optional(),
    totals: z.array(moneySchema),
    createdAt: instant,
    createdBy: z.string(),
    updatedAt: instant,
    confirmedAt: instant.optional(),
    confirmedBy: z.string().optional(),
  })
  .register(responseRegistry, { id: 'PaymentBatch' });

const issueSchema = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

export const paymentSchema = z
  .object({
    id: z.string().describe('Position in the batch, zero-padded (00001)'),
    position: z.number().int(),
    endToEndId: z.string(),
    creditorName: z.string(),
    creditorIban: z.string(),
    creditorBic: z.string().optional(),
    amount: decimal,
    currency: z.string(),
    reference: z.string().optional(),
    remittanceInformation: z.string().optional(),
    requestedExecutionDate: date.optional(),
    sourceDocument: z.object({ type: z.enum(['bill', 'expense_report']), id: z.string() }),
    channel: z.enum(['instant', 'sepa']),
    status: z.enum(paymentStatuses),
    statusText: z.string(),
    reasonCode: z.string().optional().describe('ISO 20022 status reason code'),
    reason: z.string().optional().describe('The reason in words'),
    statusHistory: z.array(
      z.object({ status: z.enum(paymentStatuses), at: instant, reasonCode: z.string().optional() }),
    ),
    issues: z.array(issueSchema),
  })
  .register(responseRegistry, { id: 'Payment' });

export const timelineEventSchema = z
  .object({
    at: instant,
    action: z.string(),
    by: z.union([z.object({ userId: z.string() }), z.object({ system: z.string() })]),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .register(responseRegistry, { id: 'TimelineEvent' });

export const batchStatusSchema = batchSchema
  .extend({ payments: page(paymentSchema, 'PaymentPage'), timeline: z.array(timelineEventSchema) })
  .register(responseRegistry, { id: 'PaymentBatchStatus' });

const channelSummary = z.object({ count: z.number().int(), totals: z.array(moneySchema) });

export const batchSummarySchema = z
  .object({
    batchId: z.string(),
    status: z.enum(batchStatuses),
    paymentCount: z.number().int(),
    totals: z.array(moneySchema),
    channels: z.object({ instant: channelSummary, sepa: channelSummary }),
    validation: z.object({
      errorCount: z.number().int(),
      warningCount: z.number().int(),
      lines: z.array(
        z.object({
          paymentId: z.string(),
          position: z.number().int(),
          issues: z.array(issueSchema.extend({ path: z.string().describe('e.g. payments.3.creditorIban') })),
        }),
      ),
    }),
    possibleDuplicates: z.array(
      z.object({
        paymentId: z.string(),
        position: z.number().int(),
        creditorName: z.string(),
        creditorIban: z.string(),
        amount: decimal,
        currency: z.string(),
        matches: z.array(z.object({ batchId: z.string(), paymentId: z.string(), batchStatus: z.string() })),
        acknowledged: z.boolean(),
      }),
    ),
    readyToConfirm: z.boolean(),
    blockers: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .register(responseRegistry, { id: 'PaymentBatchSummary' });

export const statementDaySchema = z
  .object({
    date,
    openingBalance: moneySchema,
    closingBalance: moneySchema,
    entryCount: z.number().int(),
    completeness: z.enum(['complete', 'gap_before', 'incomplete']),
    receivedAt: instant,
  })
  .register(responseRegistry, { id: 'StatementDay' });

export const entrySchema = z
  .object({
    id: z.string(),
    bookingDate: date,
    valueDate: date.optional(),
    direction: z.enum(['credit', 'debit']),
    amount: decimal,
    currency: z.string(),
    counterpartyName: z.string().optional(),
    counterpartyIban: z.string().optional(),
    reference: z.string().optional(),
    remittanceInformation: z.string().optional(),
    endToEndId: z.string().optional(),
    bankReference: z.string(),
    payment: z.object({ batchId: z.string(), paymentId: z.string() }).optional(),
  })
  .register(responseRegistry, { id: 'StatementEntry' });

export const subscriptionSchema = z
  .object({
    id: z.string(),
    channel: z.enum(notificationChannels),
    address: z.string(),
    types: z.array(z.enum(notificationTypes)),
    minimumSeverity: z.enum(notificationSeverities),
    createdAt: instant,
  })
  .register(responseRegistry, { id: 'NotificationSubscription' });

export const problemResponseSchema = problemSchema.register(responseRegistry, { id: 'Problem' });

/** The success body of each route (routes.ts refers to these). */
export const responses = {
  banks: z.object({ items: z.array(bankSchema) }).register(responseRegistry, { id: 'BankList' }),
  account: accountSchema,
  accounts: page(accountSchema, 'BankAccountPage'),
  statementDays: page(statementDaySchema, 'StatementDayPage'),
  entries: page(entrySchema, 'StatementEntryPage'),
  connection: connectionSchema,
  batch: batchSchema,
  batches: page(batchSchema, 'PaymentBatchPage'),
  batchStatus: batchStatusSchema,
  batchSummary: batchSummarySchema,
  payments: batchStatusSchema.shape.payments,
  subscription: subscriptionSchema,
  subscriptions: z
    .object({ items: z.array(subscriptionSchema) })
    .register(responseRegistry, { id: 'NotificationSubscriptionList' }),
  openApi: z
    .record(z.string(), z.unknown())
    .describe('The OpenAPI 3.1 document')
    .register(responseRegistry, { id: 'OpenApiDocument' }),
};
