// EventBridge (awsJson 1.1): PutEvents onto the buses the template creates; entries go to `onEvents`.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LocalEventEntry } from './types.ts';
import {
  type AwsRequest,
  firstDenial,
  type ServiceContext,
  sendJson,
  sendJsonError,
  sendNotEmulated,
} from './wire.ts';

const contentType = 'application/x-amz-json-1.1';

interface WireEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number;
  Resources?: string[];
}

function busName(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split(':event-bus/')[1] ?? nameOrArn) : nameOrArn;
}

export async function handleEventBridge(
  ctx: ServiceContext,
  req: AwsRequest,
  res: ServerResponse,
): Promise<void> {
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  if (operation !== 'PutEvents') {
    sendNotEmulated(res, req, operation);
    return;
  }
  let entries: WireEntry[];
  try {
    entries = ((JSON.parse(req.body.toString('utf8')) as { Entries?: WireEntry[] }).Entries ??
      []) as WireEntry[];
  } catch {
    sendJsonError(res, req, contentType, 400, 'SerializationException', 'The request body is not JSON');
    return;
  }
  if (entries.length < 1 || entries.length > 10) {
    sendJsonError(
      res,
      req,
      contentType,
      400,
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10`,
    );
    return;
  }
  const { region, account } = ctx.options;
  const buses = [...new Set(entries.map((entry) => busName(entry.EventBusName)))];
  const denial = await firstDenial(
    ctx.options,
    req,
    operation,
    buses.map((bus) => ({
      action: 'events:PutEvents',
      resource: `arn:aws:events:${region}:${account}:event-bus/${bus}`,
    })),
  );
  if (denial) {
    sendJsonError(res, req, contentType, 400, 'AccessDeniedException', denial.message);
    return;
  }
  const known = new Set(['default', ...ctx.options.eventBuses.map(busName)]);
  const missing = buses.find((bus) => !known.has(bus));
  if (missing) {
    sendJsonError(
      res,
      req,
      contentType,
      400,
      'ResourceNotFoundException',
      `Event bus ${missing} does not exist.`,
    );
    return;
  }
  const accepted: LocalEventEntry[] = [];
  const results = entries.map((entry) => {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const eventId = randomUUID();
    accepted.push({
      eventId,
      eventBusName: busName(entry.EventBusName),
      source: entry.Source,
      detailType: entry.DetailType,
      detail,
      time: entry.Time !== undefined ? new Date(entry.Time * 1000) : new Date(),
      resources: entry.Resources ?? [],
    });
    return { EventId: eventId };
  });
  if (accepted.length > 0) ctx.options.onEvents?.(accepted);
  sendJson(res, req, contentType, {
    FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length,
    Entries: results,
  });
}
