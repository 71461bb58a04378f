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
  roles: readonly Role[];
}
