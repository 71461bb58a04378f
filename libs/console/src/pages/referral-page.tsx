import { useRef, useState, type SyntheticEvent } from 'react';
import { api } from '../api/http';
import { IntentKeys } from '../api/idempotency';
import { ApiError } from '../api/problem';
import type { CaseMessage, Page, ReferralView } from '../api/types';
import { useApp } from '../app-context';
import { ContentView } from '../components/content-view';
import { ErrorSummary, FormContext, SelectField, TextField } from '../components/fields';
import { PartyName } from '../components/party-name';
import { ProblemMessage } from '../components/problem-message';
import { useFormState } from '../form/use-form-state';
import { useStream } from '../live/stream';
import { useLoad } from '../use-load';
import { ReferralActions } from './referral-actions';
import { Deadline, Delivery } from './referral-list';

/** A referral: its details and content, its actions, its case messages; live. */
export function ReferralPage(props: { id: string }) {
  const { t, code, dateTime, date } = useApp();
  const referral = useLoad(() => api<ReferralView>(`/v1/referrals/${props.id}`), props.id);
  const [override, setOverride] = useState<ReferralView | null>(null);
  const messagesRef = useRef<() => void>(() => undefined);
  useStream((event) => {
    if (event === null || event.referralId === props.id) {
      setOverride(null);
      referral.reload();
      messagesRef.current();
    }
  });

  const view = override ?? referral.data;
  if (view === undefined) {
    return (
      <section>
        <h1>{t('referral.title', { ref: '' })}</h1>
        {referral.error !== undefined ? (
          <ProblemMessage error={referral.error} onRetry={referral.reload} />
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </section>
    );
  }
  return (
    <section className="referral-page">
      <h1>{t('referral.title', { ref: view.senderReference })}</h1>
      <p className="lead">
        <span className="status" data-testid="referral-status">
          {code('status', view.status)}
        </span>{' '}
        · {code('type', view.type)} · {code('priority', view.priority)}
      </p>
      <div className="two-col">
        <section className="panel" aria-labelledby="details-title">
          <h2 id="details-title">{t('referral.details')}</h2>
          <dl className="meta">
            <Meta label={t('meta.from')}>
              <PartyName code={view.from} />
            </Meta>
            <Meta label={t('meta.to')}>
              <PartyName code={view.to} />
            </Meta>
            {view.direction !== null && (
              <Meta label={t('meta.direction')}>{code('direction', view.direction)}</Meta>
            )}
            <Meta label={t('meta.version')} testId="referral-version">
              {String(view.version)}
            </Meta>
            <Meta label={t('meta.handlingCode')}>{view.handlingCode}</Meta>
            {view.consent !== null && (
              <Meta label={t('meta.consent')} testId="referral-consent">
                {view.consent.state === 'GIVEN'
                  ? t('consent.given')
                  : t('consent.withdrawn', {
                      by: code('consentBy', view.consent.withdrawnBy ?? ''),
                      date: date(view.consent.withdrawnOn),
                      party: view.consent.recordedBy ?? '',
                    })}
              </Meta>
            )}
            <Meta label={t('meta.receiverReference')}>
              {view.receiverReference ?? t('common.none')}
            </Meta>
            <Meta label={t('meta.origin')}>{code('origin', view.origin)}</Meta>
            <Meta label={t('meta.created')}>{dateTime(view.createdAt)}</Meta>
            <Meta label={t('meta.submitted')}>{dateTime(view.submittedAt)}</Meta>
            <Meta label={t('meta.updated')}>{dateTime(view.updatedAt)}</Meta>
            <Meta label={t('meta.closed')}>{dateTime(view.closedAt)}</Meta>
            <Meta label={t('meta.deadline')}>
              <Deadline referral={view} />
            </Meta>
            <Meta label={t('meta.lastChange')}>
              {view.lastChange ? (
                <>
                  {t('meta.lastChangeBy', {
                    action: code('action', view.lastChange.action),
                    party: view.lastChange.byParty,
                    date: dateTime(view.lastChange.at),
                  })}{' '}
                  — <Delivery referral={view} />
                </>
              ) : (
                t('common.none')
              )}
            </Meta>
          </dl>
        </section>
        <ReferralActions
          referral={view}
          onChanged={(next) => {
            setOverride(next);
          }}
          onReload={() => {
            setOverride(null);
            referral.reload();
          }}
        />
      </div>
      <section className="panel" aria-labelledby="content-title">
        <h2 id="content-title">{t('referral.content')}</h2>
        {view.personalData === 'withheld' ? (
          <p data-testid="personal-data-withheld">{t('referral.withheld')}</p>
        ) : view.personalData === 'restricted' ? (
          <p data-testid="personal-data-restricted" className="notice notice-warning">
            {t('referral.restricted', { party: view.consent?.recordedBy ?? '' })}
          </p>
        ) : view.personalData === 'child-protected' ? (
          <p data-testid="personal-data-child-protected" className="notice notice-warning">
            {t('referral.childProtected')}
          </p>
        ) : view.personalDataErasedAt !== null ? (
          <p>{t('referral.erased', { date: dateTime(view.personalDataErasedAt) })}</p>
        ) : view.content !== undefined && view.content !== null ? (
          <ContentView content={view.content} />
        ) : (
          <p>{t('referral.noContent')}</p>
        )}
      </section>
      {view.personalData !== 'withheld' && view.status !== 'DRAFT' && (
        <Messages
          referralId={view.id}
          canPost={view.direction !== null}
          register={(reload) => {
            messagesRef.current = reload;
          }}
        />
      )}
    </section>
  );
}

function Meta(props: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="dl-row">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </div>
  );
}

const MESSAGE_LANGUAGES = ['lo', 'en', 'th', 'vi', 'zh', 'km', 'my'] as const;
const messageKeys = new IntentKeys();

function Messages(props: {
  referralId: string;
  canPost: boolean;
  register: (reload: () => void) => void;
}) {
  const { t, code, dateTime, language } = useApp();
  const list = useLoad(
    () => api<Page<CaseMessage>>(`/v1/referrals/${props.referralId}/messages?limit=200`),
    props.referralId,
  );
  props.register(list.reload);
  const intent = useRef(crypto.randomUUID());
  const form = useFormState<Record<string, unknown>>({ language, body: '' }, () => {
    messageKeys.forget(intent.current);
    intent.current = crypto.randomUUID();
  });
  const [busy, setBusy] = useState(false);

  const post = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    form.setProblem(null);
    try {
      await api<CaseMessage>(`/v1/referrals/${props.referralId}/messages`, {
        method: 'POST',
        body: { language: form.value['language'], body: form.value['body'] },
        idempotencyKey: messageKeys.keyFor(intent.current),
      });
      messageKeys.done(intent.current);
      intent.current = crypto.randomUUID();
      form.setValue({ language: form.value['language'], body: '' });
      list.reload();
    } catch (error) {
      form.setProblem(error instanceof ApiError ? error : new ApiError({ status: 0 }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="messages-title">
      <h2 id="messages-title">{t('messages.title')}</h2>
      {list.error !== undefined && <ProblemMessage error={list.error} onRetry={list.reload} />}
      {list.data !== undefined && list.data.items.length === 0 && <p>{t('messages.empty')}</p>}
      <ol className="messages" data-testid="message-list">
        {(list.data?.items ?? []).map((m) => (
          <li
            key={m.id}
            className={`message message-${m.direction}`}
            data-testid={`message-${m.id}`}
          >
            <p className="message-meta">
              <strong>{t('messages.by', { author: m.author, party: m.authorParty })}</strong> ·{' '}
              {dateTime(m.createdAt)} · {code('language', m.language)}
            </p>
            <p className="message-body" lang={m.language}>
              {m.body ?? t('messages.erased')}
            </p>
            {m.direction === 'outbound' && (
              <p className={`message-state state-${m.state}`} data-testid={`message-state-${m.id}`}>
                {m.state === 'read' ? '✓✓ ' : m.state === 'delivered' ? '✓ ' : '… '}
                {code('msgState', m.state)}
              </p>
            )}
          </li>
        ))}
      </ol>
      {props.canPost && (
        <FormContext.Provider value={form.api}>
          <form onSubmit={(e) => void post(e)} noValidate data-testid="message-form">
            {form.problem !== null && (
              <ErrorSummary
                title={
                  form.problem.status === 0 ? t('common.networkError') : t('form.errorSummary')
                }
                detail={form.problem.problem.detail}
                items={form.placed.summary}
              />
            )}
            <SelectField
              path="language"
              label={t('messages.language')}
              required
              empty={false}
              options={MESSAGE_LANGUAGES.map((l) => ({ value: l, label: code('language', l) }))}
              testId="message-language"
            />
            <TextField
              path="body"
              label={t('messages.body')}
              required
              multiline
              lang={typeof form.value['language'] === 'string' ? form.value['language'] : undefined}
              testId="message-body"
            />
            <button
              type="submit"
              className="button-primary"
              disabled={busy}
              data-testid="message-send"
            >
              {t('messages.send')}
            </button>
          </form>
        </FormContext.Provider>
      )}
    </section>
  );
}
