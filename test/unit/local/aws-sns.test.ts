// The local SNS endpoint answers the real SNS client: subscriptions with filter policies decide who gets a
// publish, unknown topics and denied calls fail with the exceptions SNS raises.
import {
  AuthorizationErrorException,
  GetSubscriptionAttributesCommand,
  InvalidParameterException,
  KMSAccessDeniedException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnsPublishReport } from '../../../infra/local/aws/types.ts';
import { snsMessage } from '../../../shared/adapters/sns-notifier.ts';
import { filterPolicyOf } from '../../../shared/adapters/sns-subscriptions.ts';
import { account, type Harness, region, rejection, startHarness } from '../../support/local-aws-harness.ts';

const topic = `arn:aws:sns:${region}:${account}:customer-notifications`;
const secureTopic = `arn:aws:sns:${region}:${account}:secure`;
const key = `arn:aws:kms:${region}:${account}:key/1111`;

describe('local SNS endpoint', () => {
  let h: Harness;
  const published: SnsPublishReport[] = [];
  let sns: SNSClient;

  beforeAll(async () => {
    h = await startHarness(
      {
        api: [
          'sns:Subscribe *',
          'sns:Unsubscribe *',
          'sns:ListSubscriptionsByTopic *',
          'sns:GetSubscriptionAttributes *',
        ],
        worker: [`sns:Publish ${topic}`, `sns:Publish ${secureTopic}`, 'kms:GenerateDataKey *'],
        trusted: ['sns:Publish *', 'kms:* *'],
      },
      {
        topics: [topic, secureTopic],
        kmsKeyOf: (arn) => (arn === secureTopic ? key : undefined),
        onPublish: (report) => published.push(report),
      },
    );
    sns = new SNSClient(h.client('api'));
  });
  afterAll(() => h.close());

  const notification = (
    company: string,
    severity: 'info' | 'warning' | 'critical',
    type = 'payment_rejected',
  ) => ({
    type,
    severity,
    subject: `Payment ${type}`,
    emailBody: `Email for ${company}`,
    sms: `SMS for ${company}`,
    attributes: { company, severity, type },
  });

  it('delivers a publish to exactly the subscriptions whose filter policy matches', async () => {
    const subscribe = (
      company: string,
      channel: 'email' | 'sms',
      address: string,
      types: string[],
      minimumSeverity: string,
    ) =>
      sns.send(
        new SubscribeCommand({
          TopicArn: topic,
          Protocol: channel,
          Endpoint: address,
          ReturnSubscriptionArn: true,
          Attributes: {
            FilterPolicyScope: 'MessageAttributes',
            FilterPolicy: JSON.stringify(
              filterPolicyOf({ companyId: company, types, minimumSeverity, channel, address } as never),
            ),
          },
        }),
      );
    const a = await subscribe('company-a', 'email', 'finance@a.example', ['payment_rejected'], 'warning');
    await subscribe('company-a', 'sms', '+3725550000', [], 'critical');
    await subscribe('company-b', 'email', 'boss@b.example', [], 'info');
    expect(a.SubscriptionArn).toMatch(new RegExp(`^${topic}:`));

    const worker = new SNSClient(h.client('worker'));
    const result = await worker.send(
      new PublishCommand(snsMessage(topic, notification('company-a', 'warning') as never)),
    );
    expect(result.MessageId).toBeTruthy();
    const report = published.at(-1);
    expect(report?.topicArn).toBe(topic);
    expect(report?.attributes.company).toEqual({ DataType: 'String', StringValue: 'company-a' });
    expect(report?.deliveredTo.map((d) => `${d.protocol}:${d.endpoint}`)).toEqual([
      'email:finance@a.example',
    ]);
    // MessageStructure json: each protocol gets its own entry.
    expect(report?.deliveredTo[0]?.message).toBe('Email for company-a');

    await worker.send(
      new PublishCommand(snsMessage(topic, notification('company-a', 'critical', 'other') as never)),
    );
    expect(published.at(-1)?.deliveredTo.map((d) => `${d.protocol}:${d.endpoint}:${d.message}`)).toEqual([
      'sms:+3725550000:SMS for company-a',
    ]);
  });

  it('lists, describes and removes subscriptions, and persists them in the data dir', async () => {
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
    expect(listed.Subscriptions?.length).toBe(3);
    const first = listed.Subscriptions?.[0]?.SubscriptionArn ?? '';
    const attributes = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: first }));
    expect(JSON.parse(attributes.Attributes?.FilterPolicy ?? '{}')).toMatchObject({ company: ['company-a'] });

    const reopened = await startHarness({}, { topics: [topic] }, h.dataDir);
    expect(reopened.aws.sns.subscriptions(topic).length).toBe(3);
    await reopened.close();

    await sns.send(new UnsubscribeCommand({ SubscriptionArn: first }));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: first }));
    expect(h.aws.sns.subscriptions(topic).length).toBe(2);
  });

  it('rejects unknown topics, bad parameters and denied calls as SNS does', async () => {
    const worker = new SNSClient(h.client('worker'));
    const trusted = new SNSClient(h.client('trusted'));
    const missing = await rejection(
      trusted.send(new PublishCommand({ TopicArn: `arn:aws:sns:${region}:${account}:nope`, Message: 'x' })),
    );
    expect(missing).toBeInstanceOf(NotFoundException);

    const denied = await rejection(sns.send(new PublishCommand({ TopicArn: topic, Message: 'x' })));
    expect(denied).toBeInstanceOf(AuthorizationErrorException);
    expect(denied.message).toContain('is not authorized to perform: sns:Publish');
    expect(denied.$metadata?.httpStatusCode).toBe(403);

    const structure = await rejection(
      worker.send(
        new PublishCommand({ TopicArn: topic, Message: '{"email":"x"}', MessageStructure: 'json' }),
      ),
    );
    expect(structure).toBeInstanceOf(InvalidParameterException);

    const policy = await rejection(
      sns.send(
        new SubscribeCommand({
          TopicArn: topic,
          Protocol: 'email',
          Endpoint: 'a@b.example',
          Attributes: { FilterPolicy: '{"a":' },
        }),
      ),
    );
    expect(policy).toBeInstanceOf(InvalidParameterException);
  });

  it('needs kms:GenerateDataKey and kms:Decrypt to publish to a topic under a customer managed key', async () => {
    const worker = new SNSClient(h.client('worker'));
    const denied = await rejection(worker.send(new PublishCommand({ TopicArn: secureTopic, Message: 'x' })));
    expect(denied).toBeInstanceOf(KMSAccessDeniedException);
    expect(denied.message).toContain('kms:Decrypt');
    const kmsCall = h.calls.find((call) => call.action === 'kms:GenerateDataKey');
    expect(kmsCall).toMatchObject({
      resource: key,
      context: { 'kms:ViaService': `sns.${region}.amazonaws.com` },
    });

    const trusted = new SNSClient(h.client('trusted'));
    await expect(
      trusted.send(new PublishCommand({ TopicArn: secureTopic, Message: 'x' })),
    ).resolves.toBeTruthy();
  });
});
