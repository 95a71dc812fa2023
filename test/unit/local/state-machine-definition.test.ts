import { describe, expect, it } from 'vitest';
import {
  localFunctionArn,
  resolveIntrinsics,
  stateMachinesOf,
} from '../../../infra/local/state-machine-definition.ts';
import type { CloudFormationTemplate } from '../../../infra/local/synthesize.ts';

const template: CloudFormationTemplate = {
  Resources: {
    TaskFn: { Type: 'AWS::Lambda::Function', Metadata: { LocalEntry: 'functions/accept-batch/handler.ts' } },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
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
    const [machine] = stateMachinesOf(template);
    expect(machine?.definition).toEqual({
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: localFunctionArn('TaskFn'), Comment: 'arn:aws', End: true } },
    });
    expect(machine?.functionEntries.get(localFunctionArn('TaskFn'))).toBe(
      'functions/accept-batch/handler.ts',
    );
  });

  it('refuses references to resources that do not exist instead of guessing', () => {
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['Missing', 'Arn'] }, template)).toThrow(
      /unknown resource Missing/,
    );
    expect(() => resolveIntrinsics({ 'Fn::Sub': 'x' }, template)).toThrow(/Unsupported intrinsic Fn::Sub/);
  });
});
