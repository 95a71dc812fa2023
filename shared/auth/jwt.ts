// Verifies Envoice JWTs (RS256 or ES256) against configured public keys and extracts the caller's claims.
// The same code runs in the API's Lambda authorizer in AWS and in the local HTTP server.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import { AppError, ConfigError } from '../errors.ts';

export class TokenRejectedError extends AppError {
  override name = 'TokenRejectedError';
  constructor(reason: string) {
    super('token_rejected', `Token rejected: ${reason}`);
  }
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** Public keys by key id (`kid`), PEM encoded. */
  publicKeys: Record<string, string>;
  /** Allowed clock difference when checking `exp` and `nbf`. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

const envoiceClaims = z.object({
  sub: z.string().min(1),
  company_id: z.string().min(1),
  personal_code: z.string().min(1).optional(),
  roles: z.array(z.string()).default([]),
});

export interface VerifiedCaller {
  userId: string;
  companyId: string;
  personalCode?: string | undefined;
  roles: string[];
}

const algorithms = { RS256: 'RSA-SHA256', ES256: 'SHA256' } as const;

function decodeSegment(segment: string | undefined, what: string): Record<string, unknown> {
  if (!segment) throw new TokenRejectedError(`missing ${what}`);
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new TokenRejectedError(`malformed ${what}`);
  }
}

/** A key that cannot be read fails the verifier's construction (the cold start), naming the key id. */
function readPublicKey(kid: string, pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new ConfigError(`JWT public key "${kid}" is not a PEM public key: ${(error as Error).message}`);
  }
}

export function createTokenVerifier(options: VerifierOptions): (token: string) => VerifiedCaller {
  const keys = new Map<string, KeyObject>(
    Object.entries(options.publicKeys).map(([kid, pem]) => [kid, readPublicKey(kid, pem)]),
  );
  const tolerance = options.clockToleranceSeconds ?? 30;
  const now = options.now ?? (() => new Date());

  return function verifyToken(token: string): VerifiedCaller {
    const [headerPart, payloadPart, signaturePart, ...rest] = token.split('.');
    if (rest.length > 0 || !signaturePart) throw new TokenRejectedError('not a signed JWT');
    const header = decodeSegment(headerPart, 'header');
    const alg = header.alg;
    if (alg !== 'RS256' && alg !== 'ES256') throw new TokenRejectedError('unsupported algorithm');
    const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
    if (!key) throw new TokenRejectedError('unknown signing key');
    const valid = verify(
      algorithms[alg],
      Buffer.from(`${headerPart}.${payloadPart}`),
      alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!valid) throw new TokenRejectedError('bad signature');
    const payload = decodeSegment(payloadPart, 'payload');
    const seconds = Math.floor(now().getTime() / 1000);
    if (payload.iss !== options.issuer) throw new TokenRejectedError('wrong issuer');
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(options.audience)) throw new TokenRejectedError('wrong audience');
    if (typeof payload.exp !== 'number' || payload.exp + tolerance < seconds) {
      throw new TokenRejectedError('expired');
    }
    if (typeof payload.nbf === 'number' && payload.nbf - tolerance > seconds) {
      throw new TokenRejectedError('not yet valid');
    }
    const claims = envoiceClaims.safeParse(payload);
    if (!claims.success) throw new TokenRejectedError('required claims missing');
    return {
      userId: claims.data.sub,
      companyId: claims.data.company_id,
      personalCode: claims.data.personal_code,
      roles: claims.data.roles,
    };
  };
}

/** Context the REST API's Lambda authorizer hands to every handler (values must be strings). */
export function authorizerContext(caller: VerifiedCaller): Record<string, string> {
  return {
    companyId: caller.companyId,
    userId: caller.userId,
    personalCode: caller.personalCode ?? '',
    roles: caller.roles.join(','),
  };
}
