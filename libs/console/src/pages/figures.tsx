import { useState } from 'react';
import { api, query } from '../api/http';
import type { AgeCounts, ReportedCount, SexCounts, StatsReport } from '../api/types';
import { useApp } from '../app-context';
import { BarChart } from '../components/bar-chart';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../use-load';

/** The committee's yearly figures (`GET /v1/stats`) as tables and bar charts, plus the CSV. */
export function FiguresPage() {
  const { t, code, date } = useApp();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const period = { from: `${String(year)}-01-01`, to: `${String(year + 1)}-01-01` };
  const stats = useLoad(() => api<StatsReport>(`/v1/stats${query(period)}`), String(year));
  const years = Array.from({ length: 6 }, (_, i) => thisYear - i);
  const r = stats.data;
  const sexRows = (counts: SexCounts) =>
    (['F', 'M', 'X', 'U'] as const).map((s) => ({ label: code('sex', s), value: counts[s] }));
  const ageRows = (counts: AgeCounts) => [
    { label: t('age.minor'), value: counts.minor },
    { label: t('age.adult'), value: counts.adult },
    { label: t('age.unknown'), value: counts.unknown },
  ];
  return (
    <section>
      <h1>{t('figures.title')}</h1>
      <div className="filters panel">
        <div className="field">
          <label htmlFor="figures-year">{t('figures.year')}</label>
          <select
            id="figures-year"
            value={year}
            data-testid="figures-year"
            onChange={(e) => {
              setYear(Number(e.target.value));
            }}
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <a
          className="button"
          href={`/v1/stats.csv${query(period)}`}
          download
          data-testid="figures-csv"
        >
          {t('figures.csv', { year })}
        </a>
      </div>
      {stats.error !== undefined && <ProblemMessage error={stats.error} onRetry={stats.reload} />}
      {stats.loading && r === undefined && <p>{t('common.loading')}</p>}
      {r !== undefined && (
        <div data-testid="figures">
          <p>
            {t('figures.period', {
              from: date(r.period.from),
              to: date(r.period.to),
              scope: r.scope.country ?? t('figures.scopeAll'),
            })}
          </p>
          <p className="notice" data-testid="figures-disclosure">
            {r.disclosure === 'small-counts-suppressed'
              ? t('figures.suppressed')
              : t('figures.exact')}
          </p>
          <h2>{t('figures.cases')}</h2>
          <CountTable
            title={t('figures.total')}
            rows={[{ label: t('figures.total'), values: [r.cases.cases, r.cases.referrals] }]}
            columns={[t('col.cases'), t('col.referrals')]}
          />
          <h3>{t('figures.byType')}</h3>
          <CountTable
            title={t('figures.byType')}
            columns={[t('col.cases'), t('col.referrals')]}
            rows={r.cases.byType.map((g) => ({
              label: code('type', g.type),
              values: [g.cases, g.referrals],
            }))}
          />
          <BarChart
            title={t('figures.chartOf', {
              title: `${t('figures.byType')} — ${t('col.referrals')}`,
            })}
            suppressedLabel={t('figures.suppressed')}
            rows={r.cases.byType.map((g) => ({ label: code('type', g.type), value: g.referrals }))}
            testId="chart-by-type"
          />
          <h3>{t('figures.byStatus')}</h3>
          <CountTable
            title={t('figures.byStatus')}
            columns={[t('col.cases'), t('col.referrals')]}
            rows={r.cases.byStatus.map((g) => ({
              label: code('status', g.status),
              values: [g.cases, g.referrals],
            }))}
          />
          <h3>{t('figures.byCounterpart')}</h3>
          <CountTable
            title={t('figures.byCounterpart')}
            columns={[t('col.cases'), t('col.referrals')]}
            rows={r.cases.byCounterpart.map((g) => ({
              label: code('country', g.country),
              values: [g.cases, g.referrals],
            }))}
          />
          <BarChart
            title={t('figures.chartOf', {
              title: `${t('figures.byCounterpart')} — ${t('col.referrals')}`,
            })}
            suppressedLabel={t('figures.suppressed')}
            rows={r.cases.byCounterpart.map((g) => ({
              label: code('country', g.country),
              value: g.referrals,
            }))}
            testId="chart-by-counterpart"
          />
          <h2>{t('figures.suspects')}</h2>
          <CountTable
            title={t('figures.suspects')}
            columns={[t('col.count')]}
            rows={[
              { label: t('figures.total'), values: [r.suspects.total] },
              ...sexRows(r.suspects.bySex).map((x) => ({
                label: `${t('figures.bySex')}: ${x.label}`,
                values: [x.value],
              })),
              {
                label: `${t('figures.byNationality')}: ${t('figures.national')}`,
                values: [r.suspects.byNationality.national],
              },
              {
                label: `${t('figures.byNationality')}: ${t('figures.foreign')}`,
                values: [r.suspects.byNationality.foreign],
              },
              {
                label: `${t('figures.byNationality')}: ${t('figures.unknown')}`,
                values: [r.suspects.byNationality.unknown],
              },
              ...sexRows(r.suspects.foreignBySex).map((x) => ({
                label: `${t('figures.foreignBySex')}: ${x.label}`,
                values: [x.value],
              })),
            ]}
          />
          <h2>{t('figures.victims')}</h2>
          <CountTable
            title={t('figures.victims')}
            columns={[t('col.count')]}
            rows={[
              { label: t('figures.total'), values: [r.victims.total] },
              ...sexRows(r.victims.bySex).map((x) => ({
                label: `${t('figures.bySex')}: ${x.label}`,
                values: [x.value],
              })),
              ...ageRows(r.victims.byAge).map((x) => ({
                label: `${t('figures.byAge')}: ${x.label}`,
                values: [x.value],
              })),
            ]}
          />
          <BarChart
            title={t('figures.chartOf', {
              title: `${t('figures.victims')} — ${t('figures.bySex')}`,
            })}
            suppressedLabel={t('figures.suppressed')}
            rows={sexRows(r.victims.bySex)}
            testId="chart-victims-by-sex"
          />
          <h2>{t('figures.repatriations')}</h2>
          <CountTable
            title={t('figures.repatriations')}
            columns={[t('col.count')]}
            rows={[
              { label: t('figures.total'), values: [r.repatriationsCompleted.total] },
              ...sexRows(r.repatriationsCompleted.bySex).map((x) => ({
                label: `${t('figures.bySex')}: ${x.label}`,
                values: [x.value],
              })),
              ...ageRows(r.repatriationsCompleted.byAge).map((x) => ({
                label: `${t('figures.byAge')}: ${x.label}`,
                values: [x.value],
              })),
            ]}
          />
          <h2>{t('figures.exploitation')}</h2>
          <CountTable
            title={t('figures.exploitation')}
            columns={[t('col.persons')]}
            rows={r.exploitation.map((e) => ({
              label: code('exploitation', e.type),
              values: [e.persons],
            }))}
          />
          <BarChart
            title={t('figures.chartOf', { title: t('figures.exploitation') })}
            suppressedLabel={t('figures.suppressed')}
            rows={r.exploitation.map((e) => ({
              label: code('exploitation', e.type),
              value: e.persons,
            }))}
            testId="chart-exploitation"
          />
          <h2>{t('figures.stepTimes')}</h2>
          <div className="table-wrap">
            <table data-testid="step-times">
              <thead>
                <tr>
                  <th scope="col">{t('col.step')}</th>
                  <th scope="col">{t('col.counterpart')}</th>
                  <th scope="col">{t('col.referrals')}</th>
                  <th scope="col">{t('col.median')}</th>
                  <th scope="col">{t('col.p90')}</th>
                </tr>
              </thead>
              <tbody>
                {r.stepTimes.map((s) => (
                  <tr key={`${s.step}-${s.counterpart ?? 'all'}`}>
                    <th scope="row">{code('step', s.step)}</th>
                    <td>
                      {s.counterpart === null
                        ? t('figures.allCounterparts')
                        : code('country', s.counterpart)}
                    </td>
                    <td className="num">{String(s.referrals)}</td>
                    <td className="num">
                      {s.medianHours === null ? t('common.none') : s.medianHours.toFixed(1)}
                    </td>
                    <td className="num">
                      {s.p90Hours === null ? t('common.none') : s.p90Hours.toFixed(1)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** Counts exactly as the API reported them: a suppressed one stays `<5`. */
function CountTable(props: {
  title: string;
  columns: string[];
  rows: { label: string; values: ReportedCount[] }[];
}) {
  const { t } = useApp();
  return (
    <div className="table-wrap">
      <table className="counts">
        <caption className="visually-hidden">{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.group')}</th>
            {props.columns.map((c) => (
              <th scope="col" key={c} className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {row.values.map((v, i) => (
                <td key={i} className={typeof v === 'number' ? 'num' : 'num suppressed'}>
                  {String(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
