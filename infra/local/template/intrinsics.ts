// Resolves the intrinsic functions of a synthesized CloudFormation template to the physical names and ARNs the
// resources have locally, using the same Ref / Fn::GetAtt rules per resource type as CloudFormation.
import { createHash } from 'node:crypto';
import type { CloudFormationResource, CloudFormationTemplate } from '../synthesize.ts';

export const localAccount = '000000000000';
export const localRegion = 'eu-north-1';

export interface ResolverOptions {
  account?: string;
  region?: string;
  stackName?: string;
  /** logical id → physical name (a table name per test, say); ARNs, URLs and Refs follow from it. */
  physicalNames?: Record<string, string>;
  /** Values for template parameters; otherwise their Default. */
  parameters?: Record<string, string>;
}

/** What a resource is called locally: its physical name, ARN (if it has one) and Ref value. */
export interface PhysicalResource {
  logicalId: string;
  type: string;
  name: string;
  arn: string | undefined;
  ref: string;
}

export interface Resolver {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly template: CloudFormationTemplate;
  /** Deeply replaces every intrinsic; `Ref: AWS::NoValue` removes the property or list element. */
  resolve(value: unknown): unknown;
  /** Resolves to a string and fails if the value is anything else. */
  resolveString(value: unknown): string;
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
  physical(logicalId: string): PhysicalResource;
}

/** Marks a property or list element to drop (Ref AWS::NoValue). */
const noValue = Symbol('AWS::NoValue');

interface Context {
  account: string;
  region: string;
  partition: string;
  /** The resolved (string) value of one of the resource's own properties, if set. */
  property(name: string): string | undefined;
  rawProperty(name: string): unknown;
  override: string | undefined;
  logicalId: string;
}

interface TypeRule {
  /** The physical name (or id) CloudFormation would generate or take from a name property. */
  name(context: Context): string;
  arn?(name: string, context: Context): string;
  /** What Ref returns; the name unless stated. */
  ref?: 'arn' | ((name: string, context: Context) => string);
  attributes?: Record<string, (name: string, context: Context) => string>;
}

/** A short, stable stand-in for the random parts of generated ids (key ids, secret suffixes, role ids). */
function stableToken(
  seed: string,
  length: number,
  alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789',
): string {
  const digest = createHash('sha256').update(seed).digest();
  let token = '';
  for (let index = 0; index < length; index += 1) token += alphabet[(digest[index] ?? 0) % alphabet.length];
  return token;
}

const named =
  (property: string, transform: (name: string) => string = (name) => name) =>
  (context: Context): string =>
    context.override ?? context.property(property) ?? transform(context.logicalId);

const fifo = (property: string) => (context: Context) => {
  const name = named(property)(context);
  const isFifo = String(context.rawProperty(property === 'TopicName' ? 'FifoTopic' : 'FifoQueue')) === 'true';
  return isFifo && !name.endsWith('.fifo') ? `${name}.fifo` : name;
};

// Bucket names are lower case, at most 63 characters, letters, digits, dots and hyphens.
const bucketName = (logicalId: string) =>
  logicalId
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .slice(0, 63);

const arn = (service: string, resource: string, context: Context, options: { global?: boolean } = {}) =>
  `arn:${context.partition}:${service}:${options.global ? '' : context.region}:${context.account}:${resource}`;

const tableRule: TypeRule = {
  name: named('TableName'),
  arn: (name, context) => arn('dynamodb', `table/${name}`, context),
  attributes: {
    StreamArn: (name, context) => arn('dynamodb', `table/${name}/stream/1970-01-01T00:00:00.000`, context),
    TableId: (name) => stableToken(name, 32, '0123456789abcdef'),
  },
};

