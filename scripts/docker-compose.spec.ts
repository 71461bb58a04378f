import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/repo-root';

/** One service of docker-compose.yml: what these checks read of it. */
interface Service {
  profiles: string[];
  environment: Record<string, string>;
  ports: string[];
  dependsOn: string[];
}

function unquote(value: string): string {
  return value.trim().replace(/^'(.*)'$/, '$1');
}

/**
 * The services of docker-compose.yml, read line by line: two-space indentation, block maps and
 * lists, scalars and one-line `[a, b]` lists, which is all the file uses where these checks
 * look. (No YAML parser is a dependency of the project, and one is not worth adding for this.)
 */
function services(): Map<string, Service> {
  const text = readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8');
  const found = new Map<string, Service>();
  let inServices = false;
  let service: Service | undefined;
  let section = '';
  for (const raw of text.split('\n')) {
    if (/^\s*(#|$)/.test(raw)) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      inServices = line === 'services:';
      service = undefined;
      continue;
    }
    if (!inServices) continue;
    if (indent === 2) {
      service = { profiles: [], environment: {}, ports: [], dependsOn: [] };
      found.set(line.replace(/:$/, ''), service);
      continue;
    }
    if (service === undefined) continue;
    if (indent === 4) {
      const [key = '', rest = ''] = line.split(/:\s*(.*)/);
      section = key;
      if (key === 'profiles') {
        service.profiles = rest.replace(/[[\]]/g, '').split(',').map(unquote);
      }
      continue;
    }
    if (indent === 6 && section === 'environment') {
      const [key = '', value = ''] = line.split(/:\s*(.*)/);
      service.environment[key] = unquote(value);
    } else if (indent === 6 && section === 'ports') {
      service.ports.push(unquote(line.replace(/^-\s*/, '')));
    } else if (indent === 6 && section === 'depends_on') {
      service.dependsOn.push(line.replace(/:$/, ''));
    }
  }
  return found;
}

/** `NAME://host:port` entries of a listeners setting, by name. */
function listeners(value: string | undefined): Record<string, { host: string; port: number }> {
  return Object.fromEntries(
    (value ?? '').split(',').map((entry) => {
      const match = /^([A-Z]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
      if (!match) throw new Error(`not a listener: ${entry}`);
      return [match[1], { host: match[2], port: Number(match[3]) }];
    }),
  );
}

describe('the Docker compose cluster (profile cluster)', () => {
  const all = services();
  const names = [...all.keys()].filter((name) => /^kafka-\d+$/.test(name));
  const nodes = names.map((name) => ({ name, ...(all.get(name) as Service) }));

  it('has three nodes, all in the cluster profile, with ids 1 to 3', () => {
    expect(names).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    expect(nodes.map((n) => n.profiles)).toEqual([['cluster'], ['cluster'], ['cluster']]);
    expect(nodes.map((n) => n.environment['KAFKA_NODE_ID'])).toEqual(['1', '2', '3']);
    expect(new Set(nodes.map((n) => n.environment['CLUSTER_ID'])).size).toBe(1);
    expect(nodes.map((n) => n.environment['KAFKA_PROCESS_ROLES'])).toEqual(
      Array(3).fill('broker,controller'),
    );
  });

  it('names every node as a voter, at the controller listener each one has', () => {
    const voters = nodes
      .map((n) => {
        const controller = listeners(n.environment['KAFKA_LISTENERS'])['CONTROLLER'];
        return `${n.environment['KAFKA_NODE_ID']}@${n.name}:${controller?.port}`;
      })
      .join(',');

    for (const node of nodes) {
      expect(node.environment['KAFKA_CONTROLLER_QUORUM_VOTERS']).toBe(voters);
    }
  });

  it('advertises each node where the containers and the host reach it', () => {
    for (const node of nodes) {
      const bound = listeners(node.environment['KAFKA_LISTENERS']);
      const advertised = listeners(node.environment['KAFKA_ADVERTISED_LISTENERS']);
      expect(advertised['DOCKER']).toEqual({ host: node.name, port: bound['DOCKER']?.port });
      expect(node.ports).toEqual([`127.0.0.1:${advertised['HOST']?.port}:${bound['HOST']?.port}`]);
      expect(node.environment['KAFKA_INTER_BROKER_LISTENER_NAME']).toBe('DOCKER');
    }
    const hostPorts = nodes.map((n) => n.ports[0]?.split(':')[1]);
    expect(new Set(hostPorts).size).toBe(3);
  });

  it('replicates internal and new topics three times, writes needing two in sync', () => {
    for (const node of nodes) {
      expect(node.environment).toEqual(
        expect.objectContaining({
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
          KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
          KAFKA_MIN_INSYNC_REPLICAS: '2',
          KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        }),
      );
    }
  });

  it('points its hub at all three nodes, asking for the same durability', () => {
    const hub = all.get('hub-cluster');
    const docker = nodes.map((n) => {
      const { host, port } = listeners(n.environment['KAFKA_ADVERTISED_LISTENERS'])['DOCKER'] ?? {};
      return `${host}:${port}`;
    });

    expect(hub?.profiles).toEqual(['cluster']);
    expect(hub?.environment['KAFKA_BROKERS']).toBe(docker.join(','));
    expect(hub?.environment['KAFKA_REPLICATION_FACTOR']).toBe('3');
    expect(hub?.environment['KAFKA_MIN_INSYNC_REPLICAS']).toBe('2');
    expect(hub?.dependsOn).toEqual(expect.arrayContaining(names));
    // Beside the single-broker hub, not instead of it: another host port.
    expect(hub?.ports).not.toEqual(all.get('hub')?.ports);
  });
});
