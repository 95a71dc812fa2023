// One way to declare a Lambda function: Node 24 on arm64, ESM bundle, tracing, bounded log retention,
// and a `LocalEntry` metadata entry so the local runtime can bind the synthesized state machine's tasks
// to the same handler source files.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RUNTIME_ENVIRONMENT } from '../runtime-env.ts';

export const lambdaRuntime = Runtime.NODEJS_24_X;
export const localEntryMetadataKey = 'LocalEntry';

export interface ConnectorFunctionProps {
  /** Folder name under functions/, e.g. `accept-batch`. */
  name: string;
  description: string;
  environment: Record<string, string>;
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
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Some dependencies still call require(); give the ESM bundle one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    this.logGroup = logGroup;
    (this.function.node.defaultChild as CfnFunction).addMetadata(localEntryMetadataKey, entry);
  }
}
