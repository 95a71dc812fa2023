// Public types of the local AWS endpoint: what the local runtime passes in (resources, authorization, callbacks)
// and what it gets back. The endpoint itself lives in server.ts.

/** One (IAM action, resource) pair a call needs, asked of `authorize` before the call does anything. */
export interface AwsCall {
  /** The caller's access key id: each local function has its own, so it names the calling function. */
  accessKeyId: string;
  /** SigV4 service name from the credential scope (dynamodb, states, sns, events, s3, secretsmanager). */
  service: string;
  /** API operation, e.g. PutItem, Publish. */
  operation: string;
  /** IAM action, e.g. dynamodb:PutItem, kms:Decrypt. */
  action: string;
  /** Resource ARN the action is evaluated on (`*` when the action has no resource type). */
  resource: string;
  /** Request context keys AWS would supply for this check (e.g. kms:ViaService). */
  context?: Record<string, string>;
}

export type AuthorizationVerdict = { allowed: true } | { allowed: false; message: string };

export interface LocalWorkflowEndpoint {
  startExecution(input: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }>;
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void>;
  sendTaskHeartbeat?(taskToken: string): Promise<void>;
  describeExecution?(executionArn: string): Promise<Record<string, unknown>>;
}

export interface LocalSecret {
  arn: string;
  name: string;
  value: string;
}

export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface SnsDelivery {
  protocol: string;
  endpoint: string;
  subscriptionArn: string;
  /** The body this subscriber receives (the protocol's entry when MessageStructure is json). */
  message: string;
}

export interface SnsPublishReport {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  messageStructure: string | undefined;
  attributes: Record<string, SnsMessageAttribute>;
  deliveredTo: SnsDelivery[];
}

export interface SnsSubscription {
  subscriptionArn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  /** Subscription attributes as SNS stores them (FilterPolicy, FilterPolicyScope, RawMessageDelivery...). */
  attributes: Record<string, string>;
}

export interface LocalEventEntry {
  eventId: string;
  eventBusName: string;
  source: string;
  detailType: string;
  detail: unknown;
  time: Date;
  resources: string[];
}

export interface LocalAwsOptions {
  region: string;
  account: string;
  /** DynamoDB Local (started with -sharedDb, so the caller's credentials do not matter there). */
  dynamoDbEndpoint: string;
  /** S3 objects (`s3/<bucket>/<key>`) and SNS subscriptions (`sns-subscriptions.json`) live here. */
  dataDir: string;
  workflow?: LocalWorkflowEndpoint;
  /** Topic ARNs that exist (created by the template, not by CreateTopic). */
  topics: string[];
  /** Bucket names that exist. */
  buckets: string[];
  /** Event bus names or ARNs that exist besides `default`. */
  eventBuses: string[];
  secrets: LocalSecret[];
  /** May answer synchronously or with a promise (the IAM simulator is asynchronous). */
  authorize(call: AwsCall): AuthorizationVerdict | Promise<AuthorizationVerdict>;
  /**
   * The customer managed KMS key protecting a resource, if any. Asked with a topic ARN, a bucket ARN
   * (`arn:aws:s3:::<bucket>`, default bucket encryption) or a secret ARN.
   */
  kmsKeyOf?(resourceArn: string): string | undefined;
  onPublish?(report: SnsPublishReport): void;
  onEvents?(entries: LocalEventEntry[]): void;
  onDynamoDbRequest?(operation: string): void;
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
}

export interface LocalAws {
  /** `AWS_ENDPOINT_URL` for every function. */
  endpoint: string;
  port: number;
  sns: { subscriptions(topicArn?: string): SnsSubscription[] };
  close(): Promise<void>;
}
