// The local AWS endpoint's public surface: start it, and the types the local runtime wires into it.
export { dynamoDbPermissions } from './dynamodb.ts';
export { startLocalAws } from './server.ts';
export { matchesFilterPolicy, parseFilterPolicy } from './sns-filter-policy.ts';
export type * from './types.ts';
