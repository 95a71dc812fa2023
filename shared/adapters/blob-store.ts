// Raw message bodies (bank XML can be far larger than a DynamoDB item): S3 in AWS, files locally.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InfrastructureError } from '../errors.ts';

export interface BlobStore {
  put(key: string, body: string): Promise<{ sha256: string; bytes: number }>;
  get(key: string): Promise<string | undefined>;
}

function digest(body: string): { sha256: string; bytes: number } {
  return { sha256: createHash('sha256').update(body).digest('hex'), bytes: Buffer.byteLength(body) };
}

export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  async put(key: string, body: string) {
    try {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: 'application/xml' }),
      );
    } catch (error) {
      throw new InfrastructureError('Archiving a bank message failed', { cause: error });
    }
    return digest(body);
  }

  async get(key: string) {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return await result.Body?.transformToString('utf8');
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new InfrastructureError('Reading an archived bank message failed', { cause: error });
    }
  }
}

export class FileBlobStore implements BlobStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  #path(key: string): string {
    if (key.includes('..')) throw new InfrastructureError(`Invalid archive key ${key}`, { retryable: false });
    return join(this.#root, key);
  }

  async put(key: string, body: string) {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body, 'utf8');
    return digest(body);
  }

  async get(key: string) {
    try {
      return await readFile(this.#path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
