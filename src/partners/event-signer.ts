import type { CloudEvent } from '@hub/contracts';

/**
 * Signs the events the hub emits (the `jws` attribute). The seam where signatures plug in: the
 * envelope is built first, then passed here, then serialised — nothing else changes when the
 * Ed25519 signer replaces this one.
 */
export abstract class EventSigner {
  abstract sign<D>(event: CloudEvent<D>): CloudEvent<D>;
}

/** Leaves events unsigned (until the hub's signing key is configured). */
export class UnsignedEventSigner extends EventSigner {
  sign<D>(event: CloudEvent<D>): CloudEvent<D> {
    return event;
  }
}
