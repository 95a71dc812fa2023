// The scripted demo of the whole flow, through the public HTTP API of a running local system (plus its `/local`
// control routes and the bank simulator's control API, which stand in for people and the bank). Every expected
// outcome is checked explicitly; `runDemo` returns the checks, demo.ts turns them into an exit code and the
// local-system test asserts them.

import { addDays, tallinnDate, tallinnDateTime, tallinnInstant } from '../../shared/domain/calendar.ts';
import { createEstonianReference } from '../../shared/domain/reference.ts';
import { estonianIban } from './bank-simulator/seed.ts';

/** Monday 2026-03-02 10:00 Tallinn (08:00 UTC): a business day, before the SEPA cut-off (in-process runs). */
export const DEMO_START = '2026-03-02T08:00:00Z';
export const DEMO_REGISTRY_CODE = '12345678';
export const DEMO_ACCOUNT = estonianIban(1000001);
/** A supplier whose account the simulated bank reports as closed (scenario rule added by the demo). */
export const CLOSED_ACCOUNT = 'FI2112345600000785';
const BOARD_MEMBER = '38001010001'; // Mari Maasikas, sole board member of 12345678 in the local register

export interface DemoCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DemoResult {
  ok: boolean;
  checks: DemoCheck[];
  companyId: string;
  batchId?: string;
  elapsedMs: number;
}

interface Reply<Body = Record<string, unknown>> {
  status: number;
  body: Body;
}

// biome-ignore lint/suspicious/noExplicitAny: the demo reads JSON answers loosely and checks what it uses
type Json = Record<string, any>;

class DemoAbort extends Error {}

