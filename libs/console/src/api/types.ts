/*
 * Shapes of the hub's HTTP answers as the console reads them: the contract's own types
 * (libs/contracts/src/http/views.ts, which the hub's routes answer with), under the console's
 * short names. Only the yearly figures' shape is described here (src/reporting).
 */
import type {
  AuditEntry,
  AuthOptionsView,
  CaseMessageView,
  CheckpointView,
  HistoryView,
  LastChangeView,
  NextDeadlineView,
  PageView,
  PrincipalView,
  ReferralView,
  RegistryCheckpoint,
  RegistryParty,
  RegistryView,
  RoleName,
  SessionView,
  StoredCheckpoint,
  StreamEvent,
  VerificationReport,
} from '../../../contracts/src/http/views';

export type {
  AuditEntry,
  ReferralView,
  RegistryCheckpoint,
  RegistryParty,
  StoredCheckpoint,
  StreamEvent,
  VerificationReport,
};
export type Role = RoleName;
export type Principal = PrincipalView;
export type Session = SessionView;
export type Registry = RegistryView;
export type AuthOptions = AuthOptionsView;
export type NextDeadline = NextDeadlineView;
export type LastChange = LastChangeView;
export type Page<T> = PageView<T>;
export type CaseMessage = CaseMessageView;
export type CheckpointAnswer = CheckpointView;
export type History = HistoryView;

/** A count as `/v1/stats` reports it: exact, or `<5` where small counts are suppressed. */
export type ReportedCount = number | '<5';

export interface CaseCounts {
  cases: ReportedCount;
  referrals: ReportedCount;
}

export type SexCounts = Record<'F' | 'M' | 'X' | 'U', ReportedCount>;
export interface AgeCounts {
  minor: ReportedCount;
  adult: ReportedCount;
  unknown: ReportedCount;
}

export interface StatsReport {
  period: { from: string; to: string; utcOffset: string };
  scope: { kind: 'all' | 'country'; country: string | null; viewpoint: string };
  disclosure: 'exact' | 'small-counts-suppressed';
  cases: CaseCounts & {
    byType: (CaseCounts & { type: string })[];
    byStatus: (CaseCounts & { status: string })[];
    byCounterpart: (CaseCounts & { country: string })[];
  };
  suspects: {
    total: ReportedCount;
    bySex: SexCounts;
    byNationality: { national: ReportedCount; foreign: ReportedCount; unknown: ReportedCount };
    foreignBySex: SexCounts;
  };
  victims: { total: ReportedCount; bySex: SexCounts; byAge: AgeCounts };
  repatriationsCompleted: { total: ReportedCount; bySex: SexCounts; byAge: AgeCounts };
  exploitation: { type: string; persons: ReportedCount }[];
  stepTimes: {
    step: string;
    counterpart: string | null;
    referrals: ReportedCount;
    medianHours: number | null;
    p90Hours: number | null;
  }[];
}
