// The environment Lambda gives a function: its configured variables plus the ones the Lambda runtime sets
// (reserved: configuration cannot override them). The local host builds each worker's process.env with this.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The keys Lambda reserves: a function's configuration cannot set them, the runtime does. */
export const reservedVariables: readonly string[] = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The default per-function credentials: the access key id names the function, so a local endpoint can tell
 * which function signed a request (Lambda gives each function its role's session credentials).
 */
export function localCredentials(functionName: string): LocalCredentials {
  return {
    // Letters and digits only: DynamoDB Local refuses other access key ids as invalid.
    accessKeyId: `LOCAL${functionName.replace(/[^A-Za-z0-9]/g, '')}`,
    secretAccessKey: `localsecret${functionName.replace(/[^A-Za-z0-9]/g, '')}`,
    sessionToken: `localsession${functionName.replace(/[^A-Za-z0-9]/g, '')}`,
  };
}

export interface SandboxIdentity {
  functionName: string;
  memoryMb: number;
  logGroupName: string;
  logStreamName: string;
}

/** Lambda's log names: group per function, stream per sandbox (`2026/12/08/[$LATEST]<32 hex>`). */
export function sandboxIdentity(functionName: string, memoryMb: number, today: Date): SandboxIdentity {
  const day = today.toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    functionName,
    memoryMb,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
  };
}

export interface LambdaEnvironment {
  environment: Record<string, string>;
  /** Reserved keys the function's environment tried to set with another value (the runtime's value is kept). */
  conflicts: string[];
}

/**
 * The worker's whole process.env. Nothing comes from the parent process except PATH (needed to run at all
 * locally); AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at a missing file so a developer's
 * ~/.aws settings cannot leak into the SDK, as there are none in Lambda. The function's environment wins
 * over the runtime's unreserved defaults (TZ, LANG, X-Ray settings) and loses to the reserved ones.
 */
export function lambdaEnvironment(options: {
  identity: SandboxIdentity;
  environment: Record<string, string>;
  entry: string;
  handlerExport: string;
  region: string;
  credentials: LocalCredentials;
  repositoryRoot: string;
  runtimeDirectory: string;
}): LambdaEnvironment {
  const { identity, credentials } = options;
  const reserved: Record<string, string> = {
    _HANDLER: `${options.entry.replace(/\.[cm]?[jt]s$/, '')}.${options.handlerExport}`,
    AWS_DEFAULT_REGION: options.region,
    AWS_REGION: options.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: identity.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(identity.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: identity.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: identity.logStreamName,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    LAMBDA_TASK_ROOT: options.repositoryRoot,
    LAMBDA_RUNTIME_DIR: options.runtimeDirectory,
    // AWS_LAMBDA_RUNTIME_API is not set: there is no runtime API locally, the host talks to the worker directly.
    // _X_AMZN_TRACE_ID is set per invocation by the worker.
  };
  const missingAwsFile = join(options.runtimeDirectory, 'no-aws-config-in-lambda');
  const defaults: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_CONFIG_FILE: missingAwsFile,
    AWS_SHARED_CREDENTIALS_FILE: missingAwsFile,
  };
  const conflicts = Object.keys(options.environment).filter(
    (key) => reservedVariables.includes(key) && options.environment[key] !== reserved[key],
  );
  const configured = Object.fromEntries(
    Object.entries(options.environment).filter(([key]) => !reservedVariables.includes(key)),
  );
  return { environment: { ...defaults, ...configured, ...reserved }, conflicts };
}
