import { KafkaOutboxInbox1763780000000 } from './1763780000000-kafka-outbox-inbox';
import { Referrals1763790000000 } from './1763790000000-referrals';
import { AuditTrail1763800000000 } from './1763800000000-audit-trail';
import { MessagesAndDeadlines1763810000000 } from './1763810000000-messages-and-deadlines';
import { Reporting1763820000000 } from './1763820000000-reporting';
import { PersonalDataAtRest1763830000000 } from './1763830000000-personal-data-at-rest';
import { UnnumberedWithdrawnDrafts1763840000000 } from './1763840000000-unnumbered-withdrawn-drafts';
import { ConsoleSessionsAndLiveUpdates1763850000000 } from './1763850000000-console-sessions-and-live-updates';
import { AuditLeavesByHash1763860000000 } from './1763860000000-audit-leaves-by-hash';
import { AuditWitnesses1763870000000 } from './1763870000000-audit-witnesses';
import { ConsentWithdrawal1763880000000 } from './1763880000000-consent-withdrawal';

/**
 * Every migration, in order. Listed explicitly rather than globbed so that the same list works
 * from TypeScript sources (tests, `npm run migrate`) and from the compiled build (containers).
 */
export const MIGRATIONS = [
  KafkaOutboxInbox1763780000000,
  Referrals1763790000000,
  AuditTrail1763800000000,
  MessagesAndDeadlines1763810000000,
  Reporting1763820000000,
  PersonalDataAtRest1763830000000,
  UnnumberedWithdrawnDrafts1763840000000,
  ConsoleSessionsAndLiveUpdates1763850000000,
  AuditLeavesByHash1763860000000,
  AuditWitnesses1763870000000,
  ConsentWithdrawal1763880000000,
];
