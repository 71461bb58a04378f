import { randomUUID } from 'node:crypto';
import {
  Controller,
  Get,
  Headers,
  HttpException,
  Inject,
  Param,
  Post,
  type OnModuleInit,
} from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import { lastValueFrom } from 'rxjs';
import type { Repository } from 'typeorm';
import { DataKey } from '../../../src/vault/data-key';
import type { MasterKeyRing } from '../../../src/vault/master-key-ring';
import { SEALED } from '../../../src/referrals/referral.repository';
import { NaiveReferral, NaiveReferralKey } from './naive-referral.entity';

/** Injection token of the Kafka client. */
export const NAIVE_KAFKA = 'NAIVE_KAFKA';
/** Injection token of the token issuer's public key. */
export const ISSUER_KEY = 'ISSUER_KEY';
/** Injection token of the personal-data master keys. */
export const MASTER_KEYS = 'MASTER_KEYS';

/**
 * The submit endpoint as a first NestJS implementation would write it: check the token, load
 * the draft, `save()` it as submitted, then `ClientKafka.emit()` the event in the request and
 * wait for the broker. It opens the sealed content as the hub must (the same data at rest). No outbox (a crash between the two loses the event), no audit trail, no
 * signature, no numbering — the hub's figure is judged against this one.
 */
@Controller()
export class NaiveSubmitController implements OnModuleInit {
  constructor(
    @InjectRepository(NaiveReferral) private readonly referrals: Repository<NaiveReferral>,
    @InjectRepository(NaiveReferralKey) private readonly keys: Repository<NaiveReferralKey>,
    @Inject(MASTER_KEYS) private readonly masterKeys: MasterKeyRing,
    @Inject(NAIVE_KAFKA) private readonly kafka: ClientKafka,
    @Inject(ISSUER_KEY) private readonly issuerKey: CryptoKey | KeyObject,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.kafka.connect();
  }

  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  @Post('v1/referrals/:id/submit')
  async submit(
    @Param('id') id: string,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<{ id: string; status: string }> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    const { payload } = await jwtVerify(token, this.issuerKey, {
      issuer: 'urn:mrh:dev-issuer',
      audience: 'referral-hub',
    }).catch(() => {
      throw new HttpException('unauthorized', 401);
    });
    const referral = await this.referrals.findOneBy({ id });
    if (!referral || referral.senderParty !== payload['party']) {
      throw new HttpException('not found', 404);
    }
    if (referral.status !== 'DRAFT') throw new HttpException('conflict', 409);
    const stored = await this.keys.findOneBy({ referralId: id });
    if (!stored?.wrappedKey) throw new HttpException('gone', 410);
    const dataKey = new DataKey(
      id,
      this.masterKeys.unwrap({ masterKeyId: stored.masterKeyId, wrapped: stored.wrappedKey }, id),
    );
    const content = dataKey.openJson(SEALED.content, referral.sealedContent) as Record<
      string,
      unknown
    >;
    referral.status = 'SUBMITTED';
    referral.version += 1;
    referral.seq = 1;
    referral.submittedAt = new Date();
    referral.updatedAt = referral.submittedAt;
    await this.referrals.save(referral);
    const to = referral.receiverParty;
    await lastValueFrom(
      this.kafka.emit(`referral-hub.to.${to.slice(0, 2)}`, {
        key: id,
        value: JSON.stringify({
          specversion: '1.0',
          id: randomUUID(),
          source: `/parties/${referral.senderParty}`,
          type: 'mrh.referral.submitted.v1',
          subject: id,
          time: referral.submittedAt.toISOString(),
          datacontenttype: 'application/json',
          recipient: to,
          referralseq: 1,
          data: {
            ...content,
            referralId: id,
            from: referral.senderParty,
            to,
            submittedAt: referral.submittedAt.toISOString(),
          },
        }),
        headers: { ce_type: 'mrh.referral.submitted.v1' },
      }),
    );
    return { id, status: referral.status };
  }
}
