// The operator's mTLS credentials from Secrets Manager (never from environment variables or logs), and a
// BankGateway that connects on first use, because fetching the secret is asynchronous.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { BankGateway } from '../../bank/bank-gateway.ts';
import type { BankClientCredentials } from '../../bank/config.ts';
import { ConfigError } from '../../errors.ts';

const secretSchema = z.union([
  z.object({
    certificatePem: z.string().min(1),
    privateKeyPem: z.string().min(1),
    privateKeyPassphrase: z.string().optional(),
    caBundlePem: z.string().optional(),
  }),
  z.object({
    pkcs12Base64: z.string().min(1),
    passphrase: z.string().optional(),
    caBundlePem: z.string().optional(),
  }),
]);

export async function credentialsFromSecret(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<BankClientCredentials> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let json: unknown;
  try {
    json = JSON.parse(result.SecretString ?? '');
  } catch {
    throw new ConfigError('The bank certificate secret is not JSON (see README: Deployment)');
  }
  const parsed = secretSchema.safeParse(json);
  // The message names the expected fields only; the secret's content never reaches an error or a log.
  if (!parsed.success) {
    throw new ConfigError(
      'The bank certificate secret needs {certificatePem, privateKeyPem[, privateKeyPassphrase, caBundlePem]} or {pkcs12Base64[, passphrase, caBundlePem]}',
    );
  }
  const secret = parsed.data;
  if ('pkcs12Base64' in secret) {
    return {
      pfx: Buffer.from(secret.pkcs12Base64, 'base64'),
      ...(secret.passphrase !== undefined ? { passphrase: secret.passphrase } : {}),
      ...(secret.caBundlePem ? { caPem: secret.caBundlePem } : {}),
    };
  }
  return {
    certPem: secret.certificatePem,
    keyPem: secret.privateKeyPem,
    ...(secret.privateKeyPassphrase !== undefined ? { keyPassphrase: secret.privateKeyPassphrase } : {}),
    ...(secret.caBundlePem ? { caPem: secret.caBundlePem } : {}),
  };
}

/** A BankGateway whose real adapter is created on the first call (and again after a failed creation). */
export function connectOnFirstUse(create: () => Promise<BankGateway>): BankGateway {
  let gateway: Promise<BankGateway> | undefined;
  const get = () => {
    gateway ??= create().catch((error: unknown) => {
      gateway = undefined;
      throw error;
    });
    return gateway;
  };
  return {
    heartbeat: async (options) => (await get()).heartbeat(options),
    submitPayments: async (request) => (await get()).submitPayments(request),
    requestStatement: async (request) => (await get()).requestStatement(request),
    requestBalance: async (request) => (await get()).requestBalance(request),
    nextMessage: async (options) => (await get()).nextMessage(options),
    getMessage: async (responseId) => (await get()).getMessage(responseId),
    acknowledge: async (responseId) => (await get()).acknowledge(responseId),
    acknowledgeMany: async (responseIds) => (await get()).acknowledgeMany(responseIds),
  };
}