const rules: Record<string, TypeRule> = {
  'AWS::DynamoDB::GlobalTable': tableRule,
  'AWS::DynamoDB::Table': tableRule,
  'AWS::SNS::Topic': {
    name: fifo('TopicName'),
    arn: (name, context) => arn('sns', name, context),
    ref: 'arn',
    attributes: { TopicArn: (name, context) => arn('sns', name, context), TopicName: (name) => name },
  },
  'AWS::SecretsManager::Secret': {
    name: named('Name'),
    // Secrets Manager appends "-" and six random characters to the name.
    arn: (name, context) => arn('secretsmanager', `secret:${name}-${stableToken(name, 6)}`, context),
    ref: 'arn',
    attributes: {
      Id: (name, context) => arn('secretsmanager', `secret:${name}-${stableToken(name, 6)}`, context),
    },
  },
  'AWS::S3::Bucket': {
    name: named('BucketName', bucketName),
    arn: (name, context) => `arn:${context.partition}:s3:::${name}`,
    attributes: {
      DomainName: (name) => `${name}.s3.amazonaws.com`,
      RegionalDomainName: (name, context) => `${name}.s3.${context.region}.amazonaws.com`,
      DualStackDomainName: (name, context) => `${name}.s3.dualstack.${context.region}.amazonaws.com`,
      WebsiteURL: (name, context) => `http://${name}.s3-website.${context.region}.amazonaws.com`,
    },
  },
  'AWS::Events::EventBus': {
    name: named('Name'),
    arn: (name, context) => arn('events', `event-bus/${name}`, context),
    attributes: { Name: (name) => name },
  },
  'AWS::SQS::Queue': {
    name: fifo('QueueName'),
    arn: (name, context) => arn('sqs', name, context),
    ref: (name, context) => queueUrl(name, context),
    attributes: { QueueName: (name) => name, QueueUrl: (name, context) => queueUrl(name, context) },
  },
  'AWS::KMS::Key': {
    // The key id; locally the logical id, so logs stay readable.
    name: (context) => context.override ?? context.logicalId,
    arn: (name, context) => arn('kms', `key/${name}`, context),
    attributes: { KeyId: (name) => name },
  },
  'AWS::KMS::Alias': {
    name: named('AliasName'),
    arn: (name, context) => arn('kms', name, context),
  },
  'AWS::IAM::Role': {
    name: named('RoleName'),
    arn: (name, context) =>
      `arn:${context.partition}:iam::${context.account}:role${context.property('Path') ?? '/'}${name}`,
    attributes: { RoleId: (name) => `AROA${stableToken(name, 17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}` },
  },
  'AWS::IAM::ManagedPolicy': {
    name: named('ManagedPolicyName'),
    arn: (name, context) =>
      `arn:${context.partition}:iam::${context.account}:policy${context.property('Path') ?? '/'}${name}`,
    ref: 'arn',
    attributes: {
      PolicyArn: (name, context) => `arn:${context.partition}:iam::${context.account}:policy/${name}`,
    },
  },
  'AWS::Lambda::Function': {
    name: named('FunctionName'),
    arn: (name, context) => arn('lambda', `function:${name}`, context),
  },
  'AWS::StepFunctions::StateMachine': {
    name: named('StateMachineName'),
    arn: (name, context) => arn('states', `stateMachine:${name}`, context),
    ref: 'arn',
    attributes: { Name: (name) => name },
  },
  'AWS::Logs::LogGroup': {
    name: named('LogGroupName'),
    arn: (name, context) => arn('logs', `log-group:${name}:*`, context),
  },
  'AWS::Scheduler::Schedule': {
    name: named('Name'),
    arn: (name, context) =>
      arn('scheduler', `schedule/${context.property('GroupName') ?? 'default'}/${name}`, context),
  },
  'AWS::Scheduler::ScheduleGroup': {
    name: named('Name'),
    arn: (name, context) => arn('scheduler', `schedule-group/${name}`, context),
  },
  'AWS::CloudWatch::Alarm': {
    name: named('AlarmName'),
    arn: (name, context) => arn('cloudwatch', `alarm:${name}`, context),
  },
  'AWS::ApiGateway::RestApi': {
    name: (context) => context.override ?? context.logicalId,
    attributes: { RootResourceId: (name) => `${name}Root` },
  },
  'AWS::ApiGateway::Stage': { name: named('StageName') },
};

/** Types whose Ref is just an id and that have no attributes we need (policies, permissions, API parts...). */
const genericRule: TypeRule = { name: (context) => context.override ?? context.logicalId };

function queueUrl(name: string, context: Context): string {
  return `https://sqs.${context.region}.amazonaws.com/${context.account}/${name}`;
}

