import { HubProcess } from '../support/hub-process';

const REFUSAL = 'referral-hub: cannot start: ';

describe('a hub asking for more durability than the Kafka cluster gives', () => {
  it('stops with a line per problem naming the topic and the setting, and is never ready', async () => {
    // The test broker is one node: its topics have one replica, and a second cannot be made.
    const hub = new HubProcess(undefined, {
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      LOG_LEVEL: 'error',
    });

    await expect(hub.start(45_000)).rejects.toThrow(/^hub exited with 1/);

    const refusals = hub
      .logs()
      .split('\n')
      .filter((line) => line.startsWith(REFUSAL));
    expect(refusals.length).toBeGreaterThan(0);
    // Either the topics exist (other tests' hubs made them, one replica each) or they cannot be
    // made with three replicas on one broker.
    expect(refusals).toContainEqual(
      expect.stringMatching(
        /^referral-hub: cannot start: (topic referral-hub\.to\.VN: replication factor 1, wanted at least 3 \(KAFKA_REPLICATION_FACTOR\)|Kafka cluster: 1 live broker\(s\), KAFKA_REPLICATION_FACTOR=3 wants 3 to create .*referral-hub\.to\.VN)/,
      ),
    );
    expect(
      refusals.filter((l) => !/KAFKA_(REPLICATION_FACTOR|MIN_INSYNC_REPLICAS)/.test(l)),
    ).toEqual([]);
  });
});
