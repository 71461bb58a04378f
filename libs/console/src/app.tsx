import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, onSessionEnded, setCsrfToken } from './api/http';
import { ApiError } from './api/problem';
import type { Registry, Session } from './api/types';
import { AppContext, useApp, type AppState } from './app-context';
import { ProblemMessage } from './components/problem-message';
import {
  DEFAULT_TIME_ZONE,
  formatDate,
  formatDateTime,
  TIME_ZONES,
  type UiLanguage,
} from './format/dates';
import { codeLabel, translate } from './i18n/texts';
import { closeStream } from './live/stream';
import { AuditPage, AuditReferralPage } from './pages/audit';
import { FiguresPage } from './pages/figures';
import { ReferralListPage } from './pages/referral-list';
import { NewReferralPage } from './pages/referral-new';
import { ReferralPage } from './pages/referral-page';
import { SignInPage } from './pages/sign-in';
import { Link, navigate, useLocation } from './router';

/* Preferences only: never a token (the session is an httpOnly cookie). */
const LANGUAGE_KEY = 'mrh.console.language';
const ZONE_KEY = 'mrh.console.timeZone';

function storedLanguage(): UiLanguage {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'lo';
}

function storedZone(): string {
  const zone = localStorage.getItem(ZONE_KEY);
  return zone !== null && (TIME_ZONES as readonly string[]).includes(zone)
    ? zone
    : DEFAULT_TIME_ZONE;
}

const UUID = '[0-9a-fA-F-]{36}';

