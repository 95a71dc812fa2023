// API capability: the REST API the Envoice UI calls, behind a Lambda authorizer that verifies Envoice JWTs.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ConnectorFunction } from './connector-function.ts';

export interface ApiProps {
  table: ITableV2;
  batchStateMachine: IStateMachine;
  environment: Record<string, string>;
  auth: { issuer: string; audience: string; publicKeys: Record<string, string> };
  throttle: { rateLimit: number; burstLimit: number };
}

export class Api extends Construct {
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const authorizerFunction = new ConnectorFunction(this, 'AuthorizeRequest', {
      name: 'authorize-request',
      description: 'Verifies Envoice JWTs for the REST API',
      environment: {
        JWT_ISSUER: props.auth.issuer,
        JWT_AUDIENCE: props.auth.audience,
        JWT_PUBLIC_KEYS: JSON.stringify(props.auth.publicKeys),
      },
    });
    const authorizer = new TokenAuthorizer(this, 'EnvoiceJwt', {
      handler: authorizerFunction.function,
      identitySource: IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'Coop Pank Gateway connector API for the Envoice UI',
      cloudWatchRole: true,
      deployOptions: {
        stageName: Stack.of(this).node.tryGetContext('stage') ?? 'dev',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
      defaultMethodOptions: { authorizer },
    });
    const validator = this.restApi.addRequestValidator('ValidateBodyAndParameters', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const createBatch = new ConnectorFunction(this, 'CreatePaymentBatch', {
      name: 'api-create-payment-batch',
      description: 'POST /v1/payment-batches',
      environment: props.environment,
    });
    props.table.grantReadWriteData(createBatch.function);
    props.batchStateMachine.grantStartExecution(createBatch.function);

    const getBatch = new ConnectorFunction(this, 'GetPaymentBatch', {
      name: 'api-get-payment-batch',
      description: 'GET /v1/payment-batches/{batchId}',
      environment: props.environment,
    });
    props.table.grantReadData(getBatch.function);

    const v1 = this.restApi.root.addResource('v1');
    const batches = v1.addResource('payment-batches');
    batches.addMethod('POST', new LambdaIntegration(createBatch.function), { requestValidator: validator });
    batches.addResource('{batchId}').addMethod('GET', new LambdaIntegration(getBatch.function), {
      requestValidator: validator,
      requestParameters: { 'method.request.path.batchId': true },
    });

    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'The API is called only by the Envoice backend-for-frontend with Envoice JWTs; WAF is attached at the Envoice edge (CloudFront) per stage, not per connector API.',
    });
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Envoice issues its own JWTs (not Cognito); the TOKEN Lambda authorizer verifies issuer, audience, expiry and signature.',
    });
  }
}
