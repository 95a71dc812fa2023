// SNS (AWS Query protocol: form body, XML answers): Publish with filter policies applied per subscription,
// and the subscription operations. Topics come from the template; subscriptions persist in the data dir.
// Email subscriptions count as confirmed at once (nobody clicks a confirmation link locally).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { type FilterPolicy, matchesFilterPolicy, parseFilterPolicy } from './sns-filter-policy.ts';
import type { SnsDelivery, SnsMessageAttribute, SnsSubscription } from './types.ts';
import {
  type AwsRequest,
  firstDenial,
  type ServiceContext,
  ServiceError,
  send,
  sendNotEmulated,
  sendQueryError,
  xmlEscape,
} from './wire.ts';

const xmlns = 'http://sns.amazonaws.com/doc/2010-03-31/';
const protocols = new Set([
  'email',
  'email-json',
  'sms',
  'http',
  'https',
  'sqs',
  'lambda',
  'application',
  'firehose',
]);
const subscriptionAttributes = new Set([
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'DeliveryPolicy',
  'SubscriptionRoleArn',
]);

/** `Prefix.entry.N.<key>` / `.<value>` pairs of a Query-protocol map, in N order. */
function queryEntries(params: URLSearchParams, prefix: string): Map<string, Record<string, string>> {
  const entries = new Map<string, Record<string, string>>();
  for (const [name, value] of params) {
    const match = new RegExp(`^${prefix}\\.entry\\.(\\d+)\\.(.+)$`).exec(name);
    if (!match) continue;
    const [, index = '', field = ''] = match;
    const entry = entries.get(index) ?? {};
    entry[field] = value;
    entries.set(index, entry);
  }
  return entries;
}

export class SnsSubscriptionStore {
  readonly #file: string | undefined;
  readonly #subscriptions = new Map<string, SnsSubscription>();

