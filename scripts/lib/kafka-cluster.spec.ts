import {
  clusterBrokers,
  clusterNodes,
  clusterServerProperties,
  defaultClusterOptions,
} from './kafka-cluster';

describe(defaultClusterOptions.name, () => {
  it('takes the three consecutive ports KAFKA_BROKERS names', () => {
    const opts = defaultClusterOptions('127.0.0.1:9300,127.0.0.1:9301,127.0.0.1:9302');

    expect(clusterBrokers(opts)).toEqual(['127.0.0.1:9300', '127.0.0.1:9301', '127.0.0.1:9302']);
    expect(clusterNodes(opts).map((n) => n.controllerPort)).toEqual([9303, 9304, 9305]);
  });

  it('stays clear of the single broker when KAFKA_BROKERS names one', () => {
    expect(clusterBrokers(defaultClusterOptions(''))).toEqual([
      '127.0.0.1:9122',
      '127.0.0.1:9123',
      '127.0.0.1:9124',
    ]);
    expect(defaultClusterOptions('127.0.0.1:9292').basePort).toBe(9322);
  });

  it('refuses three brokers it cannot run as one local cluster', () => {
    expect(() => defaultClusterOptions('127.0.0.1:9300,127.0.0.1:9302,127.0.0.1:9304')).toThrow(
      /3 consecutive ports on one host/,
    );
  });
});

describe(clusterServerProperties.name, () => {
  const opts = { host: '127.0.0.1', basePort: 19300 };
  const [, second] = clusterNodes({ ...opts, cacheDir: '', instance: 'x' });
  const props = second ? clusterServerProperties(opts, second, '/d').split('\n') : [];

  it('makes every node broker and controller, all of them voters', () => {
    expect(props).toEqual(
      expect.arrayContaining([
        'process.roles=broker,controller',
        'node.id=2',
        'controller.quorum.voters=1@127.0.0.1:19303,2@127.0.0.1:19304,3@127.0.0.1:19305',
        'listeners=PLAINTEXT://127.0.0.1:19301,CONTROLLER://127.0.0.1:19304',
        'advertised.listeners=PLAINTEXT://127.0.0.1:19301',
        'log.dirs=/d',
      ]),
    );
  });

  it('replicates three times, needs two in sync, and never elects an unclean leader', () => {
    expect(props).toEqual(
      expect.arrayContaining([
        'offsets.topic.replication.factor=3',
        'transaction.state.log.replication.factor=3',
        'transaction.state.log.min.isr=2',
        'default.replication.factor=3',
        'min.insync.replicas=2',
        'unclean.leader.election.enable=false',
      ]),
    );
  });
});
