// S3 (REST XML, path style: the SDK uses it for an IP-address endpoint): PutObject, GetObject, HeadObject,
// objects kept as files under <dataDir>/s3/<bucket>/<key> with their metadata beside them in s3/.meta/.
// As in AWS, a missing key answers 404 only to callers allowed s3:ListBucket on the bucket, 403 otherwise.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import {
  type AwsRequest,
  firstDenial,
  type ServiceContext,
  send,
  sendNotEmulated,
  sendS3Error,
} from './wire.ts';

interface ObjectMeta {
  contentType: string;
  contentLength: number;
  etag: string;
  lastModified: string;
  metadata: Record<string, string>;
  kmsKeyId?: string;
}

/** Bucket and key from a path-style (or, failing that, virtual-hosted) request. */
function locate(req: AwsRequest): { bucket: string; key: string } {
  const host = String(req.headers.host ?? '').split(':')[0] ?? '';
  const path = req.url.pathname.slice(1);
  const isIp = /^[0-9.]+$/.test(host) || host.startsWith('[');
  if (!isIp && host.includes('.') && !host.startsWith('localhost')) {
    return { bucket: host.split('.')[0] ?? '', key: decodeURIComponent(path) };
  }
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decodeURIComponent(path), key: '' };
  return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
}

/** `aws-chunked` bodies (the SDK streams with trailing checksums): `<hex size>[;ext]\r\n<data>\r\n ... 0\r\n`. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function operationOf(req: AwsRequest, key: string): string {
  const q = req.url.searchParams;
  const m = req.method;
  const plain = key !== '' && !q.has('uploads') && !q.has('uploadId') && !q.has('acl') && !q.has('tagging');
  if (plain && m === 'PUT' && !req.headers['x-amz-copy-source']) return 'PutObject';
  if (plain && m === 'GET') return 'GetObject';
  if (plain && m === 'HEAD') return 'HeadObject';
  // Names for the error message only: none of these is emulated.
  const named =
    (key === '' &&
      m === 'GET' &&
      (q.get('list-type') === '2' ? 'ListObjectsV2' : q.size === 0 ? 'ListObjects' : '')) ||
    (key === '' && m === 'HEAD' && 'HeadBucket') ||
    (key === '' && m === 'PUT' && q.size === 0 && 'CreateBucket') ||
    (m === 'POST' && q.has('delete') && 'DeleteObjects') ||
    (m === 'POST' && q.has('uploads') && 'CreateMultipartUpload') ||
    (m === 'PUT' && q.has('uploadId') && 'UploadPart') ||
    (m === 'PUT' && req.headers['x-amz-copy-source'] && 'CopyObject') ||
    (plain && m === 'DELETE' && 'DeleteObject');
  return named || (q.get('x-id') ?? `${m} ${req.url.pathname}${req.url.search}`);
}

/** Keys become file paths: refuse the ones that would not map back one to one. */
function safeKey(key: string): boolean {
  return (
    !key.endsWith('/') &&
    key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  );
}

export async function handleS3(ctx: ServiceContext, req: AwsRequest, res: ServerResponse): Promise<void> {
  const { options } = ctx;
  const { bucket, key } = locate(req);
  const operation = operationOf(req, key);
  if (operation !== 'PutObject' && operation !== 'GetObject' && operation !== 'HeadObject') {
    sendNotEmulated(res, req, operation);
    return;
  }
  const objectArn = `arn:aws:s3:::${bucket}/${key}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const action = operation === 'PutObject' ? 's3:PutObject' : 's3:GetObject';
  const denial = await firstDenial(options, req, operation, [{ action, resource: objectArn }]);
  if (denial) {
    sendS3Error(res, req, 403, 'AccessDenied', denial.message);
    return;
  }
  if (!options.buckets.includes(bucket)) {
    sendS3Error(res, req, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    return;
  }
  if (!safeKey(key)) {
    sendNotEmulated(
      res,
      req,
      `${operation} of key "${key}" (empty, "." or ".." segments cannot be stored as files)`,
    );
    return;
  }
  const keyArn = options.kmsKeyOf?.(bucketArn);
  const kmsContext = {
    'kms:ViaService': `s3.${options.region}.amazonaws.com`,
    'kms:CallerAccount': options.account,
    'kms:EncryptionContext:aws:s3:arn': objectArn,
  };
  const dataFile = join(options.dataDir, 's3', bucket, key);
  const metaFile = join(options.dataDir, 's3', '.meta', bucket, `${key}.json`);

  if (operation === 'PutObject') {
    // SSE-KMS: S3 asks KMS for a data key on the caller's behalf.
    if (keyArn) {
      const kms = await firstDenial(options, req, operation, [
        { action: 'kms:GenerateDataKey', resource: keyArn, context: kmsContext },
      ]);
      if (kms) {
        sendS3Error(res, req, 403, 'AccessDenied', kms.message);
        return;
      }
    }
    const chunked =
      String(req.headers['content-encoding'] ?? '').includes('aws-chunked') ||
      String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const body = chunked ? decodeAwsChunked(req.body) : req.body;
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
    }
    const meta: ObjectMeta = {
      contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      contentLength: body.byteLength,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date().toUTCString(),
      metadata,
      ...(keyArn ? { kmsKeyId: keyArn } : {}),
    };
    try {
      await writeAtomically(dataFile, body);
      await writeAtomically(metaFile, Buffer.from(JSON.stringify(meta)));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EEXIST') throw error;
      sendNotEmulated(
        res,
        req,
        `${operation} of key "${key}" (it clashes with another key used as a folder)`,
      );
      return;
    }
    send(res, 200, { etag: meta.etag, 'x-amz-request-id': req.requestId, ...encryptionHeaders(meta) });
    return;
  }

  const meta = await readMeta(metaFile);
  if (!meta) {
    // Without s3:ListBucket AWS does not reveal that the key is missing.
    const list = await firstDenial(options, req, operation, [
      { action: 's3:ListBucket', resource: bucketArn },
    ]);
    if (list) sendS3Error(res, req, 403, 'AccessDenied', 'Access Denied');
    else if (req.method === 'HEAD') send(res, 404, { 'x-amz-request-id': req.requestId });
    else sendS3Error(res, req, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    return;
  }
  if (meta.kmsKeyId) {
    const kms = await firstDenial(options, req, operation, [
      { action: 'kms:Decrypt', resource: meta.kmsKeyId, context: kmsContext },
    ]);
    if (kms) {
      sendS3Error(res, req, 403, 'AccessDenied', kms.message);
      return;
    }
  }
  const headers: Record<string, string> = {
    'content-type': meta.contentType,
    etag: meta.etag,
    'last-modified': meta.lastModified,
    'accept-ranges': 'bytes',
    'x-amz-request-id': req.requestId,
    ...encryptionHeaders(meta),
  };
  for (const [name, value] of Object.entries(meta.metadata)) headers[`x-amz-meta-${name}`] = value;
  if (req.method === 'HEAD') {
    res.writeHead(200, { ...headers, 'content-length': String(meta.contentLength) });
    res.end();
    return;
  }
  send(res, 200, headers, await readFile(dataFile));
}

function encryptionHeaders(meta: ObjectMeta): Record<string, string> {
  return meta.kmsKeyId
    ? {
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': meta.kmsKeyId,
      }
    : { 'x-amz-server-side-encryption': 'AES256' };
}

async function readMeta(file: string): Promise<ObjectMeta | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ObjectMeta;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

async function writeAtomically(file: string, body: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, body);
  await rename(temporary, file);
}
