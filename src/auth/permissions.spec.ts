import { AuthError } from './auth.error';
import { ACTIONS, grantOf, PERMISSIONS, requireGrant, type Permission } from './permissions';
import type { Role } from './roles';

const officer = (roles: Role[], channel: 'http' | 'kafka' = 'http') => ({
  party: channel === 'http' ? 'LA-BOKEO-POLICE' : 'TH-POLICE',
  roles,
  channel,
});

/** Actions that reach into referrals, their messages, histories or figures. */
const REFERRAL_ACTIONS = PERMISSIONS.filter((p) => ACTIONS[p].concerns === 'referral');

describe('the role × action table', () => {
  it('lets auditors change nothing', () => {
    const changing = PERMISSIONS.filter((p) => ACTIONS[p].changes);

    expect(changing.length).toBeGreaterThan(0);
    expect(changing.filter((p) => grantOf(officer(['auditor']), p) !== null)).toEqual([]);
  });

  it('shows personal data (content, messages) to no one beyond the referral’s own parties', () => {
    const personal: Permission[] = ['referral.read-personal', 'message.read'];

    for (const action of personal) {
      expect(Object.values(ACTIONS[action].grants)).not.toContain('all');
      expect(grantOf(officer(['auditor']), action)).toBeNull();
      expect(grantOf(officer(['admin']), action)).toBeNull();
    }
  });

  it('lets auditors read every referral’s metadata and history, and all figures', () => {
    const reads: Permission[] = [
      'referral.list',
      'referral.read-metadata',
      'history.read',
      'stats.read',
    ];

    expect(reads.map((p) => grantOf(officer(['auditor']), p))).toEqual(reads.map(() => 'all'));
  });

  it('keeps admins to the log as a whole: no referral, no figures', () => {
    expect(REFERRAL_ACTIONS.filter((p) => grantOf(officer(['admin']), p) !== null)).toEqual([]);
    expect(grantOf(officer(['admin']), 'audit.verify')).toBe('all');
    expect(grantOf(officer(['admin']), 'audit.checkpoint.sign')).toBe('all');
  });

  it('gives officers their own party only, never every referral', () => {
    for (const role of ['liaison_officer', 'supervisor'] as const) {
      expect(REFERRAL_ACTIONS.map((p) => grantOf(officer([role]), p))).not.toContain('all');
    }
  });

  it('makes a consent override a supervisor’s action alone', () => {
    expect(grantOf(officer(['supervisor']), 'referral.consent-override')).toBe('party');
    expect(grantOf(officer(['liaison_officer']), 'referral.consent-override')).toBeNull();
    expect(grantOf(officer(['auditor', 'admin']), 'referral.consent-override')).toBeNull();
  });

  it('lets the officers of a party served over Kafka read but change nothing over HTTP', () => {
    const thai = officer(['liaison_officer', 'supervisor'], 'kafka');

    expect(PERMISSIONS.filter((p) => ACTIONS[p].changes && grantOf(thai, p) !== null)).toEqual([]);
    expect(grantOf(thai, 'referral.read-personal')).toBe('party');
    expect(grantOf(thai, 'stats.read')).toBe('party');
  });

  it('gives several roles the widest of their scopes', () => {
    expect(grantOf(officer(['liaison_officer', 'auditor']), 'history.read')).toBe('all');
    expect(grantOf(officer(['liaison_officer', 'auditor']), 'referral.read-personal')).toBe(
      'party',
    );
    expect(grantOf(officer([]), 'identity.read')).toBeNull();
  });
});

describe(requireGrant.name, () => {
  it('answers the scope of a granted action', () => {
    expect(requireGrant(officer(['auditor']), 'history.read')).toBe('all');
  });

  it('refuses with 403 forbidden, naming the action', () => {
    const refusal = (): unknown => requireGrant(officer(['auditor']), 'referral.create');

    expect(refusal).toThrow(AuthError);
    expect(refusal).toThrow(/referral\.create/);
    try {
      refusal();
    } catch (error) {
      expect((error as AuthError).code).toBe('forbidden');
      expect((error as AuthError).extensions).toEqual({ permission: 'referral.create' });
    }
  });

  it('says when the channel, not the role, is what refuses', () => {
    expect(() => requireGrant(officer(['liaison_officer'], 'kafka'), 'message.post')).toThrow(
      /partner system/,
    );
  });
});
