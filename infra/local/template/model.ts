// The synthesized template as the local system sees it: functions with their resolved environment and roles,
// identity and resource policies, encryption keys and the service-to-service wiring (schedules, alarms, ...).
import type { CloudFormationResource, CloudFormationTemplate } from '../synthesize.ts';
import { awsManagedKeyPolicy } from './aws-managed.ts';
import { createResolver, type PhysicalResource, type Resolver, type ResolverOptions } from './intrinsics.ts';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

export interface LocalFunction {
  logicalId: string;
  functionName: string;
  arn: string;
  /** The handler source file (`LocalEntry` metadata), e.g. functions/submit-batch/handler.ts. */
  entry: string;
  /** As in the template, e.g. `index.handler`; the part after the last dot is the export. */
  handler: string;
  environment: Record<string, string>;
  roleLogicalId: string;
  roleArn: string;
  roleName: string;
  /** The principal AWS reports in errors: arn:aws:sts::<account>:assumed-role/<role>/<function>. */
  sessionArn: string;
  timeoutSeconds: number;
  memoryMb: number;
  logGroupName: string | undefined;
}

export interface LocalRole {
  logicalId: string;
  name: string;
  arn: string;
  trustPolicy: PolicyDocument | undefined;
  /** AWS::IAM::Policy resources attached to the role and the role's own Policies. */
  inlinePolicies: { name: string; document: PolicyDocument }[];
  /** Customer managed policies defined in the template and attached to the role. */
  templateManagedPolicies: { name: string; arn: string; document: PolicyDocument }[];
  /** Managed policy ARNs not defined in the template (AWS managed policies). */
  managedPolicyArns: string[];
}

export interface LocalResourcePolicy {
  /** The resource that holds the policy (a TopicPolicy, Key, Permission, Role, ...). */
  logicalId: string;
  type: string;
  /** ARNs of the resources the policy governs. */
  resourceArns: string[];
  document: PolicyDocument;
}

export interface LocalResource extends PhysicalResource {
  /** Properties with every intrinsic resolved. */
  properties: Record<string, unknown>;
}

export interface LocalSchedule extends LocalResource {
  targetArn: string;
  roleArn: string;
  deadLetterArn: string | undefined;
  groupName: string;
}

export interface LocalAlarm extends LocalResource {
  alarmActions: string[];
}

export interface LocalEventInvokeConfig {
  logicalId: string;
  functionArn: string;
  onFailure: string | undefined;
  onSuccess: string | undefined;
}

export interface LocalStateMachine extends LocalResource {
  definition: Record<string, unknown>;
  roleArn: string;
  /** Function ARNs its Task states invoke (directly or through arn:aws:states:::lambda:invoke). */
  invokedFunctionArns: string[];
  /** Function ARN → handler source file, for the local workflow engine. */
  functionEntries: Map<string, string>;
}

export interface LocalModel {
  readonly account: string;
  readonly region: string;
  readonly resolver: Resolver;
  readonly functions: LocalFunction[];
  readonly roles: LocalRole[];
  readonly resourcePolicies: LocalResourcePolicy[];
  readonly topics: LocalResource[];
  readonly buckets: LocalResource[];
  readonly eventBuses: LocalResource[];
  readonly secrets: LocalResource[];
  readonly tables: LocalResource[];
  readonly queues: LocalResource[];
  readonly keys: LocalResource[];
  readonly logGroups: LocalResource[];
  readonly schedules: LocalSchedule[];
  readonly alarms: LocalAlarm[];
  readonly eventInvokeConfigs: LocalEventInvokeConfig[];
  readonly stateMachines: LocalStateMachine[];
  functionByEntry(entry: string): LocalFunction | undefined;
  /** By logical id, function name or ARN (a qualifier such as `:$LATEST` is ignored). */
  functionOf(identifier: string): LocalFunction | undefined;
  /** By logical id, name or ARN. */
  roleOf(identifier: string): LocalRole | undefined;
  identityPoliciesOf(roleArn: string): PolicyDocument[];
  managedPolicyArnsOf(roleArn: string): string[];
  /** The statements of every resource policy governing the resource (S3 objects → bucket, etc.). */
  resourcePolicyOf(resourceArn: string): PolicyDocument | undefined;
  /** The KMS key ARN that encrypts the resource (bucket, secret, topic, table, queue), if any. */
  kmsKeyOf(resourceArn: string): string | undefined;
  /** The resource (logical id) with this ARN, name, URL or Ref value. */
  logicalIdOf(identifier: string): string | undefined;
  arnOf(logicalId: string): string;
  physicalNameOf(logicalId: string): string;
}

