// Bank connection capability: where the operator's mTLS certificate and key live (Secrets Manager).
// The bank message collector and its every-minute schedule join this construct with the batch lifecycle work.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class BankConnection extends Construct {
  readonly clientCertificate: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts the Coop Pank Gateway client certificate and key',
      enableKeyRotation: true,
    });
    this.clientCertificate = new Secret(this, 'ClientCertificate', {
      description:
        'Coop Pank Gateway operator certificate: JSON {"certificatePem","privateKeyPem","caBundlePem"} or {"pkcs12Base64","passphrase"}; set after deployment',
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