export function App() {
  const [language, setLanguageState] = useState<UiLanguage>(storedLanguage);
  const [timeZone, setTimeZoneState] = useState<string>(storedZone);
  const [session, setSession] = useState<Session | null>(null);
  const [sessionState, setSessionState] = useState<'loading' | 'in' | 'out' | 'error'>('loading');
  const [sessionError, setSessionError] = useState<unknown>(undefined);
  const [registry, setRegistry] = useState<Registry | null>(null);
  const [returnTo, setReturnTo] = useState('/');
  const location = useLocation();

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const refreshSession = useCallback(async () => {
    try {
      const next = await api<Session>('/auth/session');
      setCsrfToken(next.csrfToken);
      setSession(next);
      setSessionState('in');
      setRegistry(await api<Registry>('/v1/registry'));
    } catch (error) {
      setCsrfToken(null);
      setSession(null);
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        setSessionState('out');
      } else {
        setSessionError(error);
        setSessionState('error');
      }
    }
  }, []);

  useEffect(() => {
    void refreshSession();
  }, [refreshSession]);

  const state: AppState = useMemo(() => {
    const hasRole = (...roles: string[]) =>
      session !== null && session.principal.roles.some((r) => roles.includes(r));
    return {
      language,
      setLanguage: (next) => {
        localStorage.setItem(LANGUAGE_KEY, next);
        setLanguageState(next);
      },
      timeZone,
      setTimeZone: (zone) => {
        localStorage.setItem(ZONE_KEY, zone);
        setTimeZoneState(zone);
      },
      t: (key, values) => translate(language, key, values),
      code: (list, value) => codeLabel(language, list, value),
      dateTime: (iso) =>
        iso === null || iso === undefined ? '—' : formatDateTime(iso, language, timeZone),
      date: (iso) => (iso === null || iso === undefined ? '—' : formatDate(iso, language)),
      session,
      registry,
      party: (code) => registry?.parties.find((p) => p.code === code),
      refreshSession,
      hasRole,
      returnTo,
    };
  }, [language, timeZone, session, registry, refreshSession, returnTo]);

  // A 401 from any API call: the session ended; sign in again, then come back here.
  useEffect(() => {
    onSessionEnded(() => {
      closeStream();
      setCsrfToken(null);
      setSession(null);
      setSessionState('out');
    });
    return () => {
      onSessionEnded(null);
    };
  }, []);

  // Signed out: the sign-in page, remembering where the officer was; signed in on the sign-in
  // page: back there (home by default).
  const here = `${location.path}${location.search.size > 0 ? `?${location.search.toString()}` : ''}`;
  useEffect(() => {
    if (sessionState === 'out' && location.path !== '/sign-in') {
      setReturnTo(here);
      navigate('/sign-in', { replace: true });
    } else if (sessionState === 'in' && location.path === '/sign-in') {
      navigate(returnTo, { replace: true });
    }
  }, [sessionState, location.path, here, returnTo]);

  const signOut = async () => {
    try {
      await api('/auth/sign-out', { method: 'POST' });
    } finally {
      closeStream();
      setCsrfToken(null);
      setSession(null);
      setSessionState('out');
    }
  };

  return (
    <AppContext.Provider value={state}>
      <a className="skip-link" href="#main">
        {state.t('app.skip')}
      </a>
      <header className="site-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          {state.t('app.title')}
        </div>
        {session !== null && <Nav path={location.path} />}
        <div className="prefs">
          <div className="field inline">
            <label htmlFor="pref-language">{state.t('prefs.language')}</label>
            <select
              id="pref-language"
              value={language}
              data-testid="language-switch"
              onChange={(e) => {
                state.setLanguage(e.target.value === 'en' ? 'en' : 'lo');
              }}
            >
              <option value="lo" lang="lo">
                ລາວ
              </option>
              <option value="en" lang="en">
                English
              </option>
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="pref-zone">{state.t('prefs.timeZone')}</label>
            <select
              id="pref-zone"
              value={timeZone}
              data-testid="time-zone"
              onChange={(e) => {
                state.setTimeZone(e.target.value);
              }}
            >
              {TIME_ZONES.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </div>
          {session !== null && (
            <div className="session">
              <span data-testid="signed-in-as">
                {state.t('session.signedInAs', {
                  sub: session.principal.sub,
                  party: session.principal.party,
                })}
              </span>{' '}
              <button type="button" onClick={() => void signOut()} data-testid="sign-out">
                {state.t('session.signOut')}
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {sessionState === 'loading' && <p>{state.t('common.loading')}</p>}
        {sessionState === 'error' && (
          <>
            <h1>{state.t('app.title')}</h1>
            <ProblemMessage error={sessionError} onRetry={() => void refreshSession()} />
          </>
        )}
        {sessionState === 'out' && <SignInPage />}
        {sessionState === 'in' && <Routes path={location.path} search={location.search} />}
      </main>
    </AppContext.Provider>
  );
}

function Nav(props: { path: string }) {
  const { t, hasRole } = useAppState();
  const officer = hasRole('liaison_officer', 'supervisor', 'admin');
  const items: { to: string; label: string; show: boolean; testId: string }[] = [
    { to: '/', label: t('nav.inbox'), show: officer, testId: 'nav-inbox' },
    {
      to: '/referrals?direction=outbound',
      label: t('nav.outbox'),
      show: officer,
      testId: 'nav-outbox',
    },
    {
      to: '/referrals/new',
      label: t('nav.new'),
      show: hasRole('liaison_officer', 'supervisor'),
      testId: 'nav-new',
    },
    {
      to: '/figures',
      label: t('nav.figures'),
      show: hasRole('supervisor', 'auditor'),
      testId: 'nav-figures',
    },
    { to: '/audit', label: t('nav.audit'), show: hasRole('auditor', 'admin'), testId: 'nav-audit' },
  ];
  const current = (to: string) => {
    const path = to.split('?')[0] ?? to;
    return path === '/' ? props.path === '/' : props.path === path;
  };
  return (
    <nav aria-label={t('nav.label')} className="site-nav">
      <ul>
        {items
          .filter((i) => i.show)
          .map((i) => (
            <li key={i.to}>
              <Link to={i.to} current={current(i.to)} testId={i.testId}>
                {i.label}
              </Link>
            </li>
          ))}
      </ul>
    </nav>
  );
}

function useAppState(): AppState {
  return useApp();
}

function Routes(props: { path: string; search: URLSearchParams }) {
  const { t, hasRole } = useAppState();
  const { path, search } = props;
  const officer = hasRole('liaison_officer', 'supervisor', 'admin');
  let match: RegExpExecArray | null;
  if (path === '/') {
    if (!officer && hasRole('auditor')) return <AuditPage search={search} />;
    const inbox = new URLSearchParams(search);
    if (!inbox.has('direction')) inbox.set('direction', 'inbound');
    return <ReferralListPage search={inbox} basePath="/" linkTo={(id) => `/referrals/${id}`} />;
  }
  if (path === '/referrals') {
    return (
      <ReferralListPage search={search} basePath="/referrals" linkTo={(id) => `/referrals/${id}`} />
    );
  }
  if (path === '/referrals/new') return <NewReferralPage />;
  if ((match = new RegExp(`^/referrals/(${UUID})$`).exec(path)) !== null && match[1]) {
    return <ReferralPage id={match[1]} />;
  }
  if (path === '/figures') return <FiguresPage />;
  if (path === '/audit') return <AuditPage search={search} />;
  if ((match = new RegExp(`^/audit/referrals/(${UUID})$`).exec(path)) !== null && match[1]) {
    return <AuditReferralPage id={match[1]} />;
  }
  return (
    <section>
      <h1>{t('common.notFound')}</h1>
      <p>
        <Link to="/">{t('common.back')}</Link>
      </p>
    </section>
  );
}
