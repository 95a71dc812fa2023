// The synthesized state machine definition, as the local workflow engine runs it: every intrinsic resolved
// into runnable ASL, each Lambda task bound to its handler file (refusals of unknown references and intrinsics
// are tested with the resolver, template-intrinsics.test.ts).
import { describe, expect, it } from 'vitest';
import type { CloudFormationTemplate } from '../../../infra/local/synthesize.ts';
import { createLocalModel } from '../../../infra/local/template/model.ts';

const template: CloudFormationTemplate = {
  Resources: {
    TaskRole: { Type: 'AWS::IAM::Role', Properties: {} },
    MachineRole: { Type: 'AWS::IAM::Role', Properties: {} },
    TaskFn: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['TaskRole', 'Arn'] } },
      Metadata: { LocalEntry: 'functions/accept-batch/handler.ts' },
    },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        RoleArn: { 'Fn::GetAtt': ['MachineRole', 'Arn'] },
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['TaskFn', 'Arn'] },
              '","Comment":"arn:',
              { Ref: 'AWS::Partition' },
              '","End":true}}}',
            ],
          ],
        },
      },
    },
  },
};

describe('synthesized state machine definitions', () => {
  it('resolves Fn::Join, Fn::GetAtt and pseudo parameters into runnable ASL', () => {
    const model = createLocalModel(template);
    const [machine] = model.stateMachines;
    const taskArn = 'arn:aws:lambda:eu-north-1:000000000000:function:TaskFn';
    expect(machine?.definition).toEqual({
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: taskArn, Comment: 'arn:aws', End: true } },
    });
    expect(machine?.functionEntries.get(taskArn)).toBe('functions/accept-batch/handler.ts');
  });
});