export type LocalModelOptions = ResolverOptions;

export function createLocalModel(
  template: CloudFormationTemplate,
  options: LocalModelOptions = {},
): LocalModel {
  const resolver = createResolver(template, options);
  const { account, region } = resolver;
  const entries = Object.entries(template.Resources);
  const ofType = (type: string) => entries.filter(([, resource]) => resource.Type === type);

  const byIdentifier = new Map<string, string>();
  for (const [logicalId] of entries) {
    const found = resolver.physical(logicalId);
    for (const identifier of [found.arn, found.ref, found.name]) {
      if (identifier && !byIdentifier.has(identifier)) byIdentifier.set(identifier, logicalId);
    }
  }
  const logicalIdOf = (identifier: string) =>
    template.Resources[identifier] ? identifier : byIdentifier.get(identifier);

  const localResource = (logicalId: string, resource: CloudFormationResource): LocalResource => ({
    ...resolver.physical(logicalId),
    properties: resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>,
  });
  const resourcesOf = (type: string) =>
    ofType(type).map(([logicalId, resource]) => localResource(logicalId, resource));

  const arnOf = (logicalId: string): string => {
    const found = resolver.physical(logicalId);
    if (!found.arn) throw new Error(`${logicalId} (${found.type}) has no ARN`);
    return found.arn;
  };

  // Roles and the policies attached to them.
  const attachedManagedArns = new Map<string, string[]>();
  const roles: LocalRole[] = ofType('AWS::IAM::Role').map(([logicalId, resource]) => {
    const properties = resolver.resolve(resource.Properties ?? {}) as {
      AssumeRolePolicyDocument?: PolicyDocument;
      Policies?: { PolicyName: string; PolicyDocument: PolicyDocument }[];
      ManagedPolicyArns?: string[];
    };
    attachedManagedArns.set(logicalId, properties.ManagedPolicyArns ?? []);
    return {
      logicalId,
      name: resolver.physical(logicalId).name,
      arn: arnOf(logicalId),
      trustPolicy: properties.AssumeRolePolicyDocument,
      inlinePolicies: (properties.Policies ?? []).map((policy) => ({
        name: policy.PolicyName,
        document: policy.PolicyDocument,
      })),
      templateManagedPolicies: [],
      managedPolicyArns: [],
    };
  });
  const roleOf = (identifier: string): LocalRole | undefined => {
    const logicalId = logicalIdOf(identifier);
    return roles.find((role) => role.logicalId === logicalId || role.arn === identifier);
  };
  const rolesNamed = (names: unknown): LocalRole[] =>
    ((names as string[] | undefined) ?? []).flatMap((name) => {
      const role = roles.find((candidate) => candidate.name === name || candidate.arn === name);
      return role ? [role] : [];
    });
  for (const [logicalId, resource] of ofType('AWS::IAM::Policy')) {
    const properties = resolver.resolve(resource.Properties ?? {}) as {
      PolicyName: string;
      PolicyDocument: PolicyDocument;
      Roles?: string[];
    };
    for (const role of rolesNamed(properties.Roles)) {
      role.inlinePolicies.push({
        name: properties.PolicyName ?? logicalId,
        document: properties.PolicyDocument,
      });
    }
  }
  const templateManaged = new Map<string, { name: string; arn: string; document: PolicyDocument }>();
  for (const [logicalId, resource] of ofType('AWS::IAM::ManagedPolicy')) {
    const properties = resolver.resolve(resource.Properties ?? {}) as {
      PolicyDocument: PolicyDocument;
      Roles?: string[];
    };
    const policy = {
      name: resolver.physical(logicalId).name,
      arn: arnOf(logicalId),
      document: properties.PolicyDocument,
    };
    templateManaged.set(policy.arn, policy);
    for (const role of rolesNamed(properties.Roles)) role.templateManagedPolicies.push(policy);
  }
  for (const role of roles) {
    for (const managedArn of attachedManagedArns.get(role.logicalId) ?? []) {
      const inTemplate = templateManaged.get(managedArn);
      if (!inTemplate) role.managedPolicyArns.push(managedArn);
      else if (!role.templateManagedPolicies.includes(inTemplate))
        role.templateManagedPolicies.push(inTemplate);
    }
  }

  // Functions bound to a handler file.
  const functions: LocalFunction[] = ofType('AWS::Lambda::Function').flatMap(([logicalId, resource]) => {
    const entry = resource.Metadata?.LocalEntry;
    if (typeof entry !== 'string') return [];
    const properties = resource.Properties ?? {};
    const roleArn = resolver.resolveString(properties.Role);
    const role = roleOf(roleArn);
    if (!role) throw new Error(`Function ${logicalId} has a role outside the template: ${roleArn}`);
    const variables = resolver.resolve(
      (properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
    );
    const functionName = resolver.physical(logicalId).name;
    const logGroup = (properties.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
    return [
      {
        logicalId,
        functionName,
        arn: arnOf(logicalId),
        entry,
        handler: String(properties.Handler ?? 'index.handler'),
        environment: Object.fromEntries(
          Object.entries(variables as Record<string, unknown>).map(([name, value]) => [name, String(value)]),
        ),
        roleLogicalId: role.logicalId,
        roleArn: role.arn,
        roleName: role.name,
        sessionArn: `arn:aws:sts::${account}:assumed-role/${role.name}/${functionName}`,
        timeoutSeconds: Number(properties.Timeout ?? 3),
        memoryMb: Number(properties.MemorySize ?? 128),
        logGroupName:
          logGroup === undefined ? `/aws/lambda/${functionName}` : resolver.resolveString(logGroup),
      },
    ];
  });
  const allFunctionArns = new Map(
    ofType('AWS::Lambda::Function').map(([logicalId]) => [
      resolver.physical(logicalId).name,
      arnOf(logicalId),
    ]),
  );
  const functionArnOf = (nameOrArn: string): string => {
    const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn);
    const name = match?.[1] ?? nameOrArn.split(':')[0] ?? nameOrArn;
    return allFunctionArns.get(name) ?? `arn:aws:lambda:${region}:${account}:function:${name}`;
  };
  const functionOf = (identifier: string): LocalFunction | undefined => {
    const arn = template.Resources[identifier] ? arnOf(identifier) : functionArnOf(identifier);
    return functions.find((fn) => fn.arn === arn);
  };

  // Resource policies, keyed by the ARNs they govern.
  const resourcePolicies: LocalResourcePolicy[] = [];
  const addPolicy = (logicalId: string, type: string, resourceArns: string[], document: unknown) => {
    if (document)
      resourcePolicies.push({ logicalId, type, resourceArns, document: document as PolicyDocument });
  };
  const arnOfIdentifier = (identifier: string): string => {
    const logicalId = logicalIdOf(identifier);
    return logicalId ? (resolver.physical(logicalId).arn ?? identifier) : identifier;
  };
  for (const [logicalId, resource] of entries) {
    const resolved = () => resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    switch (resource.Type) {
      case 'AWS::SNS::TopicPolicy': {
        const { Topics, PolicyDocument } = resolved() as { Topics: string[]; PolicyDocument: unknown };
        addPolicy(logicalId, resource.Type, Topics, PolicyDocument);
        break;
      }
      case 'AWS::SQS::QueuePolicy': {
        const { Queues, PolicyDocument } = resolved() as { Queues: string[]; PolicyDocument: unknown };
        addPolicy(logicalId, resource.Type, Queues.map(arnOfIdentifier), PolicyDocument);
        break;
      }
      case 'AWS::S3::BucketPolicy': {
        const { Bucket, PolicyDocument } = resolved() as { Bucket: string; PolicyDocument: unknown };
        addPolicy(logicalId, resource.Type, [`arn:aws:s3:::${Bucket}`], PolicyDocument);
        break;
      }
      case 'AWS::SecretsManager::ResourcePolicy': {
        const { SecretId, ResourcePolicy } = resolved() as { SecretId: string; ResourcePolicy: unknown };
        addPolicy(logicalId, resource.Type, [arnOfIdentifier(SecretId)], ResourcePolicy);
        break;
      }
      case 'AWS::Events::EventBusPolicy': {
        const { EventBusName, Statement } = resolved() as {
          EventBusName?: string;
          Statement?: PolicyStatement;
        };
        const busArn = arnOfIdentifier(EventBusName ?? 'default');
        if (Statement)
          addPolicy(logicalId, resource.Type, [busArn], { Version: '2012-10-17', Statement: [Statement] });
        break;
      }
      case 'AWS::KMS::Key':
        addPolicy(logicalId, resource.Type, [arnOf(logicalId)], resolved().KeyPolicy);
        break;
      case 'AWS::IAM::Role':
        addPolicy(logicalId, resource.Type, [arnOf(logicalId)], resolved().AssumeRolePolicyDocument);
        break;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const properties = resolved() as {
          ResourcePolicy?: { PolicyDocument: unknown };
          Replicas?: { Region?: string; ResourcePolicy?: { PolicyDocument: unknown } }[];
        };
        const replica = properties.Replicas?.find((candidate) => candidate.Region === region);
        addPolicy(
          logicalId,
          resource.Type,
          [arnOf(logicalId)],
          (replica?.ResourcePolicy ?? properties.ResourcePolicy)?.PolicyDocument,
        );
        break;
      }
      case 'AWS::Lambda::Permission':
        addPolicy(logicalId, resource.Type, ...permissionStatement(resolved(), functionArnOf));
        break;
    }
  }
  // A resource with several policies (Lambda permissions) is governed by all their statements together.
  const resourcePolicyOf = (resourceArn: string): PolicyDocument | undefined => {
    const owner = ownerArnOf(resourceArn);
    const statements = resourcePolicies
      .filter((policy) => policy.resourceArns.includes(owner))
      .flatMap((policy) => policy.document.Statement);
    if (statements.length > 0) return { Version: '2012-10-17', Statement: statements };
    const managedKey = /^arn:aws:kms:[^:]*:[^:]*:key\/aws-managed-([a-z0-9-]+)$/.exec(owner);
    return managedKey?.[1] ? awsManagedKeyPolicy(managedKey[1], account, region) : undefined;
  };

  // Encryption keys of the resources that have one.
  // Aliases stand for their key: AWS managed ones (alias/aws/sqs) for a key locally named key/aws-managed-sqs.
  const aliasTargets = new Map(
    ofType('AWS::KMS::Alias').map(([logicalId, resource]) => [
      resolver.physical(logicalId).name,
      resolver.resolveString(resource.Properties?.TargetKeyId),
    ]),
  );
  const keyArnOf = (value: unknown): string | undefined => {
    if (typeof value !== 'string' || value === '') return undefined;
    const alias = /^(?:arn:[^:]+:kms:[^:]*:[^:]*:)?(alias\/.+)$/.exec(value)?.[1];
    const awsManaged = alias ? /^alias\/aws\/(.+)$/.exec(alias)?.[1] : undefined;
    if (awsManaged) return `arn:aws:kms:${region}:${account}:key/aws-managed-${awsManaged}`;
    const target = alias ? aliasTargets.get(alias) : undefined;
    if (alias) return target ? keyArnOf(target) : undefined;
    if (value.startsWith('arn:')) return value;
    return `arn:aws:kms:${region}:${account}:key/${value}`;
  };
  const kmsKeyOf = (resourceArn: string): string | undefined => {
    const logicalId = logicalIdOf(ownerArnOf(resourceArn));
    const resource = logicalId ? template.Resources[logicalId] : undefined;
    if (!logicalId || !resource) return undefined;
    const properties = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    switch (resource.Type) {
      case 'AWS::S3::Bucket': {
        const rules = (
          properties.BucketEncryption as
            | {
                ServerSideEncryptionConfiguration?: {
                  ServerSideEncryptionByDefault?: Record<string, unknown>;
                }[];
              }
            | undefined
        )?.ServerSideEncryptionConfiguration;
        const byDefault = rules?.[0]?.ServerSideEncryptionByDefault;
        if (byDefault?.SSEAlgorithm !== 'aws:kms' && byDefault?.SSEAlgorithm !== 'aws:kms:dsse')
          return undefined;
        return keyArnOf(byDefault.KMSMasterKeyID ?? 'alias/aws/s3');
      }
      case 'AWS::SecretsManager::Secret':
        return keyArnOf(properties.KmsKeyId ?? 'alias/aws/secretsmanager');
      case 'AWS::SNS::Topic':
      case 'AWS::SQS::Queue':
        return keyArnOf(properties.KmsMasterKeyId);
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': {
        const replicas = properties.Replicas as
          | { Region?: string; SSESpecification?: { KMSMasterKeyId?: string } }[]
          | undefined;
        const sse = properties.SSESpecification as { SSEType?: string; KMSMasterKeyId?: string } | undefined;
        const replicaKey = replicas?.find((replica) => replica.Region === region)?.SSESpecification
          ?.KMSMasterKeyId;
        if (sse?.SSEType !== 'KMS') return undefined;
        return keyArnOf(replicaKey ?? sse.KMSMasterKeyId ?? 'alias/aws/dynamodb');
      }
      default:
        return undefined;
    }
  };

  const schedules: LocalSchedule[] = ofType('AWS::Scheduler::Schedule').map(([logicalId, resource]) => {
    const base = localResource(logicalId, resource);
    const target = base.properties.Target as {
      Arn: string;
      RoleArn: string;
      DeadLetterConfig?: { Arn?: string };
    };
    return {
      ...base,
      targetArn: target.Arn,
      roleArn: target.RoleArn,
      deadLetterArn: target.DeadLetterConfig?.Arn,
      groupName: String(base.properties.GroupName ?? 'default'),
    };
  });
  const alarms: LocalAlarm[] = ofType('AWS::CloudWatch::Alarm').map(([logicalId, resource]) => {
    const base = localResource(logicalId, resource);
    return { ...base, alarmActions: (base.properties.AlarmActions as string[] | undefined) ?? [] };
  });
  const eventInvokeConfigs: LocalEventInvokeConfig[] = ofType('AWS::Lambda::EventInvokeConfig').map(
    ([logicalId, resource]) => {
      const properties = resolver.resolve(resource.Properties ?? {}) as {
        FunctionName: string;
        DestinationConfig?: { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
      };
      return {
        logicalId,
        functionArn: functionArnOf(properties.FunctionName),
        onFailure: properties.DestinationConfig?.OnFailure?.Destination,
        onSuccess: properties.DestinationConfig?.OnSuccess?.Destination,
      };
    },
  );
  const functionEntries = new Map(functions.map((fn) => [fn.arn, fn.entry]));
  const stateMachines: LocalStateMachine[] = ofType('AWS::StepFunctions::StateMachine').map(
    ([logicalId, resource]) => {
      const base = localResource(logicalId, resource);
      const definition = (
        typeof base.properties.DefinitionString === 'string'
          ? JSON.parse(base.properties.DefinitionString)
          : base.properties.Definition
      ) as Record<string, unknown>;
      return {
        ...base,
        definition,
        roleArn: String(base.properties.RoleArn),
        invokedFunctionArns: [...new Set(invokedFunctions(definition).map(functionArnOf))],
        functionEntries,
      };
    },
  );

  return {
    account,
    region,
    resolver,
    functions,
    roles,
    resourcePolicies,
    topics: resourcesOf('AWS::SNS::Topic'),
    buckets: resourcesOf('AWS::S3::Bucket'),
    eventBuses: resourcesOf('AWS::Events::EventBus'),
    secrets: resourcesOf('AWS::SecretsManager::Secret'),
    tables: [...resourcesOf('AWS::DynamoDB::GlobalTable'), ...resourcesOf('AWS::DynamoDB::Table')],
    queues: resourcesOf('AWS::SQS::Queue'),
    keys: resourcesOf('AWS::KMS::Key'),
    logGroups: resourcesOf('AWS::Logs::LogGroup'),
    schedules,
    alarms,
    eventInvokeConfigs,
    stateMachines,
    functionByEntry: (entry) => functions.find((fn) => fn.entry === entry),
    functionOf,
    roleOf,
    identityPoliciesOf: (roleArn) => {
      const role = roleOf(roleArn);
      return role ? role.inlinePolicies.map((policy) => policy.document) : [];
    },
    managedPolicyArnsOf: (roleArn) => roleOf(roleArn)?.managedPolicyArns ?? [],
    resourcePolicyOf,
    kmsKeyOf,
    logicalIdOf,
    arnOf,
    physicalNameOf: (logicalId) => resolver.physical(logicalId).name,
  };
}

