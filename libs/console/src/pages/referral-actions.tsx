import { useState, type SyntheticEvent } from 'react';
import {
  CONSENT_ROUTES,
  CONSENT_WITHDRAWN_BY,
  REJECTION_REASON_CODES,
} from '../../../contracts/src/events/event-codes';
import { api } from '../api/http';
import { IntentKeys } from '../api/idempotency';
import { ApiError, isStaleChange } from '../api/problem';
import type { ReferralView } from '../api/types';
import { useApp } from '../app-context';
import {
  ErrorSummary,
  FormContext,
  Group,
  SelectField,
  TextField,
  type Option,
} from '../components/fields';
import { toWallTime, wallTimeToRfc3339 } from '../format/dates';
import { pruneEmpty } from '../form/paths';
import { useFormState } from '../form/use-form-state';
import type { TextKey } from '../i18n/texts';

const keys = new IntentKeys();

/**
 * The actions the API lists in `availableActions`, and only those, each with the inputs its body
 * needs; `If-Match` carries the version shown. A 412/409 saying the referral moved on shows the
 * "someone else changed this referral" message with a reload button.
 */
export function ReferralActions(props: {
  referral: ReferralView;
  onChanged: (view: ReferralView) => void;
  onReload: () => void;
}) {
  const { t, code, session, hasRole } = useApp();
  const [open, setOpen] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const actions = [
    ...props.referral.availableActions,
    ...consentActions(props.referral, session?.principal.party, hasRole),
  ];
  return (
    <section className="panel" aria-labelledby="actions-title" data-testid="actions">
      <h2 id="actions-title">{t('actions.title')}</h2>
      {stale && (
        <div className="notice notice-warning" role="alert" data-testid="stale-warning">
          <p>{t('stale.message')}</p>
          <button
            type="button"
            data-testid="stale-reload"
            onClick={() => {
              setStale(false);
              setOpen(null);
              props.onReload();
            }}
          >
            {t('common.reload')}
          </button>
        </div>
      )}
      {done !== null && (
        <p className="notice notice-ok" role="status" data-testid="action-done">
          {t('actions.done', { action: code('action', done) })}
        </p>
      )}
      {actions.length === 0 ? (
        <p data-testid="no-actions">{t('actions.none')}</p>
      ) : (
        <div className="action-buttons">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              aria-expanded={open === action}
              aria-controls={`action-form-${action}`}
              className={open === action ? 'button-primary' : undefined}
              data-testid={`action-${action}`}
              onClick={() => {
                setOpen(open === action ? null : action);
                setDone(null);
              }}
            >
              {code('action', action)}
            </button>
          ))}
        </div>
      )}
      {open !== null && actions.includes(open) && (
        <ActionForm
          key={`${open}:${String(props.referral.version)}`}
          action={open}
          referral={props.referral}
          onStale={() => {
            setStale(true);
          }}
          onDone={(view) => {
            setOpen(null);
            setDone(open);
            props.onChanged(view);
          }}
        />
      )}
    </section>
  );
}

/**
 * The consent changes the caller may make (the hub's consent table, seen from the console):
 * record a withdrawal while consent holds, as either side's officer; restore it, as a supervisor
 * of the party that recorded the withdrawal.
 */
function consentActions(
  referral: ReferralView,
  party: string | undefined,
  hasRole: (...roles: string[]) => boolean,
): string[] {
  const consent = referral.consent;
  if (consent === null || referral.direction === null) return [];
  if (consent.state === 'GIVEN') {
    return hasRole('liaison_officer', 'supervisor') ? ['withdraw-consent'] : [];
  }
  return consent.recordedBy === party && hasRole('supervisor') ? ['restore-consent'] : [];
}

/** Where an action is posted: `consent/withdrawal` for a consent change, else its own name. */
function actionPath(action: string): string {
  return action === 'withdraw-consent' || action === 'restore-consent'
    ? `consent/${CONSENT_ROUTES[action]}`
    : action;
}

