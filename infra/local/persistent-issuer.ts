// The local token issuer with its key kept on disk (`.local/issuer-key.pem`), so tokens printed by one
// `npm start` still verify after a restart. Same claims and algorithm (ES256) as shared/auth/local-issuer.ts.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalIssuer } from '../../shared/auth/local-issuer.ts';

export function loadOrCreateIssuer(keyFile: string): LocalIssuer {
  let privateKey: KeyObject;
  if (existsSync(keyFile)) {
    privateKey = createPrivateKey(readFileSync(keyFile, 'utf8'));
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  }
  const issuer = 'https://envoice.local/issuer';
  const audience = 'coop-pank-connector';
  const keyId = 'local-1';
  return {
    issuer,
    audience,
    keyId,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    issue(claims, ttlSeconds = 3600) {
      const iat = Math.floor(Date.now() / 1000);
      const payload = {
        iss: issuer,
        aud: audience,
        iat,
        exp: iat + ttlSeconds,
        sub: claims.userId,
        company_id: claims.companyId,
        ...(claims.personalCode ? { personal_code: claims.personalCode } : {}),
        roles: claims.roles ?? [],
      };
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const signingInput = `${encode({ alg: 'ES256', typ: 'JWT', kid: keyId })}.${encode(payload)}`;
      const signature = sign('SHA256', Buffer.from(signingInput), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${signingInput}.${signature.toString('base64url')}`;
    },
  };
}
