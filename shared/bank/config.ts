// Configuration of the Coop Pank Gateway adapter. Every assumption about the bank's API (paths, header names,
// message versions, limits, retry policy) lives here so that a change on the bank's side is a config change.
import { z } from 'zod';
import type { Camt060Version, Pain001Version } from '#shared/iso20022/types.ts';

export const PAIN001_VERSIONS = [
  'pain.001.001.03',
  'pain.001.001.09',
] as const satisfies readonly Pain001Version[];
export const CAMT060_VERSIONS = ['camt.060.001.03'] as const satisfies readonly Camt060Version[];

const pathSchema = z.string().regex(/^\/[^\s?#]*$/, 'must start with / and contain no query');

export const bankPathsSchema = z.object({
  heartbeat: pathSchema.default('/heartbeat'),
  payment: pathSchema.default('/payment'),
  accountStatement: pathSchema.default('/account-statement'),
  accountBalance: pathSchema.default('/account-balance'),
  nextMessage: pathSchema.default('/messages/next'),
  /** `{id}` is replaced with the URL-encoded message response id. */
  message: pathSchema.default('/messages/{id}'),
  /** Batch acknowledgement: POST with a JSON array of message response ids. */
  acknowledgeBatch: pathSchema.default('/messages/delete-batch'),
});

export const bankHeadersSchema = z.object({
  /** Operator mode: the end user's registry code (Coop's name is not public; LHV uses `Client-Code`). */
  endUserCode: z.string().min(1).default('Client-Code'),
  /** Operator mode: the end user's country, ISO 3166 alpha-2. */
  endUserCountry: z.string().min(1).default('Client-Country'),
  responseId: z.string().min(1).default('Message-Response-Id'),
  requestId: z.string().min(1).default('Message-Request-Id'),
  responseType: z.string().min(1).default('Message-Response-Type'),
  /** Query parameter that filters `nextMessage` by type. */
  messageTypeQuery: z.string().min(1).default('messageType'),
});

export const bankMessageVersionsSchema = z.object({
  pain001: z.enum(PAIN001_VERSIONS).default('pain.001.001.03'),
  camt060: z.enum(CAMT060_VERSIONS).default('camt.060.001.03'),
  /** How an instant payment is marked in pain.001 (the bank's choice is not public). */
  instantEncoding: z.enum(['local-instrument', 'service-level']).default('local-instrument'),
  /** Characters the bank accepts: EPC basic Latin (transliterate), plus Estonian letters, or anything. */
  characterPolicy: z.enum(['sepa-latin', 'sepa-latin-estonian', 'unrestricted']).default('sepa-latin'),
});

export const bankRetrySchema = z.object({
  /** Total attempts including the first one. */
  maxAttempts: z.number().int().min(1).max(10).default(4),
  baseDelayMs: z.number().int().min(0).default(200),
  maxDelayMs: z.number().int().min(0).default(5_000),
  /** A `Retry-After` longer than this is not waited for: the call fails as rate limited. */
  maxRetryAfterMs: z.number().int().min(0).default(30_000),
});

export const bankGatewayConfigSchema = z.object({
  /** Live: `https://cpgw.cooppank.ee/`; sandbox URL is per applicant. A path prefix is allowed. */
  baseUrl: z.url({ protocol: /^https$/ }),
  /** `operator`: one certificate, many end users, two end-user headers on every request. */
  mode: z.enum(['operator', 'single-client']).default('operator'),
  paths: bankPathsSchema.default(bankPathsSchema.parse({})),
  headers: bankHeadersSchema.default(bankHeadersSchema.parse({})),
  messageVersions: bankMessageVersionsSchema.default(bankMessageVersionsSchema.parse({})),
  /** TCP connect + TLS handshake. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** From request sent to the last byte of the response. */
  responseTimeoutMs: z.number().int().positive().default(30_000),
  /** Responses larger than this are refused (protects the collector's memory). */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  retry: bankRetrySchema.default(bankRetrySchema.parse({})),
  /**
   * Extra `Message-Response-Type` header values and the message type they mean (for a bank that sends
   * proprietary names such as `PAYMENT_STATUS`). ISO identifiers like `pain.002.001.03` are always understood.
   */
  messageTypeAliases: z
    .record(z.string(), z.enum(['pain.002', 'camt.052', 'camt.053', 'camt.054']))
    .default({}),
});

export type BankGatewayConfig = z.infer<typeof bankGatewayConfigSchema>;
export type BankGatewayConfigInput = z.input<typeof bankGatewayConfigSchema>;
export type BankRetrySettings = z.infer<typeof bankRetrySchema>;
export type BankHeaderNames = z.infer<typeof bankHeadersSchema>;
export type BankPaths = z.infer<typeof bankPathsSchema>;

/** Parses and completes a bank configuration; throws a zod error listing every problem. */
export function parseBankGatewayConfig(input: BankGatewayConfigInput): BankGatewayConfig {
  return bankGatewayConfigSchema.parse(input);
}

/**
 * Client credentials for mutual TLS. Loaded from Secrets Manager in AWS (never from env vars), from the
 * simulator's generated files locally. PEM pair or PKCS#12 with passphrase; `ca` is the bank's server CA bundle
 * (omit to use the system store, as for the live host).
 */
export type BankClientCredentials =
  | { certPem: string; keyPem: string; keyPassphrase?: string; caPem?: string }
  | { pfx: Uint8Array; passphrase?: string; caPem?: string };
