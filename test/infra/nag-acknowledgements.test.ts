// The cdk-nag acknowledgements themselves (issue 13): each is made on the construct its finding concerns, never
// on the stack or the app; IAM4/IAM5 acknowledgements name their finding (managed policy, resource pattern) and
// sit on the role whose policy has it; and none outlives its finding. Neither cdk-nag 3 nor the CDK reports an
// acknowledgement that matches nothing, so this test does: it builds the app with acknowledgements recorded
// instead of applied, runs AwsSolutionsChecks on it, and matches each finding to its closest acknowledgement as
// the CDK does (same rule id, nearest construct at or above the resource).
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Role } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: { stageExamples: Record<string, unknown> };
};

interface Acknowledgement {
  path: string;
  id: string;
  construct: IConstruct;
}

/** The app for `context`, with every `Validations.of(x).acknowledge(...)` recorded and not applied. */
function appWithRecordedAcknowledgements(context: Record<string, unknown>) {
  const recorded: Acknowledgement[] = [];
  const original = Validations.prototype.acknowledge;
  Validations.prototype.acknowledge = function (this: Validations, ...rules) {
    const scope = (this as unknown as { scope: IConstruct }).scope;
    for (const rule of rules) recorded.push({ path: scope.node.path, id: rule.id, construct: scope });
  };
  try {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    const { stack } = createApp(app);
    return { app, stack, recorded };
  } finally {
    Validations.prototype.acknowledge = original;
  }
}

const stages: Array<[string, Record<string, unknown>]> = [
  ['dev', {}],
  [
    'the cdk.json prod example',
    { stage: 'prod', useExample: 'true', stageExamples: cdkJson.context.stageExamples },
  ],
];

describe.each(stages)('cdk-nag acknowledgements (%s)', (_stage, context) => {
  let stackPath: string;
  let recorded: Acknowledgement[];
  let findings: number;
  const used = new Set<Acknowledgement>();
  const unacknowledged: string[] = [];

  beforeAll(() => {
    const built = appWithRecordedAcknowledgements(context);
    stackPath = built.stack.node.path;
    recorded = built.recorded;
    const { violations } = new AwsSolutionsChecks().validateScope(built.app);
    findings = violations.length;
    for (const violation of violations) {
      for (const resource of violation.violatingResources) {
        let path = resource.constructPath ?? '';
        let match: Acknowledgement | undefined;
        for (;;) {
          match = recorded.find((ack) => ack.id === violation.ruleName && ack.path === path);
          if (match || path === '') break;
          path = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
        }
        if (match) used.add(match);
        else unacknowledged.push(`${violation.ruleName} on ${resource.constructPath}`);
      }
    }
  });
  const describeAck = (ack: Acknowledgement) => `${ack.id} on ${ack.path || '(app)'}`;

  it('finds the findings it acknowledges (the check sees the stack)', () => {
    expect(recorded.length).toBeGreaterThan(10);
    expect(findings).toBeGreaterThan(0);
  });

  it('acknowledges every finding', () => {
    expect(unacknowledged).toEqual([]);
  });

  it('has no acknowledgement that matches no finding', () => {
    expect(recorded.filter((ack) => !used.has(ack)).map(describeAck)).toEqual([]);
  });

  it('has no acknowledgement on the stack or the app', () => {
    const wide = recorded.filter((ack) => ack.path === '' || ack.path === stackPath);
    expect(wide.map(describeAck)).toEqual([]);
  });

  it('names the finding of every IAM4/IAM5 acknowledgement and makes it on the role that has it', () => {
    const granular = recorded.filter((ack) => /^AwsSolutions-IAM[45]/.test(ack.id));
    expect(granular.length).toBeGreaterThan(0);
    expect(
      granular
        .filter((ack) => !/^AwsSolutions-IAM[45]\[(Policy|Resource|Action)::.+\]$/.test(ack.id))
        .map(describeAck),
    ).toEqual([]);
    expect(granular.filter((ack) => !(ack.construct instanceof Role)).map(describeAck)).toEqual([]);
  });
});
