import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatVerifierKey, type NoteSigner } from '@hub/transparency-log';

/**
 * The hub's Ed25519 key, loaded once (parsing a key per signature is 2.5× slower): signs the
 * events the hub emits (`jws`, with the JWK's `kid`) and the audit log's checkpoints (as a
 * signed-note key named after the log's origin).
 */
export class HubSigningKey {
  readonly publicKey: KeyObject;

  private constructor(
    readonly name: string,
    readonly privateKey: KeyObject,
    readonly kid: string,
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
    const kid = (jwk as { kid?: unknown }).kid;
    if (typeof kid !== 'string' || kid === '') {
      throw new Error(`the hub's signing key ${file} has no kid`);
    }
    return new HubSigningKey(name, createPrivateKey({ key: jwk, format: 'jwk' }), kid);
  }

  get noteSigner(): NoteSigner {
    return { name: this.name, privateKey: this.privateKey };
  }

  /** The signed-note verifier key (`name+keyid+base64`) auditors and partners verify with. */
  get verifierKey(): string {
    return formatVerifierKey(this.name, this.publicKey);
  }
}
