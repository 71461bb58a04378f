import type { Role } from './roles';

/**
 * Who is calling the HTTP API, as established by {@link AuthGuard} from a verified token. Every
 * authorisation decision of the hub starts from this.
 */
export interface Principal {
  /** The officer (token `sub`). */
  sub: string;
  /** The officer's agency: a registered party code. */
  party: string;
  /** ISO country of the party. */
  country: string;
  /**
   * How the party reaches the hub (registry): `http` for Lao agencies; `kafka` for a party its
   * country's partner system speaks for, whose officers may read over HTTP but change nothing.
   */
  channel: 'http' | 'kafka';
  roles: readonly Role[];
}
