import { useState, type SyntheticEvent } from 'react';
import { REFERRAL_TYPES } from '../../../contracts/src/referral/code-lists';
import { REFERRAL_STATUSES } from '../../../contracts/src/referral/referral-status';
import { api, query } from '../api/http';
import type { Page, ReferralView } from '../api/types';
import { useApp } from '../app-context';
import { PartyName } from '../components/party-name';
import { ProblemMessage } from '../components/problem-message';
import { useStream } from '../live/stream';
import { Link, navigate } from '../router';
import { useLoad } from '../use-load';

const FILTERS = ['direction', 'status', 'counterpart', 'type', 'overdue', 'cursor'] as const;

/**
 * Inbox, outbox, or every referral (auditors): the API's filters, cursor paging, and a refetch
 * on every stream event.
 */
export function ReferralListPage(props: {
  search: URLSearchParams;
  basePath: string;
  linkTo: (id: string) => string;
  title?: string;
  /** 2 when the list is part of a page that has its own h1. */
  headingLevel?: 1 | 2;
}) {
  const { t, code, session, registry } = useApp();
  const params: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = props.search.get(name);
    if (value !== null && value !== '') params[name] = value;
  }
  const key = JSON.stringify(params);
  const list = useLoad(() => api<Page<ReferralView>>(`/v1/referrals${query(params)}`), key);
  useStream(() => {
    list.reload();
  });

  const [draft, setDraft] = useState(params);
  const direction = params['direction'];
  const title =
    props.title ??
    (direction === 'inbound'
      ? t('list.inbox')
      : direction === 'outbound'
        ? t('list.outbox')
        : t('list.all'));

  const apply = (event: SyntheticEvent) => {
    event.preventDefault();
    const { cursor: _cursor, ...rest } = draft;
    navigate(`${props.basePath}${query(rest)}`);
  };
  const set = (name: string, value: string) => {
    setDraft({ ...draft, [name]: value });
  };
  const own = session?.principal.party;
  const counterparts = (registry?.parties ?? []).filter((p) => p.code !== own);

  return (
    <section>
      {props.headingLevel === 2 ? <h2>{title}</h2> : <h1>{title}</h1>}
      <form className="filters panel" onSubmit={apply} data-testid="list-filters">
        <h2 className="visually-hidden">{t('list.filters')}</h2>
        <FilterSelect
          name="direction"
          label={t('list.direction')}
          value={draft['direction']}
          anyLabel={t('list.any')}
          onChange={set}
          options={['inbound', 'outbound'].map((d) => ({ value: d, label: code('direction', d) }))}
        />
        <FilterSelect
          name="status"
          label={t('list.status')}
          value={draft['status']}
          anyLabel={t('list.any')}
          onChange={set}
          options={REFERRAL_STATUSES.map((s) => ({ value: s, label: code('status', s) }))}
        />
        <FilterSelect
          name="counterpart"
          label={t('list.counterpart')}
          value={draft['counterpart']}
          anyLabel={t('list.any')}
          onChange={set}
          options={counterparts.map((p) => ({ value: p.code, label: `${p.code} — ${p.name}` }))}
        />
        <FilterSelect
          name="type"
          label={t('list.type')}
          value={draft['type']}
          anyLabel={t('list.any')}
          onChange={set}
          options={REFERRAL_TYPES.map((s) => ({ value: s, label: code('type', s) }))}
        />
        <div className="field checkbox">
          <input
            id="filter-overdue"
            type="checkbox"
            checked={draft['overdue'] === 'true'}
            data-testid="filter-overdue"
            onChange={(e) => {
              set('overdue', e.target.checked ? 'true' : '');
            }}
          />
          <label htmlFor="filter-overdue">{t('list.overdue')}</label>
        </div>
        <div className="filter-buttons">
          <button type="submit" className="button-primary" data-testid="filter-apply">
            {t('list.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft({});
              navigate(props.basePath);
            }}
          >
            {t('list.clear')}
          </button>
        </div>
      </form>
      {list.error !== undefined && <ProblemMessage error={list.error} onRetry={list.reload} />}
      {list.loading && list.data === undefined && <p>{t('common.loading')}</p>}
      {list.data !== undefined && (
        <>
          {list.data.items.length === 0 ? (
            <p data-testid="list-empty">{t('list.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="referrals" data-testid="referral-list">
                <caption className="visually-hidden">{t('list.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('col.reference')}</th>
                    <th scope="col">{t('col.counterpart')}</th>
                    <th scope="col">{t('col.type')}</th>
                    <th scope="col">{t('col.priority')}</th>
                    <th scope="col">{t('col.status')}</th>
                    <th scope="col">{t('col.deadline')}</th>
                    <th scope="col">{t('col.delivery')}</th>
                    <th scope="col">{t('col.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((r) => (
                    <ReferralRow key={r.id} referral={r} linkTo={props.linkTo} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label={t('list.next')}>
            {params['cursor'] !== undefined && (
              <Link
                to={`${props.basePath}${query({ ...params, cursor: undefined })}`}
                testId="list-first-page"
              >
                {t('list.first')}
              </Link>
            )}
            {list.data.nextCursor !== null && (
              <Link
                to={`${props.basePath}${query({ ...params, cursor: list.data.nextCursor })}`}
                testId="list-next-page"
              >
                {t('list.next')}
              </Link>
            )}
          </nav>
        </>
      )}
      <p className="visually-hidden" aria-live="polite">
        {list.loading ? t('common.loading') : ''}
      </p>
    </section>
  );
}

function ReferralRow(props: { referral: ReferralView; linkTo: (id: string) => string }) {
  const { t, code, dateTime } = useApp();
  const r = props.referral;
  const counterpart = r.direction === 'inbound' ? r.from : r.to;
  const overdue = r.nextDeadline?.overdue === true;
  return (
    <tr className={overdue ? 'overdue' : undefined} data-testid={`referral-row-${r.id}`}>
      <th scope="row" data-label={t('col.reference')}>
        <Link to={props.linkTo(r.id)} testId={`referral-link-${r.id}`}>
          {r.senderReference}
        </Link>
      </th>
      <td data-label={t('col.counterpart')}>
        {r.direction === null ? (
          <>
            <PartyName code={r.from} /> → <PartyName code={r.to} />
          </>
        ) : (
          <PartyName code={counterpart} />
        )}
      </td>
      <td data-label={t('col.type')}>{code('type', r.type)}</td>
      <td data-label={t('col.priority')}>
        <span className={`priority priority-${r.priority.toLowerCase()}`}>
          {code('priority', r.priority)}
        </span>
      </td>
      <td data-label={t('col.status')}>
        <span className="status" data-testid="referral-status">
          {code('status', r.status)}
        </span>
      </td>
      <td data-label={t('col.deadline')}>
        <Deadline referral={r} />
      </td>
      <td data-label={t('col.delivery')}>
        <Delivery referral={r} />
      </td>
      <td data-label={t('col.updated')}>{dateTime(r.updatedAt)}</td>
    </tr>
  );
}

/** One filter of the list: a labelled select whose empty choice means "any". */
function FilterSelect(props: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: readonly { value: string; label: string }[];
  onChange: (name: string, value: string) => void;
}) {
  const id = `filter-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value ?? ''}
        data-testid={id}
        onChange={(e) => {
          props.onChange(props.name, e.target.value);
        }}
      >
        <option value="">{props.anyLabel}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Deadline(props: { referral: ReferralView }) {
  const { t, code, dateTime } = useApp();
  const d = props.referral.nextDeadline;
  if (d === null) return <span>{t('common.none')}</span>;
  return d.overdue ? (
    <span className="deadline deadline-overdue" data-testid="deadline-overdue">
      <strong>⚠ {t('deadline.overdue', { date: dateTime(d.dueAt) })}</strong> (
      {code('step', d.step)})
    </span>
  ) : (
    <span className="deadline" data-testid="deadline">
      {t('deadline.due', { date: dateTime(d.dueAt) })} ({code('step', d.step)})
    </span>
  );
}

export function Delivery(props: { referral: ReferralView }) {
  const { t, dateTime, session } = useApp();
  const change = props.referral.lastChange;
  if (change === null) return <span>{t('common.none')}</span>;
  if (change.byParty !== session?.principal.party && props.referral.direction !== null) {
    return <span data-testid="delivery-theirs">{t('delivery.theirs')}</span>;
  }
  return change.deliveredAt !== null ? (
    <span className="delivered" data-testid="delivery-delivered">
      ✓ {t('delivery.delivered', { date: dateTime(change.deliveredAt) })}
    </span>
  ) : (
    <span className="undelivered" data-testid="delivery-pending">
      … {t('delivery.pending')}
    </span>
  );
}
