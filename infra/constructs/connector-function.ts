// One way to declare a Lambda function: Node 24 on arm64, ESM bundle, tracing, bounded log retention, its
// environment and IAM grants derived from shared/function-needs.ts, and a `LocalEntry` metadata entry naming
// its handler file, so the local system runs the same handler with the synthesized environment and role.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { needsOf } from '../../shared/function-needs.ts';
import { lambdaBundle } from '../bundling.ts';
import { RUNTIME_ENVIRONMENT } from '../runtime-env.ts';
import { type ConnectorResources, environmentFor, grantNeeds } from './function-access.ts';
import { managedPolicyFinding } from './nag-findings.ts';

export const lambdaRuntime = Runtime.NODEJS_24_X;
export const localEntryMetadataKey = 'LocalEntry';

export interface ConnectorFunctionProps {
  /** Folder name under functions/, e.g. `submit-batch`; its entry in shared/function-needs.ts decides the rest. */
  name: string;
  description: string;
  resources: ConnectorResources;
  timeout?: Duration;
  memorySize?: number;
}

export class ConnectorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ConnectorFunctionProps) {
    super(scope, id);
    const entry = `functions/${props.name}/handler.ts`;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...RUNTIME_ENVIRONMENT,
        POWERTOOLS_SERVICE_NAME: `coop-pank-connector-${props.name}`,
        POWERTOOLS_METRICS_NAMESPACE: 'CoopPankConnector',
        ...environmentFor(props.name, props.resources),
      },
      // The same bundle the cold-init benchmark builds and measures (infra/bundling.ts), AWS SDK included.
      bundling: {
        format: OutputFormat.ESM,
        target: lambdaBundle.target,
        minify: lambdaBundle.minify,
        sourceMap: lambdaBundle.sourcemap,
        mainFields: [...lambdaBundle.mainFields],
        externalModules: [...lambdaBundle.externalModules],
        banner: lambdaBundle.banner,
      },
    });
    this.logGroup = logGroup;
    grantNeeds(this.function, props.name, props.resources);
    acknowledgeRoleFindings(this.function, props.name);
    (this.function.node.defaultChild as CfnFunction).addMetadata(localEntryMetadataKey, entry);
  }
}

/** The cdk-nag findings on every function's own role, acknowledged on that role (and only there). */
function acknowledgeRoleFindings(fn: NodejsFunction, name: string): void {
  const role = fn.role;
  if (!role) throw new Error(`functions/${name} has no role`);
  Validations.of(role).acknowledge({
    id: managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'),
    reason: 'The AWS managed basic execution role only lets the function write its own logs.',
  });
  const tokens = needsOf(name).respondsToWorkflow
    ? ' states:SendTaskSuccess has no resource type either (IAM evaluates them on "*"); the task token itself names the one execution.'
    : '';
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `Active tracing: xray:PutTraceSegments/PutTelemetryRecords have no resource type.${tokens}`,
  });
}
