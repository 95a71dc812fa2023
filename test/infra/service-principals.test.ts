// The service-to-service paths of the synthesized stack (alarms → topic, schedules → function, failed async
// invocations → queue, workflow → functions), evaluated with the same IAM evaluator the local system uses.
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeConnectorTemplate } from '../../infra/local/synthesize.ts';
import { createIamAuthorizer, type IamAuthorizer, type Verdict } from '../../infra/local/template/iam.ts';
import { createLocalModel, type LocalModel } from '../../infra/local/template/model.ts';

describe('service-to-service paths of the synthesized stack', () => {
  let model: LocalModel;
  let iam: IamAuthorizer;

  beforeAll(() => {
    model = createLocalModel(synthesizeConnectorTemplate());
    iam = createIamAuthorizer(model);
  });

  const denialOf = (verdict: Verdict) => (verdict.allowed ? undefined : verdict.message);

  it('resolves every intrinsic of the synthesized template to local names and ARNs', () => {
    const template = synthesizeConnectorTemplate();
    for (const resource of Object.values(template.Resources)) {
      const resolved = JSON.stringify(model.resolver.resolve(resource.Properties ?? {}));
      expect(resolved).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    }
    expect(model.functions.length).toBeGreaterThanOrEqual(8);
    for (const fn of model.functions) {
      expect(model.roleOf(fn.roleArn), fn.logicalId).toBeDefined();
      expect(model.identityPoliciesOf(fn.roleArn).length, fn.logicalId).toBeGreaterThanOrEqual(1);
    }
  });

  it('alarms reach the operations topic: CloudWatch may publish to it and use its key', async () => {
    const paths = model.alarms.flatMap((alarm) =>
      alarm.alarmActions
        .filter((action) => action.startsWith('arn:aws:sns:'))
        .map((topic) => ({ alarm, topic })),
    );
    expect(paths.length).toBeGreaterThanOrEqual(5);
    const denials: string[] = [];
    for (const { alarm, topic } of paths) {
      const source = {
        service: 'cloudwatch.amazonaws.com',
        sourceArn: alarm.arn,
        sourceAccount: model.account,
      };
      const publish = await iam.authorizeServicePrincipal({
        ...source,
        action: 'sns:Publish',
        resource: topic,
      });
      denials.push(...[denialOf(publish)].filter((denial) => denial !== undefined));
      const key = model.kmsKeyOf(topic);
      if (!key) continue;
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
        const verdict = await iam.authorizeServicePrincipal({ ...source, action, resource: key });
        denials.push(...[denialOf(verdict)].filter((denial) => denial !== undefined));
      }
    }
    expect(denials).toEqual([]);
  });

  it('schedules reach their function: Scheduler may assume the target role, which may invoke it and dead-letter', async () => {
    expect(model.schedules.length).toBeGreaterThanOrEqual(2);
    const denials: string[] = [];
    for (const schedule of model.schedules) {
      const groupArn = `arn:aws:scheduler:${model.region}:${model.account}:schedule-group/${schedule.groupName}`;
      const verdicts = [
        await iam.authorizeServicePrincipal({
          service: 'scheduler.amazonaws.com',
          action: 'sts:AssumeRole',
          resource: schedule.roleArn,
          sourceArn: groupArn,
          sourceAccount: model.account,
        }),
        await iam.authorize({
          principal: schedule.roleArn,
          action: 'lambda:InvokeFunction',
          resource: schedule.targetArn,
        }),
      ];
      expect(schedule.deadLetterArn, `${schedule.logicalId} has a dead-letter queue`).toBeDefined();
      if (schedule.deadLetterArn) {
        verdicts.push(
          await iam.authorizeWithKey({
            principal: schedule.roleArn,
            action: 'sqs:SendMessage',
            resource: schedule.deadLetterArn,
          }),
        );
      }
      denials.push(
        ...verdicts.flatMap((verdict) => [denialOf(verdict)].filter((denial) => denial !== undefined)),
      );
    }
    expect(denials).toEqual([]);
  });

  it('failed asynchronous invocations reach their destination: the function role may send to the queue', async () => {
    const destinations = model.eventInvokeConfigs.filter((config) => config.onFailure);
    expect(destinations.length).toBeGreaterThanOrEqual(1);
    const denials: string[] = [];
    for (const config of destinations) {
      const verdict = await iam.authorizeWithKey({
        principal: config.functionArn,
        action: 'sqs:SendMessage',
        resource: String(config.onFailure),
      });
      denials.push(...[denialOf(verdict)].filter((denial) => denial !== undefined));
    }
    expect(denials).toEqual([]);
  });

  it('the batch workflow reaches every function it runs: its role may invoke each', async () => {
    expect(model.stateMachines).toHaveLength(1);
    const denials: string[] = [];
    for (const machine of model.stateMachines) {
      expect(machine.invokedFunctionArns.length).toBeGreaterThanOrEqual(6);
      const trust = await iam.authorizeServicePrincipal({
        service: 'states.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: machine.roleArn,
        sourceArn: machine.arn,
        sourceAccount: model.account,
      });
      denials.push(...[denialOf(trust)].filter((denial) => denial !== undefined));
      for (const functionArn of machine.invokedFunctionArns) {
        const verdict = await iam.authorize({
          principal: machine.roleArn,
          action: 'lambda:InvokeFunction',
          resource: functionArn,
        });
        denials.push(...[denialOf(verdict)].filter((denial) => denial !== undefined));
      }
    }
    expect(denials).toEqual([]);
  });
});
