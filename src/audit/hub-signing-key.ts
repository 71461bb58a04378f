import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatVerifierKey, type NoteSigner } from '@hub/transparency-log';

/**
 * The hub's Ed25519 key, loaded once (parsing a key per signature is 2.5× slower): signs the audit
 * log's checkpoints as a signed-note key named after the log's origin.
 */
export class HubSigningKey {
  readonly publicKey: KeyObject;

  private constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
  ) {
    this.publicKey = createPublicKey(privateKey);
  }

  /** Reads a private JWK file; a missing file is a start-up error that says what to do. */
  static fromJwkFile(file: string, name: string): HubSigningKey {
    let jwk: JsonWebKey;
    try {
      jwk = JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey;
    } catch (error) {
      throw new Error(
        `cannot read the hub's signing key HUB_SIGNING_KEY_FILE=${file} (${(error as Error).message}); ` +
          'run `npm run infra:up` to generate the development keys',
        { cause: error },
      );
    }
    return new HubSigningKey(name, createPrivateKey({ key: jwk, format: 'jwk' }));
  }

  get noteSigner(): NoteSigner {
    return { name: this.name, privateKey: this.privateKey };
  }

  /** The signed-note verifier key (`name+keyid+base64`) auditors and partners verify with. */
  get verifierKey(): string {
    return formatVerifierKey(this.name, this.publicKey);
  }
}
