// A local token issuer for `npm start`, the demo and tests: signs Envoice-shaped JWTs with a local key pair.
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface LocalIssuer {
  issuer: string;
  audience: string;
  keyId: string;
  publicKeyPem: string;
  issue(
    claims: { userId: string; companyId: string; personalCode?: string; roles?: string[] },
    ttlSeconds?: number,
  ): string;
}

export function createLocalIssuer(
  options: { issuer?: string; audience?: string; now?: () => Date; privateKey?: KeyObject } = {},
): LocalIssuer {
  const privateKey = options.privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const issuer = options.issuer ?? 'https://envoice.local/issuer';
  const audience = options.audience ?? 'coop-pank-connector';
  const now = options.now ?? (() => new Date());
  const keyId = 'local-1';
  return {
    issuer,
    audience,
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    issue(claims, ttlSeconds = 3600) {
      const iat = Math.floor(now().getTime() / 1000);
      return signJwt(privateKey, keyId, {
        iss: issuer,
        aud: audience,
        iat,
        exp: iat + ttlSeconds,
        sub: claims.userId,
        company_id: claims.companyId,
        ...(claims.personalCode ? { personal_code: claims.personalCode } : {}),
        roles: claims.roles ?? [],
      });
    },
  };
}

function signJwt(privateKey: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'ES256', typ: 'JWT', kid })}.${encode(payload)}`;
  const signature = sign('SHA256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