export function createResolver(template: CloudFormationTemplate, options: ResolverOptions = {}): Resolver {
  const account = options.account ?? localAccount;
  const region = options.region ?? localRegion;
  const partition = 'aws';
  const stackName = options.stackName ?? 'CoopPankConnector-local';
  const pseudo: Record<string, unknown> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': account,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/${stableToken(stackName, 8, '0123456789abcdef')}-0000-0000-0000-000000000000`,
    'AWS::NotificationARNs': [],
    'AWS::NoValue': noValue,
  };
  const physicalCache = new Map<string, PhysicalResource>();
  const resolving = new Set<string>();

  const resourceOf = (logicalId: string): CloudFormationResource => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`Reference to unknown resource ${logicalId}`);
    return resource;
  };

  const contextOf = (logicalId: string, resource: CloudFormationResource): Context => ({
    account,
    region,
    partition,
    logicalId,
    override: options.physicalNames?.[logicalId],
    rawProperty: (name) => resource.Properties?.[name],
    property: (name) => {
      const raw = resource.Properties?.[name];
      return raw === undefined ? undefined : resolveString(raw);
    },
  });

  const physical = (logicalId: string): PhysicalResource => {
    const cached = physicalCache.get(logicalId);
    if (cached) return cached;
    if (resolving.has(logicalId)) throw new Error(`Circular reference through ${logicalId}`);
    resolving.add(logicalId);
    try {
      const resource = resourceOf(logicalId);
      const rule = rules[resource.Type] ?? genericRule;
      const context = contextOf(logicalId, resource);
      const name = rule.name(context);
      const resourceArn = rule.arn?.(name, context);
      const ref =
        rule.ref === 'arn'
          ? (resourceArn ?? name)
          : typeof rule.ref === 'function'
            ? rule.ref(name, context)
            : name;
      const result = { logicalId, type: resource.Type, name, arn: resourceArn, ref };
      physicalCache.set(logicalId, result);
      return result;
    } finally {
      resolving.delete(logicalId);
    }
  };

  const ref = (name: string): string => {
    if (name in pseudo) return pseudo[name] as string;
    const parameter = (template as { Parameters?: Record<string, { Default?: unknown }> }).Parameters?.[name];
    if (parameter && !template.Resources[name]) {
      const value = options.parameters?.[name] ?? parameter.Default;
      if (value === undefined) throw new Error(`Parameter ${name} has no value`);
      return String(value);
    }
    return physical(name).ref;
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = resourceOf(logicalId);
    const rule = rules[resource.Type] ?? genericRule;
    const found = physical(logicalId);
    if (attribute === 'Arn' && found.arn) return found.arn;
    const attributeRule = rule.attributes?.[attribute];
    if (!attributeRule)
      throw new Error(`No local value for Fn::GetAtt ${logicalId}.${attribute} (${resource.Type})`);
    return attributeRule(found.name, contextOf(logicalId, resource));
  };

  const sub = (text: string, variables: Record<string, unknown>): string =>
    text.replace(/\$\{([^}]*)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return resolveString(variables[expression]);
      if (expression in pseudo || template.Resources[expression]) return ref(expression);
      const [logicalId, ...attribute] = expression.split('.');
      if (logicalId && attribute.length > 0 && template.Resources[logicalId]) {
        return getAtt(logicalId, attribute.join('.'));
      }
      if ((template as { Parameters?: Record<string, unknown> }).Parameters?.[expression])
        return ref(expression);
      throw new Error(`Fn::Sub cannot resolve ${whole}`);
    });

  const intrinsics: Record<string, (argument: unknown) => unknown> = {
    Ref: (argument) => {
      if (argument === 'AWS::NoValue') return noValue;
      if (argument === 'AWS::NotificationARNs') return [];
      return ref(String(argument));
    },
    'Fn::GetAtt': (argument) => {
      const [logicalId, ...attribute] = Array.isArray(argument)
        ? argument.map((part) => resolveString(part))
        : String(argument).split('.');
      return getAtt(String(logicalId), attribute.join('.'));
    },
    'Fn::Join': (argument) => {
      const [separator, parts] = argument as [string, unknown];
      return listOf(resolve(parts))
        .map((part) => stringOf(part))
        .join(separator);
    },
    'Fn::Sub': (argument) => {
      if (typeof argument === 'string') return sub(argument, {});
      const [text, variables] = argument as [string, Record<string, unknown>];
      return sub(text, variables ?? {});
    },
    'Fn::Select': (argument) => {
      const [index, list] = argument as [unknown, unknown];
      const items = listOf(resolve(list));
      const position = Number(resolve(index));
      if (!(position in items)) throw new Error(`Fn::Select index ${position} out of range`);
      return items[position];
    },
    'Fn::Split': (argument) => {
      const [separator, text] = argument as [string, unknown];
      return resolveString(text).split(separator);
    },
    'Fn::Base64': (argument) => Buffer.from(resolveString(argument)).toString('base64'),
    'Fn::GetAZs': () => ['a', 'b', 'c'].map((zone) => `${region}${zone}`),
    'Fn::FindInMap': (argument) => {
      const [map, first, second] = (argument as unknown[]).map((part) => resolveString(part));
      const mappings = (template as { Mappings?: Record<string, Record<string, Record<string, unknown>>> })
        .Mappings;
      const value = mappings?.[map ?? '']?.[first ?? '']?.[second ?? ''];
      if (value === undefined) throw new Error(`Fn::FindInMap ${map}.${first}.${second} not found`);
      return value;
    },
  };

  function resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== noValue);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [key, argument] = first;
      const intrinsic = intrinsics[key];
      if (intrinsic) return intrinsic(argument);
      if (key.startsWith('Fn::')) throw new Error(`Unsupported intrinsic ${key}`);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = resolve(item);
      if (resolved !== noValue) result[key] = resolved;
    }
    return result;
  }

  function resolveString(value: unknown): string {
    return stringOf(resolve(value));
  }

  return { account, region, partition, template, resolve, resolveString, ref, getAtt, physical };
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`Expected a string, got ${JSON.stringify(value)}`);
}

function listOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`Expected a list, got ${JSON.stringify(value)}`);
  return value;
}
