import { useRef, useState, type SyntheticEvent } from 'react';
import {
  CUSTODY_STATUSES,
  DOCUMENT_TYPES,
  EXPLOITATION_TYPES,
  HANDLING_CODES,
  RECRUITMENT_METHODS,
  REFERRAL_PRIORITIES,
  REFERRAL_TYPES,
  REQUESTED_ACTIONS,
  SEX_CODES,
  SUSPECT_ROLES,
  VICTIM_NEEDS,
  type ReferralType,
} from '../../../contracts/src/referral/code-lists';
import { api } from '../api/http';
import { IntentKeys } from '../api/idempotency';
import { ApiError } from '../api/problem';
import type { ReferralView } from '../api/types';
import { useApp } from '../app-context';
import {
  CheckboxField,
  CheckboxGroup,
  ErrorSummary,
  FormContext,
  Group,
  SelectField,
  TextField,
  type Option,
} from '../components/fields';
import { getAt } from '../form/paths';
import { emptyDraft, toReferralContent, type ReferralDraft } from '../form/referral-draft';
import { useFormState } from '../form/use-form-state';
import type { CodeList } from '../i18n/texts';
import { navigate } from '../router';

/** Scripts offered for names: the region's (Vietnamese is written in Latin script). */
const SCRIPTS = ['Latn', 'Laoo', 'Thai', 'Khmr', 'Hani', 'Mymr'] as const;
const SCRIPT_LANG: Record<string, string> = {
  Latn: 'und-Latn',
  Laoo: 'lo',
  Thai: 'th',
  Khmr: 'km',
  Hani: 'zh',
  Mymr: 'my',
};
const COUNTRIES = ['LA', 'VN', 'CN', 'TH', 'KH', 'MM'] as const;

/** Keys are kept for the page's life: a retry after a lost answer reuses them. */
const keys = new IntentKeys();

