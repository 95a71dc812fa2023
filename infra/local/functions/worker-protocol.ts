// The messages between the function host and a function worker (both sides import these types only).
import type { ErrorPayload } from './function-error.ts';
import type { SandboxIdentity } from './lambda-environment.ts';

/** What the bootstrap needs, passed as workerData. */
export interface BootstrapData {
  entryUrl: string;
  entry: string;
  handlerExport: string;
  identity: SandboxIdentity;
  region: string;
  clockBuffer: SharedArrayBuffer;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  requestId: string;
  traceId: string;
  /** The event as JSON text: it crosses a JSON boundary as in Lambda. */
  event: string;
  /** Real epoch ms when the invocation times out (getRemainingTimeInMillis). */
  deadlineMs: number;
}

export type HostMessage = InvokeMessage;

export type WorkerMessage =
  | { type: 'log'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: ErrorPayload }
  | { type: 'result'; id: number; payload: string }
  | { type: 'error'; id: number; error: ErrorPayload };
