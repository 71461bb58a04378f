import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BrokerModeError,
  listenerMode,
  startBroker,
  type BrokerOptions,
} from '../../scripts/lib/kafka-broker';
import {
  localBrokerSecurity,
  tlsListenerPorts,
  type BrokerSecurity,
} from '../../scripts/lib/kafka-security';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { KAFKA_BROKERS, SECURED } from '../support/kafka-clients';

/*
 * The scripts' checks of what is already listening, against the suite's own (tls) broker,
 * seen from a cache folder that has no pid file: a broker "someone else started". None of these
 * starts a JVM.
 */

const REPO = join(__dirname, '..', '..');
const [host = '', port = ''] = (KAFKA_BROKERS[0] ?? '').split(':');

function options(security: BrokerSecurity): BrokerOptions {
  return {
    host,
    port: Number(port),
    controllerPort: Number(port) + 1,
    cacheDir: mkdtempSync(join(tmpdir(), 'local-broker-')),
    security,
    onOtherMode: 'refuse',
  };
}

describe('the local broker scripts, facing a broker that is already listening', () => {
  let tls: BrokerSecurity;
  let otherUsers: BrokerSecurity;

  beforeAll(async () => {
    if (!SECURED) throw new Error('this suite needs the broker in tls mode (npm test)');
    ({ security: tls } = await localBrokerSecurity(
      'tls',
      REPO,
      loadPartyRegistry(join(REPO, 'config')),
    ));
    otherUsers =
      tls.mode === 'tls' ? { ...tls, admin: { ...tls.admin, password: 'not-the-password' } } : tls;
  });

  it('tells the mode of each listener', async () => {
    const { saslPlaintext } = tlsListenerPorts(Number(port));
    await expect(listenerMode(host, Number(port), 2000, tls)).resolves.toBe('tls');
    await expect(listenerMode(host, Number(port), 2000, otherUsers)).resolves.toBe(
      'tls-other-credentials',
    );
    await expect(listenerMode(host, Number(port), 2000, { mode: 'plaintext' })).resolves.toBe(
      'tls',
    );
    await expect(listenerMode(host, saslPlaintext, 2000, tls)).resolves.toBe('scram');
  });

  it('does not take a tls broker for a plaintext one, and says what to do', async () => {
    const opts = options({ mode: 'plaintext' });

    const refusal = startBroker(opts);

    await expect(refusal).rejects.toThrow(BrokerModeError);
    await expect(refusal).rejects.toThrow(
      `a broker this checkout did not start is listening on ${host}:${port} in tls mode, and ` +
        'this needs plaintext mode',
    );
    expect(existsSync(join(opts.cacheDir, 'broker.pid'))).toBe(false);
  });

  it('does not use a tls broker that refuses our credentials', async () => {
    await expect(startBroker(options(otherUsers))).rejects.toThrow(
      'in tls mode, with a certificate the CA in .dev/tls did not sign or refusing the credentials in .dev/kafka',
    );
  });

  it('reuses a tls broker that takes our credentials, its ACLs already as planned', async () => {
    await expect(startBroker(options(tls))).resolves.toEqual({
      reused: true,
      readyMs: 0,
      acls: { created: 0, deleted: 0 },
    });
  });
});
