// What each Lambda function uses, in one table. The CDK stack derives every function's environment and IAM
// grants from it, and the function's wiring (shared/adapters/wiring.ts) builds exactly these parts and refuses
// any other: a function cannot use what it was not given, and cannot be given what it does not declare.
// Pure data (no AWS imports): the CDK app and the Lambda bundles both read it.

/** DynamoDB operations as IAM names them (transactions need the item actions they contain). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

export interface FunctionNeeds {
  /** The single table: the operations the function performs, and the GSIs it queries. */
  table?: { actions: readonly TableAction[]; indexes?: readonly ('gsi1' | 'gsi2')[] };
  /** Starts batch executions (BATCH_STATE_MACHINE_ARN, states:StartExecution). */
  startsWorkflow?: boolean;
  /** Resumes the batch workflow's task tokens (states:SendTaskSuccess). */
  respondsToWorkflow?: boolean;
  /** Calls Coop Pank Gateway (BANK_GATEWAY_CONFIG, the mTLS certificate secret). */
  bank?: boolean;
  /** Asks the e-Business Register (REGISTRY_*, the API key secret). */
  registry?: boolean;
  /** Publishes notifications to the customer topic. */
  notify?: boolean;
  /** Subscribes people to the customer topic, or unsubscribes them. */
  subscriptions?: 'subscribe' | 'unsubscribe';
  /** Writes raw bank messages to the archive bucket (write-only). */
  archive?: boolean;
  /** Publishes events for Envoice on the event bus. */
  events?: boolean;
  /** Batch workflow rules (payments per message, signing overdue rule, collector budget). */
  batchRules?: boolean;
  /** Statement rules (backfill days, days per request, notify after attempts). */
  statementRules?: boolean;
  /** Verifies Envoice JWTs (JWT_ISSUER, JWT_AUDIENCE, JWT_PUBLIC_KEYS). */
  verifiesTokens?: boolean;
}

const read = ['GetItem', 'Query', 'BatchGetItem'] as const satisfies readonly TableAction[];
const write = [
  ...read,
  'PutItem',
  'UpdateItem',
  'ConditionCheckItem',
] as const satisfies readonly TableAction[];

export const functionNeeds = {
  'authorize-request': { verifiesTokens: true },
  'api-get-openapi': {},
  'api-list-banks': {},
  'api-add-bank-account': { table: { actions: write } },
  'api-list-bank-accounts': { table: { actions: read } },
  'api-remove-bank-account': { table: { actions: [...write, 'DeleteItem'] } },
  'api-list-statement-days': { table: { actions: read } },
  'api-list-transactions': { table: { actions: read } },
  'api-create-connection': { table: { actions: write } },
  'api-get-connection': { table: { actions: read } },
  'api-confirm-representation': { table: { actions: write }, registry: true, bank: true },
  'api-set-connection-accounts': { table: { actions: write } },
  'api-activate-connection': { table: { actions: write } },
  'api-revoke-connection': { table: { actions: [...write, 'DeleteItem'] } },
  'api-create-payment-batch': { table: { actions: [...write, 'BatchWriteItem'] } },
  'api-list-payment-batches': { table: { actions: read } },
  'api-get-payment-batch': { table: { actions: read } },
  'api-summarize-payment-batch': { table: { actions: read } },
  'api-list-batch-payments': { table: { actions: read } },
  'api-confirm-payment-batch': { table: { actions: [...write, 'DeleteItem'] }, startsWorkflow: true },
  'api-cancel-payment-batch': { table: { actions: write } },
  'api-create-notification-subscription': { table: { actions: write }, subscriptions: 'subscribe' },
  'api-list-notification-subscriptions': { table: { actions: read } },
  'api-remove-notification-subscription': {
    table: { actions: [...write, 'DeleteItem'] },
    subscriptions: 'unsubscribe',
  },
  'submit-batch': { table: { actions: [...write, 'BatchWriteItem'] }, bank: true, batchRules: true },
  'await-bank-milestone': { table: { actions: write }, respondsToWorkflow: true, batchRules: true },
  'finalize-batch': { table: { actions: [...write, 'BatchWriteItem'] }, batchRules: true },
  'notify-batch-problems': { table: { actions: write }, notify: true, batchRules: true },
  'expire-batch': {
    table: { actions: [...write, 'BatchWriteItem'] },
    notify: true,
    events: true,
    batchRules: true,
  },
  'record-batch-failure': {
    table: { actions: [...write, 'BatchWriteItem'] },
    notify: true,
    events: true,
    batchRules: true,
  },
  'collect-bank-messages': {
    table: { actions: [...write, 'BatchWriteItem', 'DeleteItem'], indexes: ['gsi1', 'gsi2'] },
    bank: true,
    archive: true,
    events: true,
    notify: true,
    respondsToWorkflow: true,
    batchRules: true,
    statementRules: true,
  },
  'request-daily-statements': {
    table: { actions: [...write, 'BatchWriteItem'], indexes: ['gsi2'] },
    bank: true,
    notify: true,
    statementRules: true,
  },
} as const satisfies Record<string, FunctionNeeds>;

export type FunctionName = keyof typeof functionNeeds;

export function needsOf(name: string): FunctionNeeds {
  const needs = (functionNeeds as Record<string, FunctionNeeds>)[name];
  if (!needs) throw new Error(`functions/${name} is not in shared/function-needs.ts`);
  return needs;
}
