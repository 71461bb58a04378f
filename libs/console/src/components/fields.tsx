import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { fieldId } from '../api/problem';
import { useApp } from '../app-context';
import { getAt } from '../form/paths';

/**
 * A form's values and the hub's field errors. Every field and group registers its path, so a
 * problem's `errors[].path` can be shown beside the field it names (or the enclosing group).
 */
export interface FormApi {
  value: unknown;
  set: (path: string, value: unknown) => void;
  errors: ReadonlyMap<string, readonly string[]>;
  register: (path: string) => void;
}

export const FormContext = createContext<FormApi | null>(null);

function useForm(): FormApi {
  const form = useContext(FormContext);
  if (form === null) throw new Error('field outside a form');
  return form;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string');
  return list.length === 0 ? undefined : list.join(' ');
}

function FieldErrors(props: { id: string; messages: readonly string[] | undefined }) {
  if (props.messages === undefined || props.messages.length === 0) return null;
  return (
    <p className="field-error" id={props.id}>
      {props.messages.join('; ')}
    </p>
  );
}

function RequiredMark(props: { required: boolean | undefined }) {
  const { t } = useApp();
  return props.required === true ? <span className="required"> {t('common.required')}</span> : null;
}

interface BaseProps {
  path: string;
  label: string;
  required?: boolean;
  hint?: string;
  testId?: string;
}

export function TextField(
  props: BaseProps & {
    type?: 'text' | 'date' | 'number' | 'datetime-local';
    multiline?: boolean;
    lang?: string;
    maxLength?: number;
    autoComplete?: string;
  },
) {
  const form = useForm();
  form.register(props.path);
  const id = fieldId(props.path);
  const errors = form.errors.get(props.path);
  const hintId = props.hint !== undefined ? `${id}-hint` : undefined;
  const errorId = errors !== undefined ? `${id}-error` : undefined;
  const raw = getAt(form.value, props.path);
  const value = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  const common = {
    id,
    name: props.path,
    value,
    required: props.required,
    lang: props.lang,
    maxLength: props.maxLength,
    'aria-invalid': errors !== undefined ? true : undefined,
    'aria-describedby': describedBy(hintId, errorId),
    'data-testid': props.testId,
  };
  return (
    <div className={errors !== undefined ? 'field has-error' : 'field'}>
      <label htmlFor={id}>
        {props.label}
        <RequiredMark required={props.required} />
      </label>
      {props.hint !== undefined && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <FieldErrors id={`${id}-error`} messages={errors} />
      {props.multiline === true ? (
        <textarea
          {...common}
          rows={4}
          onChange={(e) => {
            form.set(props.path, e.target.value);
          }}
        />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete ?? 'off'}
          onChange={(e) => {
            form.set(props.path, e.target.value);
          }}
        />
      )}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  lang?: string;
}

export function SelectField(props: BaseProps & { options: readonly Option[]; empty?: boolean }) {
  const form = useForm();
  const { t } = useApp();
  form.register(props.path);
  const id = fieldId(props.path);
  const errors = form.errors.get(props.path);
  const hintId = props.hint !== undefined ? `${id}-hint` : undefined;
  const errorId = errors !== undefined ? `${id}-error` : undefined;
  const raw = getAt(form.value, props.path);
  return (
    <div className={errors !== undefined ? 'field has-error' : 'field'}>
      <label htmlFor={id}>
        {props.label}
        <RequiredMark required={props.required} />
      </label>
      {props.hint !== undefined && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <FieldErrors id={`${id}-error`} messages={errors} />
      <select
        id={id}
        name={props.path}
        value={typeof raw === 'string' ? raw : ''}
        required={props.required}
        aria-invalid={errors !== undefined ? true : undefined}
        aria-describedby={describedBy(hintId, errorId)}
        data-testid={props.testId}
        onChange={(e) => {
          form.set(props.path, e.target.value);
        }}
      >
        {props.empty !== false && <option value="">{t('common.choose')}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField(props: BaseProps) {
  const form = useForm();
  form.register(props.path);
  const id = fieldId(props.path);
  const errors = form.errors.get(props.path);
  const errorId = errors !== undefined ? `${id}-error` : undefined;
  return (
    <div className={errors !== undefined ? 'field checkbox has-error' : 'field checkbox'}>
      <FieldErrors id={`${id}-error`} messages={errors} />
      <input
        id={id}
        type="checkbox"
        name={props.path}
        checked={getAt(form.value, props.path) === true}
        aria-invalid={errors !== undefined ? true : undefined}
        aria-describedby={errorId}
        data-testid={props.testId}
        onChange={(e) => {
          form.set(props.path, e.target.checked);
        }}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/** A list of codes chosen with checkboxes (e.g. exploitation types), as one fieldset. */
export function CheckboxGroup(props: BaseProps & { options: readonly Option[] }) {
  const form = useForm();
  form.register(props.path);
  const id = fieldId(props.path);
  const errors = form.errors.get(props.path);
  const raw = getAt(form.value, props.path);
  const chosen = Array.isArray(raw) ? (raw as string[]) : [];
  return (
    <fieldset
      className={errors !== undefined ? 'checks has-error' : 'checks'}
      id={id}
      tabIndex={-1}
      aria-describedby={errors !== undefined ? `${id}-error` : undefined}
    >
      <legend>
        {props.label}
        <RequiredMark required={props.required} />
      </legend>
      <FieldErrors id={`${id}-error`} messages={errors} />
      <div className="check-grid">
        {props.options.map((o) => {
          const optionId = `${id}-${o.value}`;
          return (
            <div className="field checkbox" key={o.value}>
              <input
                id={optionId}
                type="checkbox"
                checked={chosen.includes(o.value)}
                onChange={(e) => {
                  form.set(
                    props.path,
                    e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value),
                  );
                }}
              />
              <label htmlFor={optionId}>{o.label}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** A fieldset for a section or a list item; errors on its own path are shown under its legend. */
export function Group(props: {
  path: string;
  legend: string;
  hint?: string;
  children: ReactNode;
  className?: string;
}) {
  const form = useForm();
  form.register(props.path);
  const id = fieldId(props.path);
  const errors = form.errors.get(props.path);
  const hintId = props.hint !== undefined ? `${id}-hint` : undefined;
  return (
    <fieldset
      id={id}
      tabIndex={-1}
      className={[props.className ?? 'group', errors !== undefined ? 'has-error' : '']
        .join(' ')
        .trim()}
      aria-describedby={describedBy(hintId, errors !== undefined && `${id}-error`)}
    >
      <legend>{props.legend}</legend>
      {props.hint !== undefined && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <FieldErrors id={`${id}-error`} messages={errors} />
      {props.children}
    </fieldset>
  );
}

/** The list of the hub's field errors, each a link to its field; takes focus when it appears. */
export function ErrorSummary(props: {
  title: string;
  detail?: string | undefined;
  items: readonly { path: string; message: string; field: string | null }[];
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [props.items, props.detail]);
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} data-testid="error-summary">
      <h2>{props.title}</h2>
      {props.detail !== undefined && <p>{props.detail}</p>}
      {props.items.length > 0 && (
        <ul>
          {props.items.map((item, i) => (
            <li key={`${item.path}-${String(i)}`}>
              {item.field !== null ? (
                <a href={`#${fieldId(item.field)}`}>
                  <code>{item.path}</code>: {item.message}
                </a>
              ) : (
                <span>
                  <code>{item.path === '' ? '—' : item.path}</code>: {item.message}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
