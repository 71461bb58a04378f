import type { ReportedCount } from '../api/types';

/**
 * A horizontal bar chart drawn as SVG. A suppressed count (`<5`) gets no length of its own: it is
 * drawn as a hatched stub and labelled exactly as the API reported it.
 */
export function BarChart(props: {
  title: string;
  rows: readonly { label: string; value: ReportedCount }[];
  suppressedLabel: string;
  testId?: string;
}) {
  const numbers = props.rows.map((r) => (typeof r.value === 'number' ? r.value : 0));
  const max = Math.max(1, ...numbers);
  const rowHeight = 28;
  const labelWidth = 230;
  const barSpace = 300;
  const width = labelWidth + barSpace + 60;
  const height = props.rows.length * rowHeight + 8;
  return (
    <figure className="chart" data-testid={props.testId}>
      <svg
        viewBox={`0 0 ${String(width)} ${String(height)}`}
        role="img"
        aria-label={props.title}
        preserveAspectRatio="xMinYMin meet"
      >
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse">
            <path d="M0 6 L6 0" className="hatch-line" />
          </pattern>
        </defs>
        {props.rows.map((row, i) => {
          const y = i * rowHeight + 4;
          const suppressed = typeof row.value !== 'number';
          const length = suppressed ? 12 : (numbers[i] ?? 0) * (barSpace / max);
          return (
            <g key={row.label}>
              <text x={labelWidth - 8} y={y + 17} textAnchor="end" className="chart-label">
                {row.label.length > 34 ? `${row.label.slice(0, 33)}…` : row.label}
              </text>
              <rect
                x={labelWidth}
                y={y + 3}
                width={Math.max(length, 1)}
                height={rowHeight - 8}
                className={suppressed ? 'bar bar-suppressed' : 'bar'}
              />
              <text x={labelWidth + length + 6} y={y + 17} className="chart-value">
                {String(row.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="visually-hidden">{props.suppressedLabel}</figcaption>
    </figure>
  );
}
