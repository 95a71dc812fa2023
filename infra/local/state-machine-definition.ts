// Turns a synthesized AWS::StepFunctions::StateMachine DefinitionString (Fn::Join / Ref / Fn::GetAtt) into
// runnable ASL, and finds which handler source file each Lambda in it runs.
import type { CloudFormationTemplate } from './synthesize.ts';

export const localRegion = 'eu-north-1';
export const localAccount = '000000000000';

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': localRegion,
  'AWS::AccountId': localAccount,
  'AWS::URLSuffix': 'amazonaws.com',
};

export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:${localRegion}:${localAccount}:function:${logicalId}`;
}

export function localStateMachineArn(logicalId: string): string {
  return `arn:aws:states:${localRegion}:${localAccount}:stateMachine:${logicalId}`;
}

/** Resolves the intrinsic functions CDK emits in state machine definitions. */
export function resolveIntrinsics(value: unknown, template: CloudFormationTemplate): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
  const record = value as Record<string, unknown>;
  if ('Ref' in record) {
    const name = String(record.Ref);
    const pseudo = pseudoParameters[name];
    if (pseudo) return pseudo;
    if (!template.Resources[name]) throw new Error(`Ref to unknown resource ${name}`);
    return name;
  }
  if ('Fn::GetAtt' in record) {
    const [logicalId, attribute] = record['Fn::GetAtt'] as [string, string];
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`Fn::GetAtt on unknown resource ${logicalId}`);
    if (attribute === 'Arn' && resource.Type === 'AWS::Lambda::Function') return localFunctionArn(logicalId);
    if (attribute === 'Arn') return `arn:aws:local:${localRegion}:${localAccount}:${logicalId}`;
    return `${logicalId}.${attribute}`;
  }
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveIntrinsics(part, template)).join(separator);
  }
  throw new Error(`Unsupported intrinsic ${Object.keys(record).join(', ')}`);
}

export interface LocalStateMachine {
  logicalId: string;
  definition: Record<string, unknown>;
  /** Lambda function ARN (as it appears in the definition) → handler source file, from `LocalEntry` metadata. */
  functionEntries: Map<string, string>;
}

export function stateMachinesOf(template: CloudFormationTemplate): LocalStateMachine[] {
  const functionEntries = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const entry = resource.Metadata?.LocalEntry;
    if (resource.Type === 'AWS::Lambda::Function' && typeof entry === 'string') {
      functionEntries.set(localFunctionArn(logicalId), entry);
    }
  }
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, resource]) => ({
      logicalId,
      definition: JSON.parse(resolveIntrinsics(resource.Properties?.DefinitionString, template)) as Record<
        string,
        unknown
      >,
      functionEntries,
    }));
}
