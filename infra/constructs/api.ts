// API capability: the REST API the Envoice UI calls, behind a Lambda authorizer that verifies Envoice JWTs.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  IdentitySource,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiRoutes } from '../../shared/api/routes.ts';
import { ConnectorFunction } from './connector-function.ts';
import type { ConnectorResources } from './function-access.ts';
import { managedPolicyFinding } from './nag-findings.ts';

export interface ApiProps {
  /** What route functions may be given (table, state machine, bank, registry, topic): see function-needs.ts. */
  resources: ConnectorResources;
  throttle: { rateLimit: number; burstLimit: number };
}

export class Api extends Construct {
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const authorizerFunction = new ConnectorFunction(this, 'AuthorizeRequest', {
      name: 'authorize-request',
      description: 'Verifies Envoice JWTs for the REST API',
      resources: props.resources,
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

    // One function and one method per route of the shared route table (the OpenAPI document uses it too).
    const resources = new Map<string, IResource>([['', this.restApi.root]]);
    const resourceFor = (path: string): IResource => {
      const existing = resources.get(path);
      if (existing) return existing;
      const cut = path.lastIndexOf('/');
      const resource = resourceFor(path.slice(0, cut)).addResource(path.slice(cut + 1));
      resources.set(path, resource);
      return resource;
    };
    for (const route of apiRoutes) {
      const fn = new ConnectorFunction(this, route.constructId, {
        name: route.functionName,
        description: `${route.method} ${route.path}`,
        resources: props.resources,
      });
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
      const method = resourceFor(route.path).addMethod(route.method, new LambdaIntegration(fn.function), {
        requestValidator: validator,
        ...(route.public ? { authorizer: undefined, authorizationType: AuthorizationType.NONE } : {}),
        requestParameters: Object.fromEntries([
          ...pathParameters.map((name) => [`method.request.path.${name}`, true]),
          ...(route.idempotencyKey ? [['method.request.header.Idempotency-Key', true]] : []),
        ]),
      });
      if (route.public) {
        for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
          Validations.of(method).acknowledge({
            id,
            reason: `${route.path} is the public API description (no data); clients read it before they have a token.`,
          });
        }
      }
    }

    // The account-level role that lets API Gateway write the access and execution logs.
    Validations.of(this.restApi.node.findChild('CloudWatchRole')).acknowledge({
      id: managedPolicyFinding('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      reason: 'The account-level API Gateway logging role needs exactly this AWS managed policy.',
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
