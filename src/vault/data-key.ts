import { open, seal } from './sealing';

/**
 * One referral's data key, unwrapped: seals and opens that referral's personal data. Every sealed
 * value is bound to the referral and to what it is (`purpose`, e.g. `content`, `message:<id>`), so
 * it cannot be replayed into another row.
 */
export class DataKey {
  constructor(
    readonly referralId: string,
    private readonly key: Buffer,
  ) {}

  sealJson(purpose: string, value: unknown): Buffer {
    return seal(this.key, Buffer.from(JSON.stringify(value), 'utf8'), this.context(purpose));
  }

  openJson(purpose: string, sealed: Buffer): unknown {
    return JSON.parse(open(this.key, sealed, this.context(purpose)).toString('utf8'));
  }

  sealText(purpose: string, value: string): Buffer {
    return seal(this.key, Buffer.from(value, 'utf8'), this.context(purpose));
  }

  openText(purpose: string, sealed: Buffer): string {
    return open(this.key, sealed, this.context(purpose)).toString('utf8');
  }

  private context(purpose: string): string {
    return `mrh/${this.referralId}/${purpose}`;
  }
}
