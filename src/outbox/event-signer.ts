import { Injectable } from '@nestjs/common';
import { signEvent, type CloudEvent } from '@hub/contracts';
import { HubSigningKey } from '../common/hub-signing-key';

/**
 * Signs every event the hub emits (the `jws` attribute, contract v1): detached compact JWS,
 * EdDSA with the hub's key, over the RFC 8785 form of the event without `jws`.
 */
@Injectable()
export class EventSigner {
  constructor(private readonly key: HubSigningKey) {}

  sign<D>(event: CloudEvent<D>): CloudEvent<D> {
    return signEvent(event, this.key.privateKey, this.key.kid);
  }
}
