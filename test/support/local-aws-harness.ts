// Test harness for the local AWS endpoint: a temp data dir, an allow-list authorizer (per access key id,
// "action resource" pairs with * wildcards) and a recording of every authorization question.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalAws } from '../../infra/local/aws/index.ts';
import type { AwsCall, LocalAws, LocalAwsOptions } from '../../infra/local/aws/types.ts';

export const region = 'eu-north-1';
export const account = '000000000000';

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export interface Harness {
  aws: LocalAws;
  dataDir: string;
  calls: AwsCall[];
  /** SDK client config for the function with this access key id. */
  client(accessKeyId: string): {
    region: string;
    endpoint: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  close(): Promise<void>;
}

export async function startHarness(
  grants: Record<string, string[]>,
  options: Partial<LocalAwsOptions> = {},
  dataDir?: string,
): Promise<Harness> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'local-aws-')));
  const calls: AwsCall[] = [];
  const aws = await startLocalAws({
    region,
    account,
    dynamoDbEndpoint: 'http://127.0.0.1:9',
    dataDir: dir,
    topics: [],
    buckets: [],
    eventBuses: [],
    secrets: [],
    authorize(call) {
      calls.push(call);
      const allowed = (grants[call.accessKeyId] ?? []).some((grant) => {
        const [action = '', resource = ''] = grant.split(' ');
        return wildcard(action).test(call.action) && wildcard(resource).test(call.resource);
      });
      return allowed
        ? { allowed: true }
        : {
            allowed: false,
            message: `User: arn:aws:sts::${account}:assumed-role/${call.accessKeyId}-role/${call.accessKeyId} is not authorized to perform: ${call.action} on resource: ${call.resource} because no identity-based policy allows the ${call.action} action`,
          };
    },
    ...options,
  });
  return {
    aws,
    dataDir: dir,
    calls,
    client: (accessKeyId) => ({
      region,
      endpoint: aws.endpoint,
      credentials: { accessKeyId, secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    async close() {
      await aws.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the call to fail');
}
