// Settings of the simulated bank. Every unknown of the real Coop Pank Gateway (header names, paths, versions,
// statuses sent, limits, timing) is a setting here, so a test or the demo can play each variant.
import { z } from 'zod';
import { bankHeadersSchema, bankPathsSchema } from '#shared/bank/config.ts';
import { DEFAULT_TIMING } from './calendar.ts';

const statusCode = z.string().regex(/^[A-Z]{4}$/);

export const simulatorSettingsSchema = z.object({
  /** `live` refuses Coop Pank CA test certificates. */
  environment: z.enum(['sandbox', 'live']).default('sandbox'),
  /** Path prefix of the API, e.g. `/gateway/v1` (the real sandbox prefix is unknown). */
  basePath: z
    .string()
    .regex(/^(\/[^\s?#]*)?$/)
    .default(''),
  paths: bankPathsSchema.default(bankPathsSchema.parse({})),
  headers: bankHeadersSchema.default(bankHeadersSchema.parse({})),
  /** Subject CNs of registered operator certificates; any other certificate from the CA is refused. */
  operatorCommonNames: z.array(z.string()).default(['Envoice Operator']),
  /** Single-client mode: the certificate covers this one end user and no headers are needed. */
  singleClient: z.object({ registryCode: z.string(), country: z.string() }).optional(),
  /** Whether `messages/next` and acknowledgements also require the end-user headers. */
  requireEndUserHeadersForQueue: z.boolean().default(false),
  /** `auto`: payments are signed without a person (demo); `manual`: wait for the signing control endpoint. */
  signing: z.enum(['manual', 'auto']).default('manual'),
  delays: z
    .object({
      receivedMs: z.number().int().min(0).default(0),
      pendingSignatureMs: z.number().int().min(0).default(0),
      autoSignMs: z.number().int().min(0).default(0),
      statementMs: z.number().int().min(0).default(0),
      balanceMs: z.number().int().min(0).default(0),
    })
    .default({ receivedMs: 0, pendingSignatureMs: 0, autoSignMs: 0, statementMs: 0, balanceMs: 0 }),
  timing: z
    .object({
      sepaCutOff: z.string().regex(/^\d{2}:\d{2}$/),
      sepaExecutionTime: z.string().regex(/^\d{2}:\d{2}$/),
      instantLimitMinor: z.number().int().min(0),
      instantBankCodes: z.array(z.string()),
      instantDelayMs: z.number().int().min(0),
    })
    .default(DEFAULT_TIMING),
  /** pain.002 version: the one paired with the received pain.001 (.03→.03, .09→.10) or a fixed one. */
  pain002Version: z.enum(['match-request', 'pain.002.001.03', 'pain.002.001.10']).default('match-request'),
  /** Which pain.002 statuses are sent (false = that stage sends nothing). */
  statuses: z
    .object({
      received: z.union([statusCode, z.literal(false)]).default('ACTC'),
      pendingSignature: z.union([statusCode, z.literal(false)]).default('PDNG'),
      /** Sent at signing for payments executed later (SEPA after cut-off, future date). */
      scheduled: z.union([statusCode, z.literal(false)]).default('ACSP'),
      executed: statusCode.default('ACSC'),
    })
    .default({ received: 'ACTC', pendingSignature: 'PDNG', scheduled: 'ACSP', executed: 'ACSC' }),
  reasonCodes: z
    .object({
      insufficientFunds: z.string().default('AM04'),
      unknownCreditorAccount: z.string().default('AC01'),
      declinedBySigner: z.string().default('DS02'),
      unsignedExpired: z.string().default('MS03'),
    })
    .default({
      insufficientFunds: 'AM04',
      unknownCreditorAccount: 'AC01',
      declinedBySigner: 'DS02',
      unsignedExpired: 'MS03',
    }),
  /** Unsigned payments are rejected after this long; omitted = they wait forever. */
  unsignedExpiryMs: z.number().int().positive().optional(),
  maxTransactionsPerMessage: z.number().int().min(1).default(1500),
  maxRequestBytes: z
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  statementHistoryDays: z.number().int().min(1).default(730),
  maxStatementDays: z.number().int().min(1).default(92),
  /** Unread messages expire after this long (LHV: some days). */
  messageRetentionMs: z
    .number()
    .int()
    .positive()
    .default(30 * 86_400_000),
  /** XSD-validate received pain.001 when the corpus is present. */
  validateXsd: z.boolean().default(true),
  /** Send a camt.054 for every booked transaction. */
  notifications: z.boolean().default(true),
  /** Type header values per message family (default: the ISO identifier, e.g. `pain.002.001.03`). */
  messageTypeHeaderValues: z
    .object({
      'pain.002': z.string().optional(),
      'camt.052': z.string().optional(),
      'camt.053': z.string().optional(),
      'camt.054': z.string().optional(),
    })
    .default({}),
  /** Token bucket per operator certificate (real time); omitted = no limit. Answers 429 with Retry-After. */
  rateLimit: z
    .object({ requestsPerSecond: z.number().positive(), burst: z.number().int().min(1) })
    .optional(),
  bankCode: z.string().default('42'),
  bic: z.string().default('EKRDEE22'),
});

export type SimulatorSettings = z.infer<typeof simulatorSettingsSchema>;
export type SimulatorSettingsInput = z.input<typeof simulatorSettingsSchema>;
