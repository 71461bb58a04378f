import { createContext, useContext } from 'react';
import type { Registry, RegistryParty, Session } from './api/types';
import type { UiLanguage } from './format/dates';
import type { CodeList, TextKey } from './i18n/texts';

export interface AppState {
  language: UiLanguage;
  setLanguage: (language: UiLanguage) => void;
  timeZone: string;
  setTimeZone: (zone: string) => void;
  t: (key: TextKey, values?: Record<string, string | number>) => string;
  code: (list: CodeList, value: string) => string;
  dateTime: (iso: string | null | undefined) => string;
  date: (isoDate: string | null | undefined) => string;
  session: Session | null;
  registry: Registry | null;
  party: (code: string) => RegistryParty | undefined;
  refreshSession: () => Promise<void>;
  /** The console page to go back to after signing in (below `/console`, e.g. `/referrals/…`). */
  returnTo: string;
  hasRole: (...roles: string[]) => boolean;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (state === null) throw new Error('useApp outside <App>');
  return state;
}

/** BCP 47 language of a party's local name, from its country, for the `lang` attribute. */
export function languageOfCountry(country: string): string {
  switch (country) {
    case 'LA':
      return 'lo';
    case 'TH':
      return 'th';
    case 'VN':
      return 'vi';
    case 'CN':
      return 'zh';
    case 'KH':
      return 'km';
    case 'MM':
      return 'my';
    default:
      return 'en';
  }
}
