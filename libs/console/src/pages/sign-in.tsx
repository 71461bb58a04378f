import { useState, type SyntheticEvent } from 'react';
import { api } from '../api/http';
import { ApiError } from '../api/problem';
import type { AuthOptions, Session } from '../api/types';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { BASE } from '../router';
import { useLoad } from '../use-load';

export function SignInPage() {
  const { t, code, refreshSession, returnTo: back } = useApp();
  const options = useLoad(() => api<AuthOptions>('/auth/options'), 'options');
  const [party, setParty] = useState('');
  const [roles, setRoles] = useState<string[]>(['liaison_officer']);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api<Session>('/auth/dev-sign-in', { method: 'POST', body: { party, roles } });
      await refreshSession();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const opts = options.data;
  const returnTo = `${BASE}${back}`;
  return (
    <section className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      {options.loading && opts === undefined && <p>{t('common.loading')}</p>}
      {options.error !== undefined && (
        <ProblemMessage error={options.error} onRetry={options.reload} />
      )}
      {opts?.oidc === true && (
        <p>
          <a
            className="button button-primary"
            href={`/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`}
            data-testid="sign-in-oidc"
          >
            {t('signIn.oidc')}
          </a>
        </p>
      )}
      {opts?.devSignIn === true && (
        <form
          className="panel"
          onSubmit={(e) => void submit(e)}
          data-testid="dev-sign-in"
          noValidate
        >
          <h2>{t('signIn.dev.title')}</h2>
          <p className="hint">{t('signIn.dev.note')}</p>
          <div className="field">
            <label htmlFor="sign-in-party">{t('signIn.party')}</label>
            <select
              id="sign-in-party"
              value={party}
              required
              data-testid="sign-in-party"
              onChange={(e) => {
                setParty(e.target.value);
              }}
            >
              <option value="">{t('common.choose')}</option>
              {opts.parties.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name} · {p.localName}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="checks">
            <legend>{t('signIn.roles')}</legend>
            {opts.roles.map((role) => (
              <div className="field checkbox" key={role}>
                <input
                  type="checkbox"
                  id={`sign-in-role-${role}`}
                  data-testid={`sign-in-role-${role}`}
                  checked={roles.includes(role)}
                  onChange={(e) => {
                    setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role));
                  }}
                />
                <label htmlFor={`sign-in-role-${role}`}>{code('role', role)}</label>
              </div>
            ))}
          </fieldset>
          {error instanceof ApiError && error.problem.errors !== undefined ? (
            <div className="notice notice-error" role="alert">
              <ul>
                {error.problem.errors.map((e) => (
                  <li key={e.path}>
                    <code>{e.path}</code>: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            error !== undefined && <ProblemMessage error={error} />
          )}
          <button
            type="submit"
            className="button-primary"
            disabled={busy}
            data-testid="sign-in-submit"
          >
            {t('signIn.submit')}
          </button>
        </form>
      )}
      {opts !== undefined && !opts.oidc && !opts.devSignIn && <p>{t('signIn.none')}</p>}
    </section>
  );
}