export async function runDemo(options: {
  apiUrl: string;
  print?: (line: string) => void;
  /** How long to wait for each asynchronous outcome; default 30 s. */
  timeoutMs?: number;
}): Promise<DemoResult> {
  const started = Date.now();
  const print = options.print ?? ((line: string) => console.log(line));
  const base = options.apiUrl.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const checks: DemoCheck[] = [];
  const runTag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const companyId = `demo-${runTag}`;
  let clockNow = '';
  let batchId: string | undefined;
  let connectionId: string | undefined;
  let adminToken = '';

  const stamp = () => {
    const elapsed = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
    const local = clockNow ? tallinnDateTime(new Date(clockNow)).slice(0, 16).replace('T', ' ') : '';
    return `[+${elapsed}s | ${local} Tallinn]`;
  };
  const say = (line: string) => print(`${stamp()} ${line}`);
  const note = (line: string) => print(`${' '.repeat(stamp().length)}   ${line}`);
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    print(`${stamp()} ${ok ? '✔' : '✘'} ${name}${detail ? ` — ${detail}` : ''}`);
    return ok;
  };
  const must = (name: string, ok: boolean, detail: string) => {
    if (!check(name, ok, detail)) throw new DemoAbort(name);
  };

  async function call<Body = Json>(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string>; url?: string } = {},
  ): Promise<Reply<Body>> {
    const response = await fetch(`${init.url ?? base}${path}`, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body: body as Body };
  }
  const tick = async () => {
    clockNow = String((await call('GET', '/local/time')).body.now ?? clockNow);
  };
  const collect = () => call('POST', '/local/collect');
  /** Collects and polls until `probe` returns a value; undefined on timeout. */
  async function until<T>(probe: () => Promise<T | undefined>): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await collect();
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((done) => setTimeout(done, 100));
    }
    return undefined;
  }

  try {
    const info = await call('GET', '/local/info');
    clockNow = String(info.body.now ?? '');
    must('Local system answers', info.status === 200, `${base} (bank control ${info.body.bankControlUrl})`);
    const bankControlUrl = String(info.body.bankControlUrl);
    const batchDay = tallinnDate(new Date(clockNow));

    const routing = await call<{ companies: string[] }>('GET', `/local/end-users/EE/${DEMO_REGISTRY_CODE}`);
    must(
      'No other company routes the demo customer',
      routing.status === 200 && routing.body.companies.length === 0,
      routing.body.companies?.length
        ? `company ${routing.body.companies.join(', ')} has an active connection for ${DEMO_REGISTRY_CODE}; revoke it (POST /v1/connections/{id}/revoke) or restart with \`npm start -- --fresh\``
        : `bank messages for ${DEMO_REGISTRY_CODE} will reach company ${companyId}`,
    );

    // Tokens: an admin who is the board member (eID sign-in), and a payer.
    adminToken = String(
      (
        await call('POST', '/local/tokens', {
          body: { companyId, userId: 'mari', roles: ['admin'], personalCode: BOARD_MEMBER },
        })
      ).body.token,
    );
    const payerToken = String(
      (await call('POST', '/local/tokens', { body: { companyId, userId: 'jaan', roles: ['payer'] } })).body
        .token,
    );
    say(
      `Company ${companyId} (Envoice Demo OÜ, registry code ${DEMO_REGISTRY_CODE}); admin Mari, payer Jaan`,
    );

    // 1. Onboarding: account, connection, representation, permissions, activation.
    const account = await call('POST', '/v1/bank-accounts', {
      token: adminToken,
      body: { iban: DEMO_ACCOUNT, name: 'Main account' },
    });
    must('Account added', account.status === 201, `${DEMO_ACCOUNT} (${account.status})`);
    const connection = await call('POST', '/v1/connections', {
      token: adminToken,
      body: { registryCode: DEMO_REGISTRY_CODE, country: 'EE', bankId: 'coop-pank' },
    });
    connectionId = String(connection.body.id);
    must(
      'Connection created',
      connection.status === 201 && connection.body.status === 'contract_pending',
      `${connectionId}: ${connection.body.status}`,
    );
    const confirmed = await call('POST', `/v1/connections/${connectionId}/representation-confirmations`, {
      token: adminToken,
    });
    must(
      'Representation confirmed',
      confirmed.status === 200 && confirmed.body.status === 'representation_confirmed',
      `e-Business Register: Mari Maasikas is the sole board member; bank agreement found (${confirmed.body.status})`,
    );
    const selected = await call('PUT', `/v1/connections/${connectionId}/accounts`, {
      token: adminToken,
      body: { accounts: [{ accountId: DEMO_ACCOUNT, paymentInitiation: true, statementRetrieval: true }] },
    });
    must(
      'Permissions set',
      selected.status === 200 && selected.body.status === 'accounts_selected',
      'payment initiation + statement retrieval',
    );
    const activated = await call('POST', `/v1/connections/${connectionId}/activate`, { token: adminToken });
    must('Connection active', activated.status === 200 && activated.body.status === 'active', '');

    // 2. The bank will refuse one supplier (account closed).
    const rule = await call('POST', '/control/scenarios', {
      url: bankControlUrl,
      body: {
        description: 'demo: supplier account closed',
        match: { creditorIban: CLOSED_ACCOUNT },
        action: { type: 'reject', reasonCode: 'AC04' },
        times: 1,
      },
    });
    must(
      'Bank scenario set',
      rule.status === 200,
      `the simulated bank rejects payments to ${CLOSED_ACCOUNT} (AC04)`,
    );

    // 3. A batch of 25 payments from bills and expense reports.
    const lines = demoPaymentLines(runTag);
    const draft = await call('POST', '/v1/payment-batches', {
      token: payerToken,
      body: { name: `Payments ${batchDay}`, debtorAccountId: DEMO_ACCOUNT, payments: lines },
    });
    batchId = String(draft.body.id);
    must(
      'Draft batch created',
      draft.status === 201 && draft.body.paymentCount === lines.length,
      `${batchId}: ${lines.filter((l) => l.sourceDocument.type === 'bill').length} bills + ${lines.filter((l) => l.sourceDocument.type === 'expense_report').length} expense reports`,
    );

    const summary = await call('GET', `/v1/payment-batches/${batchId}/summary`, { token: payerToken });
    const s = summary.body;
    const totals = (s.totals ?? []).map((t: Json) => `${t.amount} ${t.currency}`).join(', ');
    say(
      `Summary: ${s.paymentCount} payments, total ${totals}; instant ${s.channels?.instant?.count}, SEPA ${s.channels?.sepa?.count}; ${s.validation?.errorCount} errors`,
    );
    const duplicates: Json[] = s.possibleDuplicates ?? [];
    for (const duplicate of duplicates) {
      note(
        `possible duplicate: line ${duplicate.position}, ${duplicate.creditorName} ${duplicate.amount} ${duplicate.currency}`,
      );
    }
    must(
      'Summary shows one possible duplicate to acknowledge',
      summary.status === 200 &&
        s.paymentCount === 25 &&
        s.validation?.errorCount === 0 &&
        duplicates.length === 2 &&
        (s.blockers ?? []).some((b: Json) => b.code === 'duplicates_need_acknowledgement'),
      `the same bill entered twice: lines ${duplicates.map((d) => d.position).join(' and ')}`,
    );

    const unacknowledged = await call('POST', `/v1/payment-batches/${batchId}/confirm`, {
      token: payerToken,
      body: {},
      headers: { 'idempotency-key': `demo-${runTag}-confirm-1` },
    });
    must(
      'Confirming without acknowledging the duplicate is refused',
      unacknowledged.status === 409 && unacknowledged.body.code === 'duplicates_not_acknowledged',
      `${unacknowledged.status} ${unacknowledged.body.code}`,
    );
    const confirm = await call('POST', `/v1/payment-batches/${batchId}/confirm`, {
      token: payerToken,
      body: { acknowledgedDuplicates: duplicates.map((d) => d.paymentId) },
      headers: { 'idempotency-key': `demo-${runTag}-confirm-2` },
    });
    must('Batch confirmed', confirm.status === 202, `202, the duplicate acknowledged; the workflow starts`);

    // 4. Statuses: sent to the bank, waiting for signing.
    const seen: string[] = [];
    const batchStatus = async () => {
      const batch = await call('GET', `/v1/payment-batches/${batchId}`, { token: payerToken });
      const status = String(batch.body.status);
      if (seen.at(-1) !== status) {
        seen.push(status);
        await tick();
        say(
          `batch ${status}: ${batch.body.statusText ?? ''}${batch.body.statusReason ? ` (${batch.body.statusReason})` : ''}`,
        );
      }
      return batch.body;
    };
    const waiting = await until(async () => {
      const batch = await batchStatus();
      return batch.status === 'awaiting_signature' ? batch : undefined;
    });
    must(
      'Sent to the bank, waiting for signing',
      waiting !== undefined,
      `statuses so far: ${seen.join(' → ')}`,
    );

    // 5. A signer approves the batch in the (simulated) internet bank.
    const signed = await call('POST', `/local/batches/${batchId}/sign`, { token: payerToken });
    must(
      'Signed in the simulated bank',
      signed.status === 200,
      JSON.stringify(signed.body.signed ?? signed.body),
    );

    const final = ['completed', 'partially_completed', 'rejected', 'failed', 'expired'];
    const finished = await until(async () => {
      const batch = await batchStatus();
      return final.includes(String(batch.status)) ? batch : undefined;
    });
    must(
      'Batch final: partially completed',
      finished?.status === 'partially_completed',
      `${seen.join(' → ')}${finished?.statusReason ? `; ${finished.statusReason}` : ''}`,
    );
    const payments = await call<{ items: Json[] }>('GET', `/v1/payment-batches/${batchId}/payments`, {
      token: payerToken,
      headers: {},
    });
    const byStatus = countBy(payments.body.items ?? [], (p) => String(p.status));
    const rejected = (payments.body.items ?? []).filter((p) => p.status === 'rejected');
    check(
      'Payments: 24 paid, 1 rejected (AC04)',
      rejected.length === 1 &&
        rejected[0]?.reasonCode === 'AC04' &&
        (byStatus.settled ?? 0) + (byStatus.booked ?? 0) === 24,
      `${Object.entries(byStatus)
        .map(([status, count]) => `${count} ${status}`)
        .join(', ')}; rejected: ${rejected.map((p) => `${p.creditorName} — ${p.reason}`).join('; ')}`,
    );

    // 6. The rejection notification (console + .local/notifications.jsonl).
    const notifications = await until(async () => {
      const sent = (await call<Json[]>('GET', '/local/notifications')).body.filter((n) =>
        String(n.eventId).includes(batchId as string),
      );
      // Both: the rejection (collector) and the batch's summary (NotifyProblems, after Finalize) come separately.
      const both =
        sent.some((n) => n.type === 'payment_rejected') &&
        sent.some((n) => n.type === 'batch_partially_rejected');
      return both ? sent : undefined;
    });
    for (const n of notifications ?? []) note(`notification [${n.severity}] ${n.subject} | SMS: ${n.sms}`);
    check(
      'Rejection notified',
      (notifications ?? []).some((n) => n.type === 'payment_rejected') &&
        (notifications ?? []).some((n) => n.type === 'batch_partially_rejected'),
      (notifications ?? []).map((n) => n.type).join(', ') || 'no notification',
    );

    // 7. The next morning: the daily statement (06:00 Tallinn) is fetched and the payments are booked.
    const nextMorning = tallinnInstant(addDays(batchDay, 1), '06:05');
    const advanced = await call('POST', '/local/time/advance', { body: { to: nextMorning.toISOString() } });
    await tick();
    check(
      'Clock advanced to the next morning',
      advanced.status === 200,
      `${advanced.body.before} → ${advanced.body.now}`,
    );
    const asked = await call('POST', '/local/statements/request');
    say(
      `daily statement requests (${asked.body.runDate}): ${asked.body.requests} request(s) for ${asked.body.accounts} account(s)${asked.body.requests === 0 ? ', already asked by the 06:00 schedule' : ''}`,
    );
    const day = await until(async () => {
      const days = await call<{ items: Json[] }>(
        'GET',
        `/v1/bank-accounts/${DEMO_ACCOUNT}/statement-days?from=${batchDay}&to=${batchDay}`,
        { token: adminToken },
      );
      return days.body.items?.[0];
    });
    check(
      `Statement for ${batchDay} stored`,
      day !== undefined && day.completeness === 'complete',
      day
        ? `${day.entryCount} entries, opening ${day.openingBalance?.amount} → closing ${day.closingBalance?.amount} ${day.closingBalance?.currency}, ${day.completeness}`
        : 'no statement day',
    );
    const debits = await call<{ items: Json[] }>(
      'GET',
      `/v1/bank-accounts/${DEMO_ACCOUNT}/transactions?from=${batchDay}&to=${batchDay}&direction=debit&limit=100`,
      { token: adminToken },
    );
    const ourDebits = (debits.body.items ?? []).filter((entry) => String(entry.endToEndId ?? '').length > 0);
    const booked = await until(async () => {
      const list = await call<{ items: Json[] }>('GET', `/v1/payment-batches/${batchId}/payments?limit=100`, {
        token: payerToken,
      });
      const count = (list.body.items ?? []).filter((p) => p.status === 'booked').length;
      return count === 24 ? count : undefined;
    });
    check(
      'Payments booked from the statement',
      booked === 24 && ourDebits.length >= 24,
      `${booked ?? 'not all'} of 24 payments booked; ${ourDebits.length} debits on ${batchDay}'s statement`,
    );

    // 8. A customer pays an invoice with an Estonian reference number.
    const reference = createEstonianReference(`${batchDay.replaceAll('-', '')}7`);
    const incoming = await call('POST', '/local/incoming-payments', {
      body: {
        iban: DEMO_ACCOUNT,
        amount: '1250.00',
        debtorName: 'Klient AS',
        debtorIban: 'EE382200221020145685',
        reference,
      },
    });
    check(
      'Incoming payment booked in the bank',
      incoming.status === 200,
      `1250.00 EUR from Klient AS, reference ${reference}`,
    );
    const event = await until(async () => {
      const events = (await call<Json[]>('GET', '/local/events?type=IncomingPaymentReceived')).body;
      return events.find((e) => e.companyId === companyId && e.detail?.reference === reference);
    });
    if (event) note(`event ${event.type} ${JSON.stringify(event.detail)}`);
    check(
      'IncomingPaymentReceived published',
      event !== undefined && event.detail?.amount !== undefined,
      event ? `eventId ${event.eventId}` : 'no event',
    );
  } catch (error) {
    if (!(error instanceof DemoAbort)) {
      check('Demo ran without errors', false, error instanceof Error ? error.message : String(error));
    }
  } finally {
    // Leave the demo customer free for the next run (two companies routing one end user would be ambiguous).
    if (connectionId && adminToken) {
      await call('POST', `/v1/connections/${connectionId}/revoke`, { token: adminToken }).catch(
        () => undefined,
      );
    }
  }
  const failed = checks.filter((c) => !c.ok);
  return {
    ok: failed.length === 0 && checks.length > 0,
    checks,
    companyId,
    ...(batchId ? { batchId } : {}),
    elapsedMs: Date.now() - started,
  };
}

