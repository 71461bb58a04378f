import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  signEvent,
  verifyEventSignature,
  type CloudEvent,
  type SignatureCheck,
} from '@hub/contracts';

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

/** Checks the hub's signature (the `jws` attribute of contract v1) of the events it sends us. */
export interface EventVerifier {
  /** The `kid` the events must name: the hub's key in the party registry. */
  readonly kid: string;
  /**
   * Whether `event`, parsed from the record exactly as it arrived (before any validation that
   * might drop or normalise fields), carries a valid signature by that key, and if not, why.
   */
  verify(event: Readonly<Record<string, unknown>>): SignatureCheck;
}

/**
 * Verifies the hub's detached Ed25519 JWS the way the hub verifies ours (the contract's
 * `verifyEventSignature`): over the RFC 8785 canonical JSON of the event without `jws`, with the
 * one public key we were given. A JWS that names another `kid` is refused as such.
 */
export class Ed25519EventVerifier implements EventVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  private constructor(
    key: KeyObject,
    readonly kid: string,
  ) {
    this.keys = new Map([[kid, key]]);
  }

  /** From a public Ed25519 JWK with a `kid`, such as `.dev/keys/hub.public.jwk`. */
  static fromJwk(jwk: unknown): Ed25519EventVerifier {
    if (typeof jwk !== 'object' || jwk === null) throw new Error('the key is not a JWK object');
    const { kty, crv, x, kid } = jwk as Record<string, unknown>;
    if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') {
      throw new Error('the key is not an Ed25519 JWK (kty OKP, crv Ed25519, with x)');
    }
    // The kid is what the hub's JWS names; guessing one would only turn every event into a
    // "kid mismatch", so a key without it is refused here, where the mistake is plain.
    if (typeof kid !== 'string' || kid === '') throw new Error('the JWK has no kid');
    // Only the public members: a private JWK given by mistake is not kept in memory.
    const key = createPublicKey({ key: { kty, crv, x }, format: 'jwk' });
    return new Ed25519EventVerifier(key, kid);
  }

  /** Reads {@link fromJwk}'s key from a JSON file. */
  static fromJwkFile(path: string): Ed25519EventVerifier {
    return Ed25519EventVerifier.fromJwk(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  }

  verify(event: Readonly<Record<string, unknown>>): SignatureCheck {
    try {
      return verifyEventSignature(event, this.keys);
    } catch (error) {
      // Whatever a hostile record makes the check throw, it is a refusal, not a crash: an
      // exception here would make the consumer retry the same record forever.
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: `the signature cannot be checked: ${why}` };
    }
  }
}