  constructor(dataDir: string | undefined) {
    this.#file = dataDir ? join(dataDir, 'sns-subscriptions.json') : undefined;
    if (!this.#file) return;
    try {
      for (const subscription of JSON.parse(readFileSync(this.#file, 'utf8')) as SnsSubscription[]) {
        this.#subscriptions.set(subscription.subscriptionArn, subscription);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  list(topicArn?: string): SnsSubscription[] {
    return [...this.#subscriptions.values()].filter((s) => topicArn === undefined || s.topicArn === topicArn);
  }

  get(arn: string): SnsSubscription | undefined {
    return this.#subscriptions.get(arn);
  }

  put(subscription: SnsSubscription): void {
    this.#subscriptions.set(subscription.subscriptionArn, subscription);
    this.#save();
  }

  delete(arn: string): void {
    if (this.#subscriptions.delete(arn)) this.#save();
  }

  #save(): void {
    if (!this.#file) return;
    // Written whole and renamed, so a crash never leaves half a file.
    mkdirSync(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.list(), null, 2));
    renameSync(temporary, this.#file);
  }
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '')
    throw new ServiceError('InvalidParameter', `Invalid parameter: ${name}`);
  return value;
}

function topicOfSubscription(subscriptionArn: string): string {
  return subscriptionArn.split(':').slice(0, 6).join(':');
}

function checkTopic(topics: readonly string[], topicArn: string): void {
  if (!topics.includes(topicArn)) throw new ServiceError('NotFound', 'Topic does not exist', 404);
}

function checkAttributes(attributes: Record<string, string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!subscriptionAttributes.has(name)) {
      throw new ServiceError(
        'InvalidParameter',
        `Invalid parameter: Attributes Reason: Unknown attribute ${name}`,
      );
    }
    if (name === 'FilterPolicy') {
      try {
        parseFilterPolicy(value);
      } catch (error) {
        throw new ServiceError('InvalidParameter', `Invalid parameter: ${(error as Error).message}`);
      }
    }
    if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') {
      throw new ServiceError('InvalidParameter', 'Invalid parameter: FilterPolicyScope: Invalid value');
    }
  }
}

function checkEndpoint(protocol: string, endpoint: string): void {
  const valid =
    protocol === 'email' || protocol === 'email-json'
      ? /^[^@\s]+@[^@\s]+$/.test(endpoint)
      : protocol === 'sms'
        ? /^\+?[0-9]{6,15}$/.test(endpoint.replace(/[\s-]/g, ''))
        : endpoint !== '';
  if (!valid) throw new ServiceError('InvalidParameter', 'Invalid parameter: Endpoint');
}

function subscriptionXml(s: SnsSubscription, account: string): string {
  return `<member><TopicArn>${xmlEscape(s.topicArn)}</TopicArn><Protocol>${xmlEscape(s.protocol)}</Protocol><SubscriptionArn>${xmlEscape(s.subscriptionArn)}</SubscriptionArn><Owner>${account}</Owner><Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`;
}

function attributesXml(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `<entry><key>${xmlEscape(key)}</key><value>${xmlEscape(value)}</value></entry>`)
    .join('');
}

/** The body a subscriber of `protocol` receives when MessageStructure is json. */
function messageFor(
  protocol: string,
  structured: Record<string, string> | undefined,
  message: string,
): string {
  if (!structured) return message;
  return structured[protocol] ?? structured.default ?? message;
}

export async function handleSns(
  ctx: ServiceContext,
  store: SnsSubscriptionStore,
  req: AwsRequest,
  res: ServerResponse,
): Promise<void> {
  const params = new URLSearchParams(req.body.toString('utf8'));
  const operation = params.get('Action') ?? '';
  const { options } = ctx;
  const authorize = async (
    pairs: { action: string; resource: string; context?: Record<string, string> }[],
    kms = false,
  ) => {
    const denial = await firstDenial(options, req, operation, pairs);
    if (!denial) return;
    if (kms) {
      throw new ServiceError(
        'KMSAccessDenied',
        `${denial.message} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ${req.requestId}; Proxy: null)`,
      );
    }
    throw new ServiceError('AuthorizationError', denial.message, 403);
  };
  const reply = (result: string) =>
    send(
      res,
      200,
      { 'content-type': 'text/xml', 'x-amzn-requestid': req.requestId },
      `<${operation}Response xmlns="${xmlns}">${result}<ResponseMetadata><RequestId>${req.requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    );

  try {
    switch (operation) {
      case 'Publish': {
        if (!params.get('TopicArn')) {
          sendNotEmulated(res, req, 'Publish without TopicArn (TargetArn/PhoneNumber)');
          return;
        }
        const topicArn = required(params, 'TopicArn');
        await authorize([{ action: 'sns:Publish', resource: topicArn }]);
        checkTopic(options.topics, topicArn);
        const keyArn = options.kmsKeyOf?.(topicArn);
        if (keyArn) {
          const context = {
            'kms:ViaService': `sns.${options.region}.amazonaws.com`,
            'kms:CallerAccount': options.account,
            'kms:EncryptionContext:aws:sns:topicArn': topicArn,
          };
          await authorize(
            [
              { action: 'kms:GenerateDataKey', resource: keyArn, context },
              { action: 'kms:Decrypt', resource: keyArn, context },
            ],
            true,
          );
        }
        const message = required(params, 'Message');
        const subject = params.get('Subject') ?? undefined;
        if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject))) {
          throw new ServiceError('InvalidParameter', 'Invalid parameter: Subject');
        }
        const messageStructure = params.get('MessageStructure') ?? undefined;
        let structured: Record<string, string> | undefined;
        if (messageStructure === 'json') {
          try {
            structured = JSON.parse(message) as Record<string, string>;
          } catch {
            throw new ServiceError(
              'InvalidParameter',
              'Invalid parameter: Message Structure - JSON message body failed to parse',
            );
          }
          if (typeof structured?.default !== 'string') {
            throw new ServiceError(
              'InvalidParameter',
              'Invalid parameter: Message Structure - No default entry in JSON message body',
            );
          }
        }
        const attributes: Record<string, SnsMessageAttribute> = {};
        for (const entry of queryEntries(params, 'MessageAttributes').values()) {
          const name = entry.Name;
          const dataType = entry['Value.DataType'];
          if (!name || !dataType)
            throw new ServiceError('InvalidParameter', 'Invalid parameter: MessageAttributes');
          attributes[name] = {
            DataType: dataType,
            ...(entry['Value.StringValue'] !== undefined ? { StringValue: entry['Value.StringValue'] } : {}),
            ...(entry['Value.BinaryValue'] !== undefined ? { BinaryValue: entry['Value.BinaryValue'] } : {}),
          };
        }
        const deliveredTo: SnsDelivery[] = [];
        for (const subscription of store.list(topicArn)) {
          const body = messageFor(subscription.protocol, structured, message);
          const policy = subscription.attributes.FilterPolicy;
          if (policy) {
            const parsed: FilterPolicy = parseFilterPolicy(policy);
            if (!matchesFilterPolicy(parsed, subscription.attributes.FilterPolicyScope, { attributes, body }))
              continue;
          }
          deliveredTo.push({
            protocol: subscription.protocol,
            endpoint: subscription.endpoint,
            subscriptionArn: subscription.subscriptionArn,
            message: body,
          });
        }
        const messageId = randomUUID();
        options.onPublish?.({
          messageId,
          topicArn,
          subject,
          message,
          messageStructure,
          attributes,
          deliveredTo,
        });
        reply(`<PublishResult><MessageId>${messageId}</MessageId></PublishResult>`);
        return;
      }
      case 'Subscribe': {
        const topicArn = required(params, 'TopicArn');
        await authorize([{ action: 'sns:Subscribe', resource: topicArn }]);
        checkTopic(options.topics, topicArn);
        const protocol = required(params, 'Protocol');
        if (!protocols.has(protocol))
          throw new ServiceError(
            'InvalidParameter',
            'Invalid parameter: Amazon SNS does not support this protocol string',
          );
        const endpoint = params.get('Endpoint') ?? '';
        checkEndpoint(protocol, endpoint);
        const attributes: Record<string, string> = {};
        for (const entry of queryEntries(params, 'Attributes').values()) {
          if (entry.key !== undefined) attributes[entry.key] = entry.value ?? '';
        }
        checkAttributes(attributes);
        const existing = store.list(topicArn).find((s) => s.protocol === protocol && s.endpoint === endpoint);
        let subscription = existing;
        if (existing) {
          const same = Object.entries(attributes).every(([key, value]) => existing.attributes[key] === value);
          if (!same)
            throw new ServiceError(
              'InvalidParameter',
              'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
            );
        } else {
          subscription = {
            subscriptionArn: `${topicArn}:${randomUUID()}`,
            topicArn,
            protocol,
            endpoint,
            attributes,
          };
          store.put(subscription);
        }
        const pending =
          ['email', 'email-json', 'http', 'https'].includes(protocol) &&
          params.get('ReturnSubscriptionArn') !== 'true';
        const arn = pending ? 'pending confirmation' : (subscription?.subscriptionArn ?? '');
        reply(`<SubscribeResult><SubscriptionArn>${xmlEscape(arn)}</SubscriptionArn></SubscribeResult>`);
        return;
      }
      case 'Unsubscribe': {
        const subscriptionArn = required(params, 'SubscriptionArn');
        if (subscriptionArn.split(':').length !== 7)
          throw new ServiceError(
            'InvalidParameter',
            'Invalid parameter: SubscriptionArn Reason: An ARN must have 7 elements',
          );
        await authorize([{ action: 'sns:Unsubscribe', resource: topicOfSubscription(subscriptionArn) }]);
        // Unsubscribing twice succeeds, as in SNS.
        store.delete(subscriptionArn);
        reply('');
        return;
      }
      case 'ListSubscriptionsByTopic': {
        const topicArn = required(params, 'TopicArn');
        await authorize([{ action: 'sns:ListSubscriptionsByTopic', resource: topicArn }]);
        checkTopic(options.topics, topicArn);
        const members = store
          .list(topicArn)
          .map((s) => subscriptionXml(s, options.account))
          .join('');
        reply(
          `<ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions></ListSubscriptionsByTopicResult>`,
        );
        return;
      }
      case 'GetSubscriptionAttributes': {
        const subscriptionArn = required(params, 'SubscriptionArn');
        await authorize([
          { action: 'sns:GetSubscriptionAttributes', resource: topicOfSubscription(subscriptionArn) },
        ]);
        const s = store.get(subscriptionArn);
        if (!s) throw new ServiceError('NotFound', 'Subscription does not exist', 404);
        const all = {
          SubscriptionArn: s.subscriptionArn,
          TopicArn: s.topicArn,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          Owner: options.account,
          PendingConfirmation: 'false',
          ConfirmationWasAuthenticated: 'true',
          RawMessageDelivery: 'false',
          ...(s.attributes.FilterPolicy ? { FilterPolicyScope: 'MessageAttributes' } : {}),
          ...s.attributes,
        };
        reply(
          `<GetSubscriptionAttributesResult><Attributes>${attributesXml(all)}</Attributes></GetSubscriptionAttributesResult>`,
        );
        return;
      }
      case 'SetSubscriptionAttributes': {
        const subscriptionArn = required(params, 'SubscriptionArn');
        await authorize([
          { action: 'sns:SetSubscriptionAttributes', resource: topicOfSubscription(subscriptionArn) },
        ]);
        const s = store.get(subscriptionArn);
        if (!s) throw new ServiceError('NotFound', 'Subscription does not exist', 404);
        const name = required(params, 'AttributeName');
        const value = params.get('AttributeValue') ?? '';
        checkAttributes({ [name]: value });
        store.put({ ...s, attributes: { ...s.attributes, [name]: value } });
        reply('');
        return;
      }
      default:
        sendNotEmulated(res, req, operation || '(no Action)');
    }
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    sendQueryError(res, req, xmlns, error.status, error.code, error.message);
  }
}
