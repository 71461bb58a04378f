import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  ASYNCAPI_FILE,
  buildAsyncApiDocument,
  readInboundErrorCodes,
  readPartnerCountries,
  renderAsyncApiYaml,
} from '../../../../scripts/generate-asyncapi';
import { EVENT_DATA_CLASSES } from '../events/event-data-classes';
import { EVENT_TYPES, EVENT_TYPE_VALUES, type EventType } from '../events/event-types';
import { asyncApiDocument, type AsyncApiDocument } from './asyncapi-document';

const ROOT = join(__dirname, '../../../..');

const document: AsyncApiDocument = buildAsyncApiDocument(ROOT);

/** The component key of each event type's message: its key in EVENT_TYPES. */
const MESSAGE_KEY = new Map(Object.entries(EVENT_TYPES).map(([key, type]) => [type, key]));

const BASE = 'https://schemas.test/';

/** Validators of the document's message payloads (`payload/<key>`), with its schemas as `$defs`. */
function payloadValidators(doc: AsyncApiDocument): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: true, strictRequired: false });
  addFormats(ajv);
  const asDefs = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value).replaceAll('"#/components/schemas/', `"${BASE}contract#/$defs/`),
    );
  ajv.addSchema({ $id: `${BASE}contract`, $defs: asDefs(doc.components.schemas) as object });
  for (const [key, message] of Object.entries(doc.components.messages)) {
    ajv.addSchema(asDefs(message.payload) as object, `${BASE}payload/${key}`);
  }
  return ajv;
}

describe('docs/asyncapi.yaml', () => {
  it('is up to date: the same as generating it now', () => {
    const committed = readFileSync(join(ROOT, ASYNCAPI_FILE), 'utf8');

    // Not toEqual: a diff of thousands of lines would bury the instruction.
    if (committed !== renderAsyncApiYaml(ROOT)) {
      throw new Error(`${ASYNCAPI_FILE} is out of date: run npx tsx scripts/generate-asyncapi.ts`);
    }
  });
});

