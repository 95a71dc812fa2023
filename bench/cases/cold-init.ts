// Cold-init benchmark: each Lambda of the synthesized template is bundled as deployed (infra/bundling.ts) and
// imported in fresh Node processes with its template environment; reports median init time and bundle size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBundle, lambdaEsbuildOptions } from '../../infra/bundling.ts';
import type { CloudFormationTemplate } from '../../infra/local/synthesize.ts';
import { median } from '../median.ts';

export type FunctionGroup = 'authorizer' | 'api' | 'worker';

/** Targets on this machine when idle, ms from process start to the handler module evaluated. */
export const INIT_TARGET_MS: Record<FunctionGroup, number> = { authorizer: 150, api: 300, worker: 500 };

export interface ColdInitSubject {
  /** Folder under functions/. */
  name: string;
  group: FunctionGroup;
  entry: string;
  environment: Record<string, string>;
}

export interface ColdInitRow {
  name: string;
  group: FunctionGroup;
  bundleKb: number | null;
  /** Median, ms from process start (performance.now() in the child) to the module's evaluation done. */
  initMs: number | null;
  /** Median time of the import itself (init minus Node's own start-up). */
  importMs: number | null;
  targetMs: number;
  error?: string;
}

const ACCOUNT = '123456789012';
const REGION = 'eu-north-1';

/** What `Ref` gives for each resource type, as a placeholder (names for tables/buckets/buses, ARNs else). */
function refPlaceholder(type: string, logicalId: string): string {
  const name = logicalId.toLowerCase();
  switch (type) {
    case 'AWS::DynamoDB::GlobalTable':
    case 'AWS::DynamoDB::Table':
    case 'AWS::S3::Bucket':
    case 'AWS::Events::EventBus':
    case 'AWS::Lambda::Function':
      return name;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    default:
      return `${name}-placeholder`;
  }
}

const pseudoParameters: Record<string, string> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'CoopPankConnector-dev',
};

/** A template value with its references (Ref, Fn::GetAtt, Fn::Join, Fn::Sub) replaced by placeholders. */
export function placeholderValue(value: unknown, template: CloudFormationTemplate): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object') {
    const intrinsic = value as Record<string, unknown>;
    if (typeof intrinsic.Ref === 'string') {
      const ref = intrinsic.Ref;
      return pseudoParameters[ref] ?? refPlaceholder(template.Resources[ref]?.Type ?? '', ref);
    }
    if (Array.isArray(intrinsic['Fn::GetAtt'])) {
      const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
      const type = template.Resources[logicalId]?.Type ?? 'AWS::Unknown::Resource';
      const service = (type.split('::')[1] ?? 'unknown').toLowerCase();
      const name = logicalId.toLowerCase();
      return attribute === 'Arn'
        ? `arn:aws:${service}:${REGION}:${ACCOUNT}:${name}`
        : `${name}-${attribute.toLowerCase()}`;
    }
    if (Array.isArray(intrinsic['Fn::Join'])) {
      const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => placeholderValue(part, template)).join(separator);
    }
    if (intrinsic['Fn::Sub'] !== undefined) {
      const sub = intrinsic['Fn::Sub'];
      const text = Array.isArray(sub) ? String(sub[0]) : String(sub);
      return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) =>
        placeholderValue({ Ref: name.split('.')[0] }, template),
      );
    }
  }
  return 'placeholder';
}

/** Every function with a `LocalEntry` (handler file), grouped, with its template environment as placeholders. */
export function coldInitSubjects(template: CloudFormationTemplate): ColdInitSubject[] {
  const subjects: ColdInitSubject[] = [];
  for (const resource of Object.values(template.Resources)) {
    const entry = resource.Metadata?.LocalEntry;
    if (resource.Type !== 'AWS::Lambda::Function' || typeof entry !== 'string') continue;
    const name = entry.split('/')[1] ?? entry;
    const group: FunctionGroup =
      name === 'authorize-request' ? 'authorizer' : name.startsWith('api-') ? 'api' : 'worker';
    const variables =
      (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [key, placeholderValue(value, template)]),
    );
    subjects.push({ name, group, entry, environment });
  }
  const order: FunctionGroup[] = ['authorizer', 'api', 'worker'];
  return subjects.sort(
    (a, b) => order.indexOf(a.group) - order.indexOf(b.group) || a.name.localeCompare(b.name),
  );
}

