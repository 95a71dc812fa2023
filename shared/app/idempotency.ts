// Runs a state-changing request at most once per Idempotency-Key: a repeat gets the first answer, the same
// key with another request is refused (422), a request still running answers 409.
import { ConflictError } from '../errors.ts';
import type { Actor } from './context.ts';
import { UnprocessableError } from './errors.ts';
import type { IdempotencyStore, IdempotentResponse } from './ports.ts';

export async function runIdempotently(
  deps: { idempotency: IdempotencyStore },
  actor: Actor,
  key: string,
  requestHash: string,
  run: () => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const claim = await deps.idempotency.claim(actor.companyId, key, requestHash);
  if (claim.kind === 'replay') return { ...claim.response, replayed: true };
  if (claim.kind === 'mismatch') {
    throw new UnprocessableError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
      [{ path: 'Idempotency-Key', message: 'used before with a different request' }],
    );
  }
  if (claim.kind === 'in_progress') {
    throw new ConflictError(
      'request_in_progress',
      'A request with this Idempotency-Key is still being processed; retry in a moment',
    );
  }
  let response: IdempotentResponse;
  try {
    response = await run();
  } catch (error) {
    // Nothing was done (or what was done is itself idempotent): let the client retry with the same key.
    await deps.idempotency.release(actor.companyId, key).catch(() => undefined);
    throw error;
  }
  await deps.idempotency.complete(actor.companyId, key, response);
  return { ...response, replayed: false };
}
