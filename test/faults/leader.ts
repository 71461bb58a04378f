import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { withDb } from './fault-checks';

/** The outbox relay's advisory-lock key (src/outbox/outbox-relay.ts). */
export const RELAY_LOCK_KEY = 727_001;

/**
 * The OS process (among `pids`) whose database session holds the advisory lock `key`: PostgreSQL
 * names the session's client port, and /proc says which process owns a socket on that port.
 */
export async function lockHolder(
  ownerUrl: string,
  key: number,
  pids: readonly number[],
): Promise<number | undefined> {
  const port = await withDb(ownerUrl, async (db) => {
    const rows = await db.query<{ client_port: number }>(
      `SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = $1 AND l.granted`,
      [key],
    );
    return rows.rows[0]?.client_port;
  });
  if (port === undefined) return undefined;
  const inode = socketInode(port);
  if (inode === undefined) return undefined;
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

/** Inode of the IPv4 TCP socket bound locally to 127.0.0.1:`port`. */
function socketInode(port: number): string | undefined {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local) return fields[9];
  }
  return undefined;
}