function ActionForm(props: {
  action: string;
  referral: ReferralView;
  onStale: () => void;
  onDone: (view: ReferralView) => void;
}) {
  const { t, code, registry, timeZone, hasRole } = useApp();
  const { action, referral } = props;
  const now = toWallTime(new Date(), timeZone);
  const today = now.slice(0, 10);
  const form = useFormState<Record<string, unknown>>(
    action === 'complete'
      ? { completedAt: now }
      : action === 'schedule-handover'
        ? { escorts: [] }
        : action === 'withdraw-consent'
          ? { withdrawnBy: 'VICTIM', withdrawnOn: today }
          : action === 'restore-consent'
            ? { restoredOn: today }
            : {},
  );
  const [busy, setBusy] = useState(false);
  const intent = `${referral.id}:${action}:${String(referral.version)}`;
  const checkpoints: Option[] = (registry?.checkpoints ?? []).map((c) => ({
    value: c.code,
    label: `${c.name} (${c.code})`,
  }));
  const escorts = (form.value['escorts'] as unknown[] | undefined) ?? [];
  const consentOverride = action === 'submit' && hasRole('supervisor');

  const body = (): Record<string, unknown> => {
    const v = { ...form.value };
    for (const field of ['scheduledAt', 'completedAt']) {
      const raw = v[field];
      if (typeof raw === 'string' && raw !== '') v[field] = wallTimeToRfc3339(raw, timeZone) ?? raw;
    }
    const override = v['overrideReason'];
    delete v['overrideReason'];
    const out = (pruneEmpty(v) ?? {}) as Record<string, unknown>;
    if (action === 'schedule-handover') out['escorts'] = out['escorts'] ?? [];
    if (typeof override === 'string' && override.trim() !== '') {
      out['consentOverride'] = { reason: override };
    }
    return out;
  };

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    form.setProblem(null);
    try {
      const view = await api<ReferralView>(`/v1/referrals/${referral.id}/${actionPath(action)}`, {
        method: 'POST',
        body: body(),
        ifMatch: referral.version,
        idempotencyKey: keys.keyFor(intent),
      });
      keys.done(intent);
      props.onDone(view);
    } catch (error) {
      const problem = error instanceof ApiError ? error : new ApiError({ status: 0 });
      if (isStaleChange(problem.problem)) {
        keys.done(intent);
        props.onStale();
      }
      form.setProblem(problem);
    } finally {
      setBusy(false);
    }
  };

  const label = (key: string) => t(`action.field.${key}` as TextKey);
  return (
    <FormContext.Provider value={form.api}>
      <form
        id={`action-form-${action}`}
        className="action-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        data-testid={`action-form-${action}`}
      >
        <h3>{code('action', action)}</h3>
        {form.problem !== null && !isStaleChange(form.problem.problem) && (
          <ErrorSummary
            title={form.problem.status === 0 ? t('common.networkError') : t('form.errorSummary')}
            detail={form.problem.problem.detail}
            items={form.placed.summary}
          />
        )}
        {action === 'acknowledge' && (
          <TextField path="receiverReference" label={label('receiverReference')} />
        )}
        {action === 'request-info' && (
          <TextField path="question" label={label('question')} required multiline />
        )}
        {action === 'provide-info' && (
          <TextField path="answer" label={label('answer')} required multiline />
        )}
        {action === 'reject' && (
          <SelectField
            path="reasonCode"
            label={label('reasonCode')}
            required
            options={REJECTION_REASON_CODES.map((c) => ({ value: c, label: code('rejection', c) }))}
            testId="field-reasonCode"
          />
        )}
        {action === 'schedule-handover' && (
          <>
            <SelectField
              path="checkpoint"
              label={label('checkpoint')}
              required
              options={checkpoints}
              testId="field-checkpoint"
            />
            <TextField
              path="scheduledAt"
              type="datetime-local"
              label={`${label('scheduledAt')} (${timeZone})`}
              required
              testId="field-scheduledAt"
            />
            <Group path="escorts" legend={label('escorts')}>
              {escorts.map((_, i) => (
                <Group
                  key={i}
                  path={`escorts[${String(i)}]`}
                  legend={t('form.escortN', { n: i + 1 })}
                  className="item"
                >
                  <TextField
                    path={`escorts[${String(i)}].name`}
                    label={label('escortName')}
                    required
                  />
                  <TextField
                    path={`escorts[${String(i)}].agency`}
                    label={label('escortAgency')}
                    required
                  />
                  <button
                    type="button"
                    onClick={() => {
                      form.set(
                        'escorts',
                        escorts.filter((__, j) => j !== i),
                      );
                    }}
                  >
                    {t('common.remove')} — {t('form.escortN', { n: i + 1 })}
                  </button>
                </Group>
              ))}
              <button
                type="button"
                onClick={() => {
                  form.set('escorts', [...escorts, { name: '', agency: '' }]);
                }}
              >
                {t('form.addEscort')}
              </button>
            </Group>
          </>
        )}
        {action === 'complete' && (
          <TextField
            path="completedAt"
            type="datetime-local"
            label={`${label('completedAt')} (${timeZone})`}
            required
          />
        )}
        {action === 'withdraw-consent' && (
          <>
            <SelectField
              path="withdrawnBy"
              label={label('withdrawnBy')}
              required
              options={CONSENT_WITHDRAWN_BY.map((c) => ({ value: c, label: code('consentBy', c) }))}
              testId="field-withdrawnBy"
            />
            <TextField
              path="withdrawnOn"
              type="date"
              label={label('withdrawnOn')}
              required
              testId="field-withdrawnOn"
            />
          </>
        )}
        {action === 'restore-consent' && (
          <TextField
            path="restoredOn"
            type="date"
            label={label('restoredOn')}
            required
            testId="field-restoredOn"
          />
        )}
        {(action === 'accept' ||
          action === 'reject' ||
          action === 'complete' ||
          action === 'withdraw-consent') && (
          <TextField path="note" label={label('note')} multiline />
        )}
        {action === 'restore-consent' && (
          <TextField path="note" label={label('note')} required multiline testId="field-note" />
        )}
        {action === 'withdraw' && (
          <TextField path="reason" label={label('reason')} required multiline />
        )}
        {consentOverride && (
          <Group
            path="consentOverride"
            legend={t('form.override.title')}
            hint={t('form.override.hint')}
          >
            <TextField
              path="overrideReason"
              label={t('form.override.reason')}
              multiline
              testId="override-reason"
            />
          </Group>
        )}
        <button
          type="submit"
          className="button-primary"
          disabled={busy}
          data-testid={`action-confirm-${action}`}
        >
          {busy ? t('form.sending') : code('action', action)}
        </button>
      </form>
    </FormContext.Provider>
  );
}
