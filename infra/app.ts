// CDK entry point: `npm run synth` / `npm run deploy`. Stage from context (`-c stage=prod`), default dev.
// `-c useExample=true` takes the stage's settings from context.stageExamples (cdk.json) instead of context.stages.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConnectorStack } from './connector-stack.ts';
import { DEV_STAGE, readStageConfig, StageConfigError } from './stage-config.ts';

export function createApp(app = new App()): { app: App; stack: ConnectorStack } {
  const stage = String(app.node.tryGetContext('stage') ?? DEV_STAGE);
  // `-c` values arrive as strings; in-process callers may pass a boolean.
  const useExample = String(app.node.tryGetContext('useExample') ?? false) === 'true';
  const stages = app.node.tryGetContext(useExample ? 'stageExamples' : 'stages');
  const config = readStageConfig(stage, stages);
  const stack = new ConnectorStack(app, `CoopPankConnector-${stage}`, {
    config,
    env: { account: config.account, region: config.region },
    description: `Coop Pank Gateway connector for Envoice (${stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    createApp().app.synth();
  } catch (error) {
    // A configuration refusal is a message for a person, not a stack trace.
    if (!(error instanceof StageConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
