// The local token issuer with its key kept on disk (`.local/issuer-key.pem`), so tokens printed by one
// `npm start` still verify after a restart; the issuing itself is shared/auth/local-issuer.ts.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLocalIssuer, type LocalIssuer } from '../../shared/auth/local-issuer.ts';

export function loadOrCreateIssuer(keyFile: string): LocalIssuer {
  let privateKey: KeyObject;
  if (existsSync(keyFile)) {
    privateKey = createPrivateKey(readFileSync(keyFile, 'utf8'));
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  }
  return createLocalIssuer({ privateKey });
}
