// cdk-nag acknowledgements are made on the construct a finding concerns (never on the stack or the app) and,
// for the granular rules (IAM4, IAM5), name the finding: the managed policy or the exact resource pattern, as
// cdk-nag prints it. test/infra/nag-acknowledgements.test.ts checks every acknowledgement against these rules and
// fails on one that no longer matches a finding.
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Role } from 'aws-cdk-lib/aws-iam';
import type { CfnSchedule, Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';

/** `<LogicalId.Arn>`, how cdk-nag prints a reference to the ARN of `construct`'s resource in a finding. */
export function arnInFinding(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnElement;
  return `<${Stack.of(construct).getLogicalId(resource)}.Arn>`;
}

/** The IAM4 finding of an AWS managed policy attached to a role. */
export function managedPolicyFinding(policyName: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`;
}

/**
 * The role EventBridge Scheduler assumes for `schedule`'s target. The CDK creates it once per target and
 * stack, as a child of the stack; found here by the role ARN the schedule renders.
 */
export function scheduleTargetRole(schedule: Schedule): Role {
  const target = (schedule.node.defaultChild as CfnSchedule).target as CfnSchedule.TargetProperty;
  const role = Stack.of(schedule)
    .node.findAll()
    .find(
      (construct): construct is Role => construct instanceof Role && construct.roleArn === target.roleArn,
    );
  if (!role) throw new Error(`no role found for the target of schedule ${schedule.node.path}`);
  return role;
}
