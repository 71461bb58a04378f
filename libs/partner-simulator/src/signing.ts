import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signEvent, type CloudEvent } from '@hub/contracts';

/** Signs our events before they are sent (the `jws` attribute of contract v1). */
export interface EventSigner {
  /** The `kid` of the key, as registered for the partner system in the hub's party registry. */
  readonly kid: string;
  /** The event with its `jws` attribute set (any previous one replaced). */
  sign<D>(event: CloudEvent<D>): CloudEvent<D>;
}

/**
 * Signs events as the contract says: a detached compact JWS (RFC 7515 Appendix F,
 * `header..signature`), `alg` `EdDSA` with an Ed25519 key, `kid` in the header, over the RFC 8785
 * (JCS) canonical JSON of the event without its `jws` attribute. Node's own crypto suffices.
 */
export class Ed25519EventSigner implements EventSigner {
  private constructor(
    private readonly key: KeyObject,
    readonly kid: string,
  ) {}

  /** From a private Ed25519 JWK with a `kid`, such as `.dev/keys/partner-TH.private.jwk`. */
  static fromJwk(jwk: unknown): Ed25519EventSigner {
    if (typeof jwk !== 'object' || jwk === null) throw new Error('the key is not a JWK object');
    const { kty, crv, d, kid } = jwk as Record<string, unknown>;
    if (kty !== 'OKP' || crv !== 'Ed25519' || typeof d !== 'string') {
      throw new Error('the key is not a private Ed25519 JWK (kty OKP, crv Ed25519, with d)');
    }
    if (typeof kid !== 'string' || kid === '') throw new Error('the JWK has no kid');
    return new Ed25519EventSigner(createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }), kid);
  }

  /** Reads {@link fromJwk}'s key from a JSON file. */
  static fromJwkFile(path: string): Ed25519EventSigner {
    return Ed25519EventSigner.fromJwk(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  }

  sign<D>(event: CloudEvent<D>): CloudEvent<D> {
    return signEvent(event, this.key, this.kid);
  }
}
