import { useEffect, useState } from 'react';
import { api } from '../api/http';
import type { CheckpointAnswer, History, ReferralView, VerificationReport } from '../api/types';
import { useApp } from '../app-context';
import { PartyName } from '../components/party-name';
import { ProblemMessage } from '../components/problem-message';
import { useStream } from '../live/stream';
import { useLoad } from '../use-load';
import { verifyHistory, type HistoryVerification } from '../verify/verify-history';
import { ReferralListPage } from './referral-list';

/** Auditors' home: verify the whole log, and every referral's metadata with its trail. */
export function AuditPage(props: { search: URLSearchParams }) {
  const { t } = useApp();
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <VerifyLog />
      <ReferralListPage
        search={props.search}
        basePath="/audit"
        linkTo={(id) => `/audit/referrals/${id}`}
        title={t('audit.referrals')}
        headingLevel={2}
      />
    </>
  );
}

function VerifyLog() {
  const { t } = useApp();
  const [report, setReport] = useState<VerificationReport | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setReport(await api<VerificationReport>('/v1/audit/verify'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="verify-log-title">
      <h2 id="verify-log-title">{t('audit.verifyLog')}</h2>
      <button type="button" onClick={() => void run()} disabled={busy} data-testid="verify-log">
        {busy ? t('audit.verifying') : t('audit.verifyLog')}
      </button>
      {error !== undefined && <ProblemMessage error={error} />}
      {report !== null && (
        <div
          className={report.ok ? 'notice notice-ok' : 'notice notice-error'}
          role="status"
          data-testid="verify-report"
        >
          <p>
            <strong>{report.ok ? t('audit.report.ok') : t('audit.report.bad')}</strong>
          </p>
          <ul>
            <li>{t('audit.report.entries', { n: report.entriesChecked })}</li>
            <li>{t('audit.report.checkpoints', { n: report.checkpointsChecked })}</li>
            <li>{t('audit.report.elapsed', { ms: report.elapsedMs })}</li>
            {report.firstBadEntry && (
              <li>
                {t('audit.report.firstBad', {
                  leaf: report.firstBadEntry.leafIndex,
                  reason: report.firstBadEntry.reason,
                })}
              </li>
            )}
            {report.failedCheckpoint && (
              <li>
                {t('audit.report.failedCheckpoint', {
                  size: report.failedCheckpoint.size,
                  reason: report.failedCheckpoint.reason,
                })}
              </li>
            )}
          </ul>
          <WitnessReport verdict={report.witnesses} />
        </div>
      )}
    </section>
  );
}

/** Which witnesses vouch for the log, and every fork or bad cosignature, named. */
function WitnessReport(props: { verdict: VerificationReport['witnesses'] }) {
  const { t } = useApp();
  const v = props.verdict;
  const names = (list: readonly { country: string }[]) =>
    list.length === 0 ? t('common.none') : list.map((w) => w.country).join(', ');
  return (
    <ul data-testid="witness-report">
      <li data-testid="witness-trust">
        {v.quorum === 0
          ? t('audit.report.noQuorum')
          : v.trusted !== null
            ? t('audit.report.trusted', {
                size: v.trusted.size,
                witnesses: names(v.trusted.cosignedBy),
                quorum: v.quorum,
              })
            : t('audit.report.untrusted', { quorum: v.quorum })}
      </li>
      {v.newest !== null && v.newest.size !== v.trusted?.size && (
        <li>
          {t('audit.report.newest', { size: v.newest.size, witnesses: names(v.newest.cosignedBy) })}
        </li>
      )}
      {v.refusals.map((r, i) => (
        <li key={`fork-${i}`} data-testid="witness-fork">
          {t('audit.report.fork', {
            country: r.country,
            offered: r.offeredSize,
            held: r.heldSize,
            reason: r.reason,
          })}
        </li>
      ))}
      {v.invalidCosignatures.map((c, i) => (
        <li key={`bad-${i}`}>
          {t('audit.report.badCosignature', { country: c.country, size: c.size, reason: c.reason })}
        </li>
      ))}
    </ul>
  );
}

interface AuditData {
  referral: ReferralView;
  history: History;
  checkpoint: CheckpointAnswer | null;
}

/**
 * A referral's metadata and audit trail, never its personal data, with each entry's inclusion
 * proof checked in this browser against the hub-signed checkpoint.
 */
export function AuditReferralPage(props: { id: string }) {
  const { t, code, dateTime } = useApp();
  const data = useLoad(async (): Promise<AuditData> => {
    const [referral, history] = await Promise.all([
      api<ReferralView>(`/v1/referrals/${props.id}`),
      api<History>(`/v1/referrals/${props.id}/history`),
    ]);
    const checkpoint =
      history.checkpoint === null ? null : await api<CheckpointAnswer>('/v1/audit/checkpoint');
    return { referral, history, checkpoint };
  }, props.id);
  useStream((event) => {
    if (event === null || event.referralId === props.id) data.reload();
  });
  const [verification, setVerification] = useState<HistoryVerification | null>(null);
  const d = data.data;
  useEffect(() => {
    setVerification(null);
    if (d?.history.checkpoint == null || d.checkpoint === null) return;
    let live = true;
    void verifyHistory({
      note: d.history.checkpoint.note,
      verifierKey: d.checkpoint.verifierKey,
      origin: d.checkpoint.origin,
      witnessKeys: d.checkpoint.witnessKeys,
      quorum: d.checkpoint.quorum,
      items: d.history.items as unknown as Parameters<typeof verifyHistory>[0]['items'],
    }).then((result) => {
      if (live) setVerification(result);
    });
    return () => {
      live = false;
    };
  }, [d]);

  if (d === undefined) {
    return (
      <section>
        <h1>{t('audit.referral.title', { ref: '' })}</h1>
        {data.error !== undefined ? (
          <ProblemMessage error={data.error} onRetry={data.reload} />
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </section>
    );
  }
  const { referral, history } = d;
  return (
    <section>
      <h1>{t('audit.referral.title', { ref: referral.senderReference })}</h1>
      <p>{t('audit.intro')}</p>
      <section className="panel" aria-labelledby="audit-meta-title">
        <h2 id="audit-meta-title">{t('referral.details')}</h2>
        <dl className="meta">
          <div className="dl-row">
            <dt>{t('meta.status')}</dt>
            <dd data-testid="referral-status">{code('status', referral.status)}</dd>
          </div>
          <div className="dl-row">
            <dt>{t('col.type')}</dt>
            <dd>{code('type', referral.type)}</dd>
          </div>
          <div className="dl-row">
            <dt>{t('meta.from')}</dt>
            <dd>
              <PartyName code={referral.from} />
            </dd>
          </div>
          <div className="dl-row">
            <dt>{t('meta.to')}</dt>
            <dd>
              <PartyName code={referral.to} />
            </dd>
          </div>
          <div className="dl-row">
            <dt>{t('meta.version')}</dt>
            <dd>{String(referral.version)}</dd>
          </div>
          <div className="dl-row">
            <dt>{t('meta.created')}</dt>
            <dd>{dateTime(referral.createdAt)}</dd>
          </div>
          <div className="dl-row">
            <dt>{t('meta.updated')}</dt>
            <dd>{dateTime(referral.updatedAt)}</dd>
          </div>
        </dl>
      </section>
      <section className="panel" aria-labelledby="checkpoint-title">
        <h2 id="checkpoint-title">{t('audit.checkpoint')}</h2>
        {history.checkpoint === null ? (
          <>
            <p data-testid="checkpoint-none">{t('audit.checkpoint.none')}</p>
            <p data-testid="bundle-none">{t('audit.bundle.none')}</p>
          </>
        ) : (
          <>
            {verification === null ? (
              <p role="status">{t('audit.checkpoint.checking')}</p>
            ) : verification.checkpoint.ok ? (
              <p className="notice notice-ok" data-testid="checkpoint-valid">
                ✓{' '}
                {t('audit.checkpoint.valid', {
                  size: verification.checkpoint.value.size,
                  date: dateTime(history.checkpoint.createdAt),
                })}
              </p>
            ) : (
              <p className="notice notice-error" data-testid="checkpoint-invalid">
                ✗ {t('audit.checkpoint.invalid', { reason: verification.checkpoint.error })}
              </p>
            )}
            {verification?.checkpoint.ok === true && d.checkpoint !== null && (
              <p
                className={verification.trusted ? 'notice notice-ok' : 'notice notice-error'}
                data-testid="checkpoint-witnesses"
                data-trusted={String(verification.trusted)}
              >
                {verification.trusted ? '✓ ' : '✗ '}
                {d.checkpoint.quorum === 0 && verification.cosigners.length === 0
                  ? t('audit.report.noQuorum')
                  : verification.cosigners.length > 0
                    ? t('audit.checkpoint.cosignedBy', {
                        witnesses: verification.cosigners.join(', '),
                        quorum: d.checkpoint.quorum,
                      })
                    : t('audit.checkpoint.notCosigned', { quorum: d.checkpoint.quorum })}
              </p>
            )}
            <pre className="note">{history.checkpoint.note}</pre>
            <a
              className="button"
              href={`/v1/referrals/${referral.id}/history/bundle`}
              download={`audit-bundle-${referral.id}.json`}
              data-testid="bundle-download"
            >
              {t('audit.bundle')}
            </a>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">{t('audit.history')}</h2>
        {history.items.length === 0 ? (
          <p>{t('audit.noEntries')}</p>
        ) : (
          <ol className="timeline" data-testid="history">
            {history.items.map((item, i) => {
              const e = item.entry;
              const verdict = verification?.entries[i];
              const leaf = item.leafIndex === null ? 'pending' : String(item.leafIndex);
              return (
                <li key={e.id} className="timeline-item">
                  <p>
                    <strong>{dateTime(e.recordedAt)}</strong> · {e.action}
                    {e.stateAfter !== null && (
                      <>
                        {' '}
                        · {e.stateBefore !== null ? `${code('status', e.stateBefore)} → ` : ''}
                        {code('status', e.stateAfter)}
                      </>
                    )}
                  </p>
                  <p className="hint">
                    {t('audit.col.actor')}: {e.actor} ({e.actorKind}
                    {e.actorParty !== null ? `, ${e.actorParty}` : ''}
                    {e.actorRoles.length > 0
                      ? `, ${e.actorRoles.map((r) => code('role', r)).join(', ')}`
                      : ''}
                    ) · {t('audit.col.leaf')}: {item.leafIndex ?? t('common.none')}
                  </p>
                  {e.outcome !== null && (
                    <p>
                      {t('audit.col.outcome')}: <span className="text">{e.outcome}</span>
                    </p>
                  )}
                  <p className="proof" data-testid={`entry-verified-${leaf}`}>
                    {t('audit.col.proof')}:{' '}
                    {verdict === undefined ? (
                      item.leafIndex === null || history.checkpoint === null ? (
                        <span className="pending">{t('audit.entry.pending')}</span>
                      ) : (
                        <span>{t('audit.verifying')}</span>
                      )
                    ) : verdict.state === 'verified' ? (
                      <span className="verified" data-state="verified">
                        ✓ {t('audit.entry.verified')}
                      </span>
                    ) : verdict.state === 'failed' ? (
                      <span className="failed" data-state="failed">
                        ✗{' '}
                        {t('audit.entry.failed', {
                          reason:
                            verification?.checkpoint.ok === true
                              ? t('audit.entry.mismatch')
                              : t('audit.entry.noCheckpoint'),
                        })}
                      </span>
                    ) : (
                      <span className="pending" data-state="pending">
                        {t('audit.entry.pending')}
                      </span>
                    )}
                  </p>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </section>
  );
}