describe('the AsyncAPI document', () => {
  it('is AsyncAPI 3.0.0 with the contract title and version', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.info).toMatchObject({
      title: 'Mekong Referral Hub partner contract',
      version: '1.0.0',
    });
    for (const header of [
      'mrh-dlq-code',
      'mrh-dlq-detail',
      'mrh-dlq-original-topic',
      'mrh-dlq-original-partition',
      'mrh-dlq-original-offset',
      'mrh-dlq-at',
    ]) {
      expect(document.info.description).toContain(header);
    }
  });

  it('describes the secured development server: SCRAM login and what the ACLs allow', () => {
    expect(document.servers['developmentScram']?.security).toEqual([
      { $ref: '#/components/securitySchemes/scramSha512' },
    ]);
    expect(document.components.securitySchemes['scramSha512']?.type).toBe('scramSha512');
    expect(document.servers['developmentTls']).toMatchObject({
      host: '127.0.0.1:9092',
      protocol: 'kafka-secure',
      security: [{ $ref: '#/components/securitySchemes/scramSha512' }],
    });
    expect(document.servers['developmentMtls']).toMatchObject({
      host: '127.0.0.1:9094',
      protocol: 'kafka-secure',
      security: [{ $ref: '#/components/securitySchemes/clientCertificate' }],
    });
    expect(document.components.securitySchemes['clientCertificate']?.type).toBe('X509');
    for (const rule of [
      'READ on `referral-hub.to.CC` and `referral-hub.from.CC.dlq`',
      'WRITE on `referral-hub.from.CC`',
      '(`partner-CC-…`)',
    ]) {
      expect(document.info.description).toContain(rule);
    }
  });

  it('has one message per event type, on the hub-to-partner channel unless only partners send it', () => {
    const messages = document.components.messages;
    const partnerOnly: readonly EventType[] = [
      EVENT_TYPES.auditCosigned,
      EVENT_TYPES.auditForkDetected,
    ];

    for (const type of EVENT_TYPE_VALUES) {
      const key = MESSAGE_KEY.get(type) ?? '';
      expect(messages[key]).toMatchObject({
        name: type,
        contentType: 'application/cloudevents+json',
        headers: { properties: { ce_type: { const: type } } },
      });
      expect(messages[key]?.payload.allOf?.[1]?.properties?.['data']).toEqual({
        $ref: `#/components/schemas/${EVENT_DATA_CLASSES[type].name}`,
      });
      expect(document.channels['toPartner']?.messages[key]).toEqual(
        partnerOnly.includes(type) ? undefined : { $ref: `#/components/messages/${key}` },
      );
    }
  });

  it('lets partners send the business events and receipts, not the hub notices', () => {
    const sent = Object.keys(document.channels['fromPartner']?.messages ?? {});

    expect(sent).toContain('referralSubmitted');
    expect(sent).toContain('receipt');
    expect(sent).not.toContain('eventRejected');
    expect(sent).not.toContain('auditCheckpoint');
    expect(sent).not.toContain('referralOverdue');
    expect(sent).toContain('auditCosigned');
    expect(sent).toContain('auditForkDetected');
    expect(document.operations['sendPartnerEvents']?.reply?.messages).toEqual([
      { $ref: '#/channels/toPartner/messages/receipt' },
      { $ref: '#/channels/toPartner/messages/eventRejected' },
    ]);
  });

  it('parameterises the three topics by the registry partner countries', () => {
    expect(document.components.parameters['country']?.enum).toEqual(['CN', 'KH', 'TH', 'VN']);
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual([
      'referral-hub.to.{country}',
      'referral-hub.from.{country}',
      'referral-hub.from.{country}.dlq',
    ]);
  });

  it('resolves every $ref', () => {
    const unresolved: string[] = [];
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const { $ref } = node as { $ref?: unknown };
      if (typeof $ref === 'string') {
        const target = $ref
          .replace(/^#\//, '')
          .split('/')
          .reduce<unknown>(
            (at, part) =>
              typeof at === 'object' && at !== null ? Reflect.get(at, part) : undefined,
            document,
          );
        if (target === undefined) unresolved.push($ref);
      }
      for (const child of Object.values(node)) visit(child);
    };
    visit(document);

    expect(unresolved).toEqual([]);
  });

  it('lists the hub refusal codes in the rejection code description', () => {
    const code = document.components.schemas['EventRejectedData']?.properties?.['code'];

    expect(code?.description).toContain('`invalid-transition`');
    expect(code?.description).toContain('`bad-signature`');
  });

  it('carries message examples that its own payload schemas accept', () => {
    const ajv = payloadValidators(document);
    const examples = Object.entries(document.components.messages).flatMap(([key, message]) =>
      (message.examples ?? []).map((example) => ({ key, example })),
    );

    expect(examples.map(({ example }) => example.name)).toEqual([
      'victim-repatriation',
      'suspect-handoff',
    ]);
    for (const { key, example } of examples) {
      const validate = ajv.getSchema(`${BASE}payload/${key}`);
      expect(validate?.(example.payload) ? [] : validate?.errors).toEqual([]);
    }
  });

  it('refuses, through its payload schemas, an event of the wrong type or source', () => {
    const ajv = payloadValidators(document);
    const validate = ajv.getSchema(`${BASE}payload/referralAccepted`);
    const event = {
      specversion: '1.0',
      id: '5d0c9a4e-2f57-4a55-8f0e-7f3b2f2b9c41',
      source: '/parties/TH-POLICE',
      type: 'mrh.referral.accepted.v1',
      time: '2026-11-20T10:00:00+07:00',
      data: { referralId: '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10' },
    };

    expect(validate?.(event)).toBe(true);
    expect(validate?.({ ...event, type: 'mrh.referral.rejected.v1' })).toBe(false);
    expect(validate?.({ ...event, source: '/hub' })).toBe(false);
    expect(validate?.({ ...event, jws: 'not a signature' })).toBe(false);
    expect(validate?.({ ...event, unknownAttribute: 1 })).toBe(true);
  });

  it('is the same for the same inputs, whatever their order', () => {
    const inputs = {
      countries: ['VN', 'TH'],
      inboundErrorCodes: [{ code: 'invalid-data', deadLettered: true }],
    };

    expect(JSON.stringify(asyncApiDocument(inputs))).toBe(
      JSON.stringify(asyncApiDocument({ ...inputs, countries: ['TH', 'VN'] })),
    );
  });
});

describe('inputs read from outside the library', () => {
  it('reads the partner countries from the party registry', () => {
    expect(readPartnerCountries(join(ROOT, 'config/parties.json'))).toEqual([
      'CN',
      'KH',
      'TH',
      'VN',
    ]);
  });

  it('reads the refusal codes and which of them are dead-lettered', () => {
    const codes = readInboundErrorCodes(join(ROOT, 'src/partners/inbound-error.ts'));

    expect(codes).toContainEqual({ code: 'invalid-transition', deadLettered: false });
    expect(codes).toContainEqual({ code: 'malformed-event', deadLettered: true });
    expect(codes.length).toBeGreaterThanOrEqual(16);
  });
});