/** What Lambda itself puts in every function's environment (credentials as placeholders). */
function lambdaEnvironment(name: string): Record<string, string> {
  return {
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: `CoopPankConnector-dev-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_ACCESS_KEY_ID: 'ASIAPLACEHOLDER00000',
    AWS_SECRET_ACCESS_KEY: 'placeholder-secret-access-key',
    AWS_SESSION_TOKEN: 'placeholder-session-token',
  };
}

// The child process: import the bundle, report ms since process start and the import's own duration.
const PROBE = `const start = performance.now();
try {
  await import(process.argv[2]);
  const end = performance.now();
  process.stdout.write(JSON.stringify({ initMs: end, importMs: end - start }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error).split('\\n')[0] }));
}
`;

export interface BuiltBundle {
  file: string;
  bytes: number;
  inputs: string[];
}

/** Bundles one handler as ConnectorFunction does, into `directory/<lambdaBundle.outputFile>`. */
export async function bundleFunction(entry: string, directory: string): Promise<BuiltBundle> {
  const file = join(directory, lambdaBundle.outputFile);
  const result = await build({ ...lambdaEsbuildOptions(entry, file), metafile: true, logLevel: 'error' });
  return { file, bytes: statSync(file).size, inputs: Object.keys(result.metafile.inputs) };
}

/** Builds and imports each subject `runs` times in fresh processes of this Node binary; one row each. */
export async function measureColdInit(subjects: ColdInitSubject[], runs = 5): Promise<ColdInitRow[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'cold-init-'));
  const probe = join(workDir, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const rows: ColdInitRow[] = [];
  try {
    for (const subject of subjects) {
      const row: ColdInitRow = {
        name: subject.name,
        group: subject.group,
        bundleKb: null,
        initMs: null,
        importMs: null,
        targetMs: INIT_TARGET_MS[subject.group],
      };
      rows.push(row);
      process.stderr.write(`cold init: ${subject.name} ...\n`);
      let bundle: BuiltBundle;
      try {
        const directory = join(workDir, subject.name);
        bundle = await bundleFunction(subject.entry, directory);
        row.bundleKb = Math.round(bundle.bytes / 1024);
      } catch (error) {
        row.error = `bundle: ${(error as Error).message.split('\n')[0]}`;
        continue;
      }
      const inits: number[] = [];
      const imports: number[] = [];
      for (let run = 0; run < runs && !row.error; run++) {
        const child = spawnSync(process.execPath, [probe, bundle.file], {
          env: { ...lambdaEnvironment(subject.name), ...subject.environment },
          encoding: 'utf8',
          timeout: 30_000,
        });
        let reply: { initMs?: number; importMs?: number; error?: string };
        try {
          reply = JSON.parse(child.stdout) as typeof reply;
        } catch {
          reply = {
            error: `exit ${child.status ?? child.signal}: ${child.stderr.trim().split('\n')[0] ?? ''}`,
          };
        }
        if (reply.error !== undefined || reply.initMs === undefined || reply.importMs === undefined) {
          row.error = `init: ${reply.error ?? 'no timing'}`.slice(0, 200);
        } else {
          inits.push(reply.initMs);
          imports.push(reply.importMs);
        }
      }
      if (!row.error) {
        row.initMs = Math.round(median(inits));
        row.importMs = Math.round(median(imports));
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return rows;
}

/** The cold-init table as printed lines (markdown, like run.ts's table), with the target met or missed. */
export function formatColdInit(rows: ColdInitRow[], runs: number): string[] {
  const header = ['function', 'group', 'bundle KB', 'init ms', 'import ms', 'target ms', 'result'];
  const cells = rows.map((row) => [
    row.name,
    row.group,
    row.bundleKb === null ? '-' : String(row.bundleKb),
    row.initMs === null ? '-' : String(row.initMs),
    row.importMs === null ? '-' : String(row.importMs),
    String(row.targetMs),
    row.error ?? (row.initMs !== null && row.initMs <= row.targetMs ? 'met' : 'missed'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const met = rows.filter((row) => !row.error && row.initMs !== null && row.initMs <= row.targetMs).length;
  return [
    `Cold init: median of ${runs} fresh \`${process.execPath.split('/').slice(-3).join('/')}\` ${process.version} processes per function; init = ms from process start to the handler module evaluated; bundles as deployed (minified, AWS SDK bundled).`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
    `${met}/${rows.length} functions within target (targets for an idle machine: authorizer ${INIT_TARGET_MS.authorizer}, API ${INIT_TARGET_MS.api}, workers ${INIT_TARGET_MS.worker} ms).`,
  ];
}

/** The whole cold-init table: synthesize stage dev in-process (bundling skipped), bundle, measure, format. */
export async function coldInitTable(runs = 5): Promise<string[]> {
  const { synthesizeConnectorTemplate } = await import('../../infra/local/synthesize.ts');
  const rows = await measureColdInit(coldInitSubjects(synthesizeConnectorTemplate()), runs);
  return formatColdInit(rows, runs);
}