/**
 * The resource whose policy governs an ARN: S3 objects belong to their bucket, DynamoDB indexes and streams to
 * their table, qualified Lambda ARNs to the function.
 */
export function ownerArnOf(resourceArn: string): string {
  const s3 = /^(arn:[^:]+:s3:::[^/]+)\//.exec(resourceArn);
  if (s3?.[1]) return s3[1];
  const table = /^(arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+)\//.exec(resourceArn);
  if (table?.[1]) return table[1];
  const lambda = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+):/.exec(resourceArn);
  if (lambda?.[1]) return lambda[1];
  return resourceArn;
}

/** A Lambda::Permission as the statement Lambda adds to the function's resource policy. */
function permissionStatement(
  properties: Record<string, unknown>,
  functionArnOf: (nameOrArn: string) => string,
): [string[], PolicyDocument] {
  const functionArn = functionArnOf(String(properties.FunctionName));
  const principal = String(properties.Principal);
  const condition: Record<string, Record<string, unknown>> = {};
  if (properties.SourceArn) condition.ArnLike = { 'aws:SourceArn': properties.SourceArn };
  if (properties.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': properties.SourceAccount };
  if (properties.PrincipalOrgID) {
    condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': properties.PrincipalOrgID };
  }
  if (properties.FunctionUrlAuthType) {
    condition.StringEquals = {
      ...condition.StringEquals,
      'lambda:FunctionUrlAuthType': properties.FunctionUrlAuthType,
    };
  }
  const statement: PolicyStatement = {
    Effect: 'Allow',
    Principal: principal.endsWith('.amazonaws.com')
      ? { Service: principal }
      : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
    Action: String(properties.Action),
    Resource: functionArn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  return [[functionArn], { Version: '2012-10-17', Statement: [statement] }];
}

/** Function names or ARNs the Task states of an ASL definition invoke, through nested branches and maps. */
function invokedFunctions(definition: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (states: unknown) => {
    for (const state of Object.values((states as Record<string, Record<string, unknown>>) ?? {})) {
      if (state.Type === 'Task' && typeof state.Resource === 'string') {
        const resource = state.Resource;
        const parameters = (state.Parameters ?? state.Arguments) as Record<string, unknown> | undefined;
        if (/^arn:[^:]+:lambda:/.test(resource)) found.push(resource);
        else if (
          /^arn:[^:]+:states:::lambda:invoke/.test(resource) &&
          typeof parameters?.FunctionName === 'string'
        ) {
          found.push(parameters.FunctionName);
        }
      }
      for (const branch of (state.Branches as Record<string, unknown>[] | undefined) ?? [])
        visit(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit(definition.States);
  return found;
}
