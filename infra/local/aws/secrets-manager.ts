// Secrets Manager (awsJson 1.1): GetSecretValue of the secrets the template creates. A secret under a
// customer managed key also needs kms:Decrypt for the caller (Secrets Manager decrypts on its behalf).
import type { ServerResponse } from 'node:http';
import type { LocalSecret } from './types.ts';
import {
  type AwsRequest,
  firstDenial,
  type ServiceContext,
  sendJson,
  sendJsonError,
  sendNotEmulated,
} from './wire.ts';

const contentType = 'application/x-amz-json-1.1';

/** SecretId may be the ARN, the ARN without its random 6-character suffix, or the name. */
function findSecret(secrets: readonly LocalSecret[], id: string): LocalSecret | undefined {
  return secrets.find(
    (secret) => secret.arn === id || secret.name === id || secret.arn.replace(/-[A-Za-z0-9]{6}$/, '') === id,
  );
}

export async function handleSecretsManager(
  ctx: ServiceContext,
  req: AwsRequest,
  res: ServerResponse,
): Promise<void> {
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  if (operation !== 'GetSecretValue') {
    sendNotEmulated(res, req, operation);
    return;
  }
  let secretId: unknown;
  try {
    secretId = (JSON.parse(req.body.toString('utf8')) as { SecretId?: unknown }).SecretId;
  } catch {
    sendJsonError(res, req, contentType, 400, 'SerializationException', 'The request body is not JSON');
    return;
  }
  if (typeof secretId !== 'string' || secretId === '') {
    sendJsonError(res, req, contentType, 400, 'InvalidParameterException', 'You must provide a SecretId.');
    return;
  }
  const { region, account } = ctx.options;
  const secret = findSecret(ctx.options.secrets, secretId);
  const resource =
    secret?.arn ??
    (secretId.startsWith('arn:')
      ? secretId
      : `arn:aws:secretsmanager:${region}:${account}:secret:${secretId}`);
  const denial = await firstDenial(ctx.options, req, operation, [
    { action: 'secretsmanager:GetSecretValue', resource },
  ]);
  if (denial) {
    sendJsonError(res, req, contentType, 400, 'AccessDeniedException', denial.message);
    return;
  }
  if (!secret) {
    sendJsonError(
      res,
      req,
      contentType,
      400,
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
    return;
  }
  const keyArn = ctx.options.kmsKeyOf?.(secret.arn);
  if (keyArn) {
    const kms = await firstDenial(ctx.options, req, operation, [
      {
        action: 'kms:Decrypt',
        resource: keyArn,
        context: {
          'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
          'kms:CallerAccount': account,
          'kms:EncryptionContext:SecretARN': secret.arn,
        },
      },
    ]);
    // What Secrets Manager answers when its KMS call on the caller's behalf is denied.
    if (kms) {
      sendJsonError(res, req, contentType, 400, 'AccessDeniedException', 'Access to KMS is not allowed');
      return;
    }
  }
  sendJson(res, req, contentType, {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: '00000000-0000-4000-8000-000000000001',
    SecretString: secret.value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: new Date(0),
  });
}
