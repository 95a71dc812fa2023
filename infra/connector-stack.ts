// The connector stack: one construct per capability, wired together here and nowhere else.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { BankConnection } from './constructs/bank-connection.ts';
import { BatchWorkflow } from './constructs/batch-workflow.ts';
import { Data } from './constructs/data.ts';
import type { ConnectorResources } from './constructs/function-access.ts';
import { Notifications } from './constructs/notifications.ts';
import { Operations } from './constructs/operations.ts';
import { Statements } from './constructs/statements.ts';
import type { StageConfig } from './stage-config.ts';

export interface ConnectorStackProps extends StackProps {
  config: StageConfig;
}

export class ConnectorStack extends Stack {
  readonly data: Data;
  readonly notifications: Notifications;
  readonly bankConnection: BankConnection;
  readonly batchWorkflow: BatchWorkflow;
  readonly statements: Statements;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: ConnectorStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.data = new Data(this, 'Data', { retainData: config.retainData });
    this.notifications = new Notifications(this, 'Notifications', { operations: config.operations });
    this.bankConnection = new BankConnection(this, 'BankConnection', { retainData: config.retainData });

    // What functions may be given; each function takes what shared/function-needs.ts declares for it.
    const resources: ConnectorResources = {
      stage: config.stage,
      logLevel: 'INFO',
      table: { table: this.data.table, key: this.data.key },
      bank: { config: config.bank, certificate: this.bankConnection.clientCertificate },
      registry: { ...config.registry, apiKey: registryApiKey(this, config.registry.apiKeySecretName) },
      customerTopic: this.notifications.customerTopic,
      archiveBucket: this.bankConnection.archiveBucket,
      eventBus: this.notifications.eventBus,
      batchRules: {
        maxPaymentsPerMessage: config.workflow.maxPaymentsPerMessage,
        signingOverdue: config.workflow.signingOverdue,
      },
      statementRules: {},
      auth: config.auth,
    };
    const collector = this.bankConnection.addCollector(resources);
    this.batchWorkflow = new BatchWorkflow(this, 'BatchWorkflow', {
      resources,
      collector: collector.function,
      acknowledgementTimeout: Duration.minutes(config.workflow.acknowledgementTimeoutMinutes),
      signingDeadline: Duration.days(config.workflow.signingDeadlineDays),
    });
    this.statements = new Statements(this, 'Statements', {
      resources,
      deadLetterQueue: this.bankConnection.deadLetters,
      dailyRequestTime: config.statements.dailyRequestTime,
    });
    this.api = new Api(this, 'Api', {
      resources: { ...resources, stateMachine: this.batchWorkflow.stateMachine },
      throttle: config.throttle,
    });

    new Operations(this, 'Operations', {
      operationsTopic: this.notifications.operationsTopic,
      batchStateMachine: this.batchWorkflow.stateMachine,
      collector: collector.function,
      collectorLogGroup: collector.logGroup,
      deadLetterQueues: [this.bankConnection.deadLetters],
      namespace: 'CoopPankConnector',
    });
  }
}

/**
 * The e-Business Register API key: an existing secret named in the stage configuration, or one the stack
 * creates empty, to be set after deployment (README: Deployment). Never an environment variable.
 */
function registryApiKey(stack: Stack, existingName: string | undefined): ISecret {
  if (existingName) return Secret.fromSecretNameV2(stack, 'RegistryApiKey', existingName);
  const secret = new Secret(stack, 'RegistryApiKey', {
    description: 'e-Business Register API key (plain text); set after deployment',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The register API key is issued by the register operator and renewed by a person; a Lambda cannot rotate it.',
  });
  return secret;
}
