import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_TYPES,
  canonicalJson,
  HUB_SOURCE,
  toTopic,
  type CloudEvent,
} from '@hub/contracts';
import type { Producer } from 'kafkajs';
import { Officer } from '../support/hub-client';
import {
  KAFKA_BROKERS,
  SECURED,
  TRANSPORTS,
  brokersOf,
  devCertificate,
  hubKafka,
  partnerLogin,
  type Transport,
} from '../support/kafka-clients';
import { victimReferral } from '../support/referral-fixtures';
import { startTestApp } from '../support/test-app';

/*
 * A partner system not written in TypeScript (issue 16): libs/partner-python/mrh_partner.py,
 * Python with confluent-kafka (librdkafka), its own RFC 8785 canonical JSON and detached JWS,
 * against the real hub and broker, logged in as Viet Nam's principal over each of the broker's
 * listeners: SCRAM over SASL_SSL and SASL_PLAINTEXT, and a client certificate over SSL. Debian's
 * python3 with python3-confluent-kafka and python3-cryptography (`.ci/run` installs them).
 */

const ROOT = join(__dirname, '..', '..');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const KEYS = join(ROOT, '.dev', 'keys');

/** One line the Python partner printed. */
type Said = Record<string, unknown>;

/** The Python partner as a child process, its JSON lines collected as they come. */
class PythonPartner {
  readonly lines: Said[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(referralId: string, transport: Transport | undefined) {
    const login = SECURED && transport !== 'SSL' ? partnerLogin('VN') : undefined;
    const tls = transport === 'SASL_SSL' || transport === 'SSL';
    const certificate = devCertificate('partner-VN');
    this.child = spawn(
      PYTHON,
      [
        join(ROOT, 'libs', 'partner-python', 'mrh_partner.py'),
        '--country',
        'VN',
        '--party',
        'VN-MPS',
        '--referral',
        referralId,
        '--brokers',
        (transport === undefined ? KAFKA_BROKERS : brokersOf(transport)).join(','),
        ...(tls ? ['--ca-file', join(ROOT, '.dev', 'tls', 'ca.pem')] : []),
        ...(transport === 'SSL'
          ? ['--cert-file', certificate.certFile, '--key-file', certificate.keyFile]
          : []),
        '--hub-key',
        join(KEYS, 'hub.public.jwk'),
        '--key',
        join(KEYS, 'partner-VN.private.jwk'),
        '--timeout',
        '90',
      ],
      {
        env: {
          ...process.env,
          ...(login && { MRH_KAFKA_USERNAME: login.username, MRH_KAFKA_PASSWORD: login.password }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stdout = this.child.stdout;
    if (stdout === null) throw new Error('no stdout');
    createInterface({ input: stdout }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Said);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  get errors(): string {
    return this.stderr;
  }

  async waitFor(what: string, probe: (line: Said) => boolean, timeoutMs = 60_000): Promise<Said> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(probe);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`the Python partner never said ${what}:\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

describe('a partner system written in Python with confluent-kafka', () => {
  let app: NestFastifyApplication;
  let bokeo: Officer;
  let forger: Producer;

  beforeAll(async () => {
    app = await startTestApp();
    bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer'], 'khamla');
    forger = hubKafka('python-partner-forger').producer();
    await forger.connect();
  });

  afterAll(async () => {
    await forger?.disconnect();
    await app?.close();
  });

  // Without TLS (a scram or plaintext broker), once where KAFKA_BROKERS points.
  const over: (Transport | undefined)[] = TRANSPORTS.length > 0 ? [...TRANSPORTS] : [undefined];

  it.each(over)(
    'verifies the hub’s signatures, acknowledges and accepts a referral, and receives its receipts (%s)',
    async (transport) => {
      const referralId = await bokeo.createDraft(victimReferral('VN-MPS'));
      const python = new PythonPartner(referralId, transport);
      try {
        await python.waitFor('that it is ready', (l) => l['ready'] === true);
        // Someone with write access to the topic (not the hub) sends a submission for it, with a
        // signature that is not the hub's: the partner must not act on it.
        const forged: CloudEvent = {
          specversion: '1.0',
          id: randomUUID(),
          source: HUB_SOURCE,
          type: EVENT_TYPES.referralSubmitted,
          subject: referralId,
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          referralseq: 1,
          data: { referralId },
          jws: 'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vdC10aGUtaHViIn0..AAAA',
        };
        await forger.send({
          topic: toTopic('VN'),
          messages: [
            {
              key: referralId,
              value: JSON.stringify(forged),
              headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
            },
          ],
        });
        await python.waitFor('that it refused the forgery', (l) => l['refused'] === forged.id);

        const submitted = await bokeo.post(`/v1/referrals/${referralId}/submit`, {});
        expect(submitted.body.status).toBe('SUBMITTED');

        const accepted = await python.waitFor('that the referral was accepted', (l) => {
          return l['accepted'] === referralId;
        });
        expect(await python.exited).toBe(0);

        const said = python.lines;
        const sent = said.filter((l) => 'sent' in l).map((l) => [l['type'], l['referralseq']]);
        const answers = said.filter((l) => 'answer' in l);
        expect(sent).toEqual([
          [EVENT_TYPES.referralAcknowledged, 1],
          [EVENT_TYPES.referralAccepted, 2],
        ]);
        expect(
          answers.map((a) => [a['answer'], (a['data'] as { status?: string }).status]),
        ).toEqual([
          [EVENT_TYPES.receipt, 'APPLIED'],
          [EVENT_TYPES.receipt, 'APPLIED'],
        ]);
        expect(accepted['referralseq']).toBe(3);
        // It checked the hub's own signature on the submission (Lao and Vietnamese text in it) and
        // on both receipts with its own canonical JSON.
        const verified = said.filter((l) => 'verified' in l).map((l) => l['type']);
        expect(verified).toEqual(
          expect.arrayContaining([EVENT_TYPES.referralSubmitted, EVENT_TYPES.receipt]),
        );
        // The forgery was refused, and nothing was sent before the hub's own submission came.
        expect(said.filter((l) => 'refused' in l).map((l) => l['refused'])).toContain(forged.id);
        const refusedAt = said.findIndex((l) => l['refused'] === forged.id);
        expect(said.findIndex((l) => 'sent' in l)).toBeGreaterThan(refusedAt);
        // And the hub checked the partner's signature, made in Python, and applied both.
        const referral = await bokeo.get(`/v1/referrals/${referralId}`);
        expect(referral.body.status).toBe('ACCEPTED');
      } finally {
        python.stop();
      }
    },
  );

  it('canonicalises JSON exactly as the hub does (RFC 8785), scripts and numbers included', () => {
    const tricky = {
      person: { names: [{ script: 'Laoo', given: 'ສົມພອນ', family: 'ແກ້ວມະນີ' }] },
      '\u20ac': 'euro before the emoji key, by UTF-16 code units',
      '\ud83d\ude00': ['王伟', 'Nguyễn Thị Hoa', 'ញឹម សុខា', 'สมชาย'],
      escapes: 'quote " backslash \\ newline \n tab \t bell \u0007 slash / line sep \u2028',
      numbers: [
        0, -0, 1, -1, 0.1, 0.30000000000000004, 1e-7, 0.000001, 1e21, 123456789012, 1.5e300,
      ],
      nested: { z: null, a: true, m: false },
    };
    const python = spawnSync(
      PYTHON,
      [
        '-c',
        'import json, sys, mrh_partner; sys.stdout.write(mrh_partner.jcs(json.load(sys.stdin)))',
      ],
      {
        cwd: join(ROOT, 'libs', 'partner-python'),
        input: JSON.stringify(tricky),
        encoding: 'utf8',
      },
    );

    expect(python.stderr).toBe('');
    expect(python.stdout).toBe(canonicalJson(tricky));
  });
});