export function NewReferralPage() {
  const app = useApp();
  const { t, code, registry, session, hasRole, timeZone } = app;
  // One intent per filled-in form: editing it afterwards is a new intent.
  const intent = useRef(`create:${crypto.randomUUID()}`);
  const form = useFormState<ReferralDraft>(emptyDraft(), () => {
    keys.forget(intent.current);
    intent.current = `create:${crypto.randomUUID()}`;
    created.current = null;
  });
  const created = useRef<ReferralView | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsOverride, setNeedsOverride] = useState(false);
  const [overrideReason, setOverrideReason] = useState('');
  const draft = form.value;
  const type = draft['type'] as ReferralType;

  const options = (list: CodeList, codes: readonly string[]): Option[] =>
    codes.map((c) => ({ value: c, label: code(list, c) }));
  const countries: Option[] = COUNTRIES.map((c) => ({
    value: c,
    label: `${code('country', c)} (${c})`,
  }));
  const parties: Option[] = (registry?.parties ?? [])
    .filter((p) => p.code !== session?.principal.party)
    .map((p) => ({ value: p.code, label: `${p.name} · ${p.localName} (${p.code})` }));
  const checkpoints: Option[] = (registry?.checkpoints ?? []).map((c) => ({
    value: c.code,
    label: `${c.name} (${c.code})`,
  }));

  const createDraft = async (): Promise<ReferralView> => {
    if (created.current !== null) return created.current;
    const view = await api<ReferralView>('/v1/referrals', {
      method: 'POST',
      body: toReferralContent(draft, timeZone),
      idempotencyKey: keys.keyFor(intent.current),
    });
    created.current = view;
    return view;
  };

  const run = async (submit: boolean, override?: string) => {
    setBusy(true);
    form.setProblem(null);
    try {
      const view = await createDraft();
      if (submit) {
        const submitIntent = `${intent.current}:submit${override !== undefined ? ':override' : ''}`;
        await api<ReferralView>(`/v1/referrals/${view.id}/submit`, {
          method: 'POST',
          body: override !== undefined ? { consentOverride: { reason: override } } : {},
          ifMatch: view.version,
          idempotencyKey: keys.keyFor(submitIntent),
        });
        keys.done(submitIntent);
      }
      keys.done(intent.current);
      navigate(`/referrals/${view.id}`);
    } catch (error) {
      if (error instanceof ApiError) {
        form.setProblem(error);
        if (error.code === 'consent-required' && hasRole('supervisor')) setNeedsOverride(true);
      } else {
        form.setProblem(new ApiError({ status: 0, code: 'network-error' }));
      }
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    void run(true);
  };

  const names = (getAt(draft, 'person.names') as unknown[] | undefined) ?? [];
  const documents = (getAt(draft, 'person.documents') as unknown[] | undefined) ?? [];
  const offences = (getAt(draft, 'suspect.offences') as unknown[] | undefined) ?? [];
  const linked = (getAt(draft, 'suspect.linkedVictims') as unknown[] | undefined) ?? [];
  const problem = form.problem;

  return (
    <section>
      <h1>{t('new.title')}</h1>
      <p>{t('new.intro')}</p>
      {problem !== null && (
        <ErrorSummary
          title={problem.status === 0 ? t('common.networkError') : t('form.errorSummary')}
          detail={problem.problem.detail}
          items={form.placed.summary}
        />
      )}
      <FormContext.Provider value={form.api}>
        <form onSubmit={onSubmit} noValidate className="referral-form" data-testid="referral-form">
          <Group path="" legend={t('section.common')}>
            <SelectField
              path="type"
              label={t('content.type')}
              required
              empty={false}
              options={options('type', REFERRAL_TYPES)}
              testId="field-type"
            />
            <SelectField
              path="to"
              label={t('content.to')}
              required
              options={parties}
              testId="field-to"
            />
            <SelectField
              path="priority"
              label={t('content.priority')}
              required
              empty={false}
              options={options('priority', REFERRAL_PRIORITIES)}
            />
            <TextField
              path="senderReference"
              label={t('content.senderReference')}
              required
              testId="field-senderReference"
            />
            <SelectField
              path="handlingCode"
              label={t('content.handlingCode')}
              required
              empty={false}
              options={HANDLING_CODES.map((h) => ({ value: h, label: h }))}
            />
            <TextField path="summary" label={t('content.summary')} required multiline />
          </Group>

          <Group path="person" legend={t('section.person')}>
            <Group path="person.names" legend={t('section.names')} hint={t('form.latinHint')}>
              {names.map((_, i) => {
                const script = getAt(draft, `person.names[${String(i)}].script`);
                const lang = typeof script === 'string' ? SCRIPT_LANG[script] : undefined;
                return (
                  <Group
                    key={i}
                    path={`person.names[${String(i)}]`}
                    legend={t('form.nameN', { n: i + 1 })}
                    className="item"
                  >
                    <SelectField
                      path={`person.names[${String(i)}].script`}
                      label={t('content.script')}
                      required
                      options={SCRIPTS.map((s) => ({
                        value: s,
                        label: `${code('script', s)} (${s})`,
                      }))}
                    />
                    <TextField
                      path={`person.names[${String(i)}].given`}
                      label={t('content.given')}
                      required
                      lang={lang}
                      testId={`field-name-${String(i)}-given`}
                    />
                    <TextField
                      path={`person.names[${String(i)}].family`}
                      label={t('content.family')}
                      lang={lang}
                    />
                    {i > 0 && (
                      <button
                        type="button"
                        onClick={() => {
                          form.set(
                            'person.names',
                            names.filter((__, j) => j !== i),
                          );
                        }}
                      >
                        {t('common.remove')} — {t('form.nameN', { n: i + 1 })}
                      </button>
                    )}
                  </Group>
                );
              })}
              <button
                type="button"
                data-testid="add-name"
                onClick={() => {
                  form.set('person.names', [...names, { script: 'Laoo', given: '', family: '' }]);
                }}
              >
                {t('form.addName')}
              </button>
            </Group>
            <TextField
              path="person.aliases"
              label={t('content.aliases')}
              hint={t('form.listHint')}
            />
            <SelectField
              path="person.sex"
              label={t('content.sex')}
              required
              options={options('sex', SEX_CODES)}
            />
            <TextField
              path="person.birthDate"
              type="date"
              label={t('content.birthDate')}
              hint={t('form.ageHint')}
              testId="field-birthDate"
            />
            <TextField path="person.estimatedAge" type="number" label={t('content.estimatedAge')} />
            <SelectField
              path="person.nationality"
              label={t('content.nationality')}
              options={countries}
            />
            <TextField
              path="person.languages"
              label={t('content.languages')}
              hint={t('form.listHint')}
            />
            <Group path="person.documents" legend={t('section.documents')}>
              {documents.map((_, i) => (
                <Group
                  key={i}
                  path={`person.documents[${String(i)}]`}
                  legend={t('form.documentN', { n: i + 1 })}
                  className="item"
                >
                  <SelectField
                    path={`person.documents[${String(i)}].type`}
                    label={t('content.documentType')}
                    required
                    options={options('document', DOCUMENT_TYPES)}
                  />
                  <TextField
                    path={`person.documents[${String(i)}].number`}
                    label={t('content.number')}
                    required
                  />
                  <SelectField
                    path={`person.documents[${String(i)}].issuingCountry`}
                    label={t('content.issuingCountry')}
                    required
                    options={countries}
                  />
                  <button
                    type="button"
                    onClick={() => {
                      form.set(
                        'person.documents',
                        documents.filter((__, j) => j !== i),
                      );
                    }}
                  >
                    {t('common.remove')} — {t('form.documentN', { n: i + 1 })}
                  </button>
                </Group>
              ))}
              <button
                type="button"
                onClick={() => {
                  form.set('person.documents', [...documents, {}]);
                }}
              >
                {t('form.addDocument')}
              </button>
            </Group>
          </Group>

          {type === 'VICTIM_REPATRIATION' && (
            <>
              <Group path="victim" legend={t('section.victim')}>
                <CheckboxGroup
                  path="victim.exploitation"
                  label={t('content.exploitation')}
                  required
                  options={options('exploitation', EXPLOITATION_TYPES)}
                />
                <Group path="victim.recruitment" legend={t('section.recruitment')}>
                  <SelectField
                    path="victim.recruitment.method"
                    label={t('content.method')}
                    options={options('recruitment', RECRUITMENT_METHODS)}
                  />
                  <SelectField
                    path="victim.recruitment.country"
                    label={t('content.country')}
                    options={countries}
                  />
                  <TextField path="victim.recruitment.place" label={t('content.place')} />
                  <TextField path="victim.recruitment.date" type="date" label={t('content.date')} />
                </Group>
                <Group
                  path="victim.exploitationLocation"
                  legend={t('section.exploitationLocation')}
                >
                  <SelectField
                    path="victim.exploitationLocation.country"
                    label={t('content.country')}
                    options={countries}
                  />
                  <TextField path="victim.exploitationLocation.place" label={t('content.place')} />
                </Group>
                <CheckboxGroup
                  path="victim.needs"
                  label={t('content.needs')}
                  options={options('need', VICTIM_NEEDS)}
                />
                <Group path="victim.consent" legend={t('section.consent')}>
                  <CheckboxField
                    path="victim.consent.dataSharing"
                    label={t('content.dataSharing')}
                    testId="field-consent-dataSharing"
                  />
                  <CheckboxField path="victim.consent.return" label={t('content.return')} />
                  <TextField
                    path="victim.consent.recordedAt"
                    type="datetime-local"
                    label={`${t('content.recordedAt')} (${timeZone})`}
                    required
                  />
                </Group>
                <Group
                  path="victim.guardian"
                  legend={t('section.guardian')}
                  hint={t('form.guardianHint')}
                >
                  <TextField
                    path="victim.guardian.name"
                    label={t('content.name')}
                    testId="field-guardian-name"
                  />
                  <TextField
                    path="victim.guardian.relationship"
                    label={t('content.relationship')}
                  />
                  <TextField path="victim.guardian.contact" label={t('content.contact')} />
                </Group>
              </Group>
              <Group path="repatriation" legend={t('section.repatriation')}>
                <Group path="repatriation.homeAddress" legend={t('section.homeAddress')}>
                  <SelectField
                    path="repatriation.homeAddress.country"
                    label={t('content.country')}
                    required
                    options={countries}
                  />
                  <TextField
                    path="repatriation.homeAddress.province"
                    label={t('content.province')}
                  />
                  <TextField
                    path="repatriation.homeAddress.district"
                    label={t('content.district')}
                  />
                  <TextField path="repatriation.homeAddress.village" label={t('content.village')} />
                </Group>
                <SelectField
                  path="repatriation.proposedCheckpoint"
                  label={t('content.proposedCheckpoint')}
                  required
                  options={checkpoints}
                  testId="field-proposedCheckpoint"
                />
                <TextField
                  path="repatriation.proposedDate"
                  type="date"
                  label={t('content.proposedDate')}
                />
              </Group>
            </>
          )}

          {type === 'SUSPECT_HANDOFF' && (
            <>
              <Group path="suspect" legend={t('section.suspect')}>
                <SelectField
                  path="suspect.role"
                  label={t('content.role')}
                  required
                  options={options('suspectRole', SUSPECT_ROLES)}
                />
                <SelectField
                  path="suspect.custody"
                  label={t('content.custody')}
                  required
                  options={options('custody', CUSTODY_STATUSES)}
                />
                <Group path="suspect.offences" legend={t('section.offences')}>
                  {offences.map((_, i) => (
                    <Group
                      key={i}
                      path={`suspect.offences[${String(i)}]`}
                      legend={t('form.offenceN', { n: i + 1 })}
                      className="item"
                    >
                      <TextField
                        path={`suspect.offences[${String(i)}].code`}
                        label={t('content.code')}
                        required
                      />
                      <TextField
                        path={`suspect.offences[${String(i)}].description`}
                        label={t('content.description')}
                        required
                      />
                      {i > 0 && (
                        <button
                          type="button"
                          onClick={() => {
                            form.set(
                              'suspect.offences',
                              offences.filter((__, j) => j !== i),
                            );
                          }}
                        >
                          {t('common.remove')} — {t('form.offenceN', { n: i + 1 })}
                        </button>
                      )}
                    </Group>
                  ))}
                  <button
                    type="button"
                    onClick={() => {
                      form.set('suspect.offences', [...offences, {}]);
                    }}
                  >
                    {t('form.addOffence')}
                  </button>
                </Group>
                <TextField
                  path="suspect.evidenceSummary"
                  label={t('content.evidenceSummary')}
                  required
                  multiline
                />
                <SelectField
                  path="suspect.requestedAction"
                  label={t('content.requestedAction')}
                  required
                  options={options('requestedAction', REQUESTED_ACTIONS)}
                />
                <Group path="suspect.linkedVictims" legend={t('section.linkedVictims')}>
                  {linked.map((_, i) => (
                    <Group
                      key={i}
                      path={`suspect.linkedVictims[${String(i)}]`}
                      legend={t('form.linkedVictimN', { n: i + 1 })}
                      className="item"
                    >
                      <TextField
                        path={`suspect.linkedVictims[${String(i)}].referralId`}
                        label={t('content.referralId')}
                      />
                      <TextField
                        path={`suspect.linkedVictims[${String(i)}].reference`}
                        label={t('content.reference')}
                      />
                      <button
                        type="button"
                        onClick={() => {
                          form.set(
                            'suspect.linkedVictims',
                            linked.filter((__, j) => j !== i),
                          );
                        }}
                      >
                        {t('common.remove')} — {t('form.linkedVictimN', { n: i + 1 })}
                      </button>
                    </Group>
                  ))}
                  <button
                    type="button"
                    onClick={() => {
                      form.set('suspect.linkedVictims', [...linked, {}]);
                    }}
                  >
                    {t('form.addLinkedVictim')}
                  </button>
                </Group>
              </Group>
              <Group path="handoff" legend={t('section.handoff')} hint={t('form.handoffHint')}>
                <SelectField
                  path="handoff.checkpoint"
                  label={t('content.checkpoint')}
                  options={checkpoints}
                />
                <TextField
                  path="handoff.proposedDate"
                  type="date"
                  label={t('content.proposedDate')}
                />
              </Group>
            </>
          )}

          {type === 'INFORMATION_REQUEST' && (
            <Group path="request" legend={t('section.request')}>
              <TextField
                path="request.question"
                label={t('content.question')}
                required
                multiline
                testId="field-question"
              />
            </Group>
          )}

          <TextField
            path="relatedReferrals"
            label={t('content.relatedReferrals')}
            hint={t('form.listHint')}
          />

          {needsOverride && (
            <div className="panel override" data-testid="consent-override">
              <h2>{t('form.override.title')}</h2>
              <p id="override-hint">{t('form.override.hint')}</p>
              <div className="field">
                <label htmlFor="override-reason">
                  {t('form.override.reason')}
                  <span className="required"> {t('common.required')}</span>
                </label>
                <textarea
                  id="override-reason"
                  value={overrideReason}
                  required
                  minLength={10}
                  aria-describedby="override-hint"
                  data-testid="override-reason"
                  onChange={(e) => {
                    setOverrideReason(e.target.value);
                  }}
                />
              </div>
              <button
                type="button"
                className="button-primary"
                disabled={busy || overrideReason.trim().length < 10}
                data-testid="override-submit"
                onClick={() => void run(true, overrideReason)}
              >
                {t('form.override.submit')}
              </button>
            </div>
          )}

          <div className="form-buttons">
            <button
              type="button"
              disabled={busy}
              data-testid="save-draft"
              onClick={() => void run(false)}
            >
              {t('form.saveDraft')}
            </button>
            <button type="submit" className="button-primary" disabled={busy} data-testid="submit">
              {busy ? t('form.sending') : t('form.submit')}
            </button>
          </div>
        </form>
      </FormContext.Provider>
    </section>
  );
}
