import { useApp } from '../app-context';
import { en } from '../i18n/en';
import type { CodeList, TextKey } from '../i18n/texts';

/** Which code list a content field's values come from, by the field's name and parent. */
function codeListOf(key: string, parent: string): CodeList | undefined {
  switch (key) {
    case 'type':
      return parent === 'documents' ? 'document' : 'type';
    case 'priority':
      return 'priority';
    case 'sex':
      return 'sex';
    case 'exploitation':
      return 'exploitation';
    case 'needs':
      return 'need';
    case 'method':
      return 'recruitment';
    case 'role':
      return 'suspectRole';
    case 'custody':
      return 'custody';
    case 'requestedAction':
      return 'requestedAction';
    case 'script':
      return 'script';
    default:
      return undefined;
  }
}

const SCRIPT_LANG: Record<string, string> = {
  Laoo: 'lo',
  Thai: 'th',
  Khmr: 'km',
  Hani: 'zh',
  Mymr: 'my',
};

/**
 * A referral's content as nested definition lists, with translated field names and code
 * labels. Everything is rendered as text (React escapes it): names and summaries written by
 * anyone never become markup.
 */
export function ContentView(props: { content: Record<string, unknown> }) {
  return (
    <div className="content-view" data-testid="referral-content">
      <Fields value={props.content} parent="" />
    </div>
  );
}

function Fields(props: { value: Record<string, unknown>; parent: string; lang?: string }) {
  const { t } = useApp();
  const script = props.value['script'];
  const lang = typeof script === 'string' ? SCRIPT_LANG[script] : props.lang;
  return (
    <dl>
      {Object.entries(props.value).map(([key, item]) => {
        const labelKey = `content.${key}`;
        const label = labelKey in en ? t(labelKey as TextKey) : key;
        return (
          <div className="dl-row" key={key}>
            <dt>{label}</dt>
            <dd lang={key === 'given' || key === 'family' ? lang : undefined}>
              <Value value={item} name={key} parent={props.parent} />
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function Value(props: { value: unknown; name: string; parent: string }) {
  const { t, code, dateTime, date } = useApp();
  const { value, name } = props;
  if (value === null || value === undefined) return <>{t('common.none')}</>;
  if (typeof value === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  if (typeof value === 'number') return <>{String(value)}</>;
  if (typeof value === 'string') {
    const list = codeListOf(name, props.parent);
    if (list !== undefined) return <>{code(list, value)}</>;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return <>{date(value)}</>;
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return <>{dateTime(value)}</>;
    return <span className="text">{value}</span>;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <>{t('common.none')}</>;
    return (
      <ul className="plain">
        {(value as unknown[]).map((item, i) => (
          <li key={i}>
            <Value value={item} name={name} parent={name} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    return <Fields value={value as Record<string, unknown>} parent={name} />;
  }
  return null;
}
