import { Injectable } from '@nestjs/common';
import { countryOfParty, type FieldError } from '@hub/contracts';
import { AppConfig } from '../config/app-config';

/** The parts of a referral's content that only the registry can judge. */
interface RegistryCheckedContent {
  to: string;
  repatriation?: { proposedCheckpoint?: string } | null;
  handoff?: { checkpoint?: string } | null;
}

/**
 * Checks of referral content against configuration: the counterpart must be a registered party
 * other than the sender, and a checkpoint must be registered and lie on the border between the two
 * parties' countries. Shape and code lists are checked earlier, by the contract's classes.
 */
@Injectable()
export class ReferralRules {
  constructor(private readonly config: AppConfig) {}

  checkContent(content: RegistryCheckedContent, senderParty: string): FieldError[] {
    const errors: FieldError[] = [];
    const receiver = this.config.registry.party(content.to);
    if (!receiver) {
      errors.push({ path: 'to', message: `${content.to} is not a registered party` });
    } else if (content.to === senderParty) {
      errors.push({ path: 'to', message: 'a referral cannot be addressed to its sender' });
    }
    const countries = [countryOfParty(senderParty), countryOfParty(content.to)];
    const proposed = content.repatriation?.proposedCheckpoint;
    if (proposed !== undefined) {
      errors.push(...this.checkCheckpoint('repatriation.proposedCheckpoint', proposed, countries));
    }
    const handoff = content.handoff?.checkpoint;
    if (handoff !== undefined) {
      errors.push(...this.checkCheckpoint('handoff.checkpoint', handoff, countries));
    }
    return errors;
  }

  /** A registered checkpoint on the border of the referral's two countries (same-country: any). */
  checkCheckpoint(path: string, code: string, countries: readonly string[]): FieldError[] {
    const checkpoint = this.config.registry.checkpoint(code);
    if (!checkpoint) return [{ path, message: `${code} is not a registered border checkpoint` }];
    const [a, b] = countries;
    if (a !== b && !countries.every((c) => checkpoint.countries.includes(c))) {
      return [
        { path, message: `${code} is not on the border between ${a ?? '?'} and ${b ?? '?'}` },
      ];
    }
    return [];
  }
}