/** 25 lines: 18 bills (one entered twice, one to a closed account) and 7 expense reports. */
export function demoPaymentLines(runTag: string) {
  const suppliers = [
    ['Kontoritarbed OÜ', estonianIban(2000001)],
    ['Tallinna Vesi AS', estonianIban(2000002)],
    ['Elektrilevi OÜ', 'EE382200221020145685'],
    ['Telia Eesti AS', estonianIban(3000001, '22')],
    ['Rimi Eesti Food AS', estonianIban(3000002, '10')],
    ['Bolt Operations OÜ', estonianIban(3000003, '77')],
    ['Müller GmbH', 'DE89370400440532013000'],
  ] as const;
  const employees = [
    ['Kati Kask', estonianIban(4000001, '22')],
    ['Jaan Tamm', estonianIban(4000002, '10')],
    ['Liis Lepp', estonianIban(4000003, '77')],
  ] as const;
  const lines: Array<{
    creditorName: string;
    creditorIban: string;
    amount: string;
    currency: 'EUR';
    reference?: string;
    remittanceInformation?: string;
    sourceDocument: { type: 'bill' | 'expense_report'; id: string };
  }> = [];
  for (let i = 0; i < 16; i += 1) {
    const [name, iban] = suppliers[i % suppliers.length] as readonly [string, string];
    lines.push({
      creditorName: name,
      creditorIban: iban,
      amount: (45 + ((i * 37) % 180) + (i % 4) * 0.25).toFixed(2),
      currency: 'EUR',
      reference: createEstonianReference(String(202600 + i * 11)),
      sourceDocument: { type: 'bill', id: `bill-${runTag}-${String(i + 1).padStart(2, '0')}` },
    });
  }
  // The supplier whose account is closed.
  lines.push({
    creditorName: 'Suomi Tukku Oy',
    creditorIban: CLOSED_ACCOUNT,
    amount: '312.40',
    currency: 'EUR',
    remittanceInformation: 'Invoice 2026-118',
    sourceDocument: { type: 'bill', id: `bill-${runTag}-17` },
  });
  for (let i = 0; i < 7; i += 1) {
    const [name, iban] = employees[i % employees.length] as readonly [string, string];
    lines.push({
      creditorName: name,
      creditorIban: iban,
      amount: (12 + ((i * 29) % 90) + 0.5).toFixed(2),
      currency: 'EUR',
      remittanceInformation: `Expense report ER-${runTag.slice(-4)}-${i + 1}: travel and meals`,
      sourceDocument: { type: 'expense_report', id: `er-${runTag}-${i + 1}` },
    });
  }
  // The same bill entered twice (another document id, same supplier, amount and reference).
  const first = lines[4] as (typeof lines)[number];
  lines.push({ ...first, sourceDocument: { type: 'bill', id: `bill-${runTag}-05b` } });
  return lines;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
