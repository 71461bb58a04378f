import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import {
  asyncApiDocument,
  CLOUDEVENTS_SPEC_VERSION,
  cloudEventHeaders,
  EVENT_TYPES,
  partySource,
  toYaml,
  type AsyncApiDocument,
  type CloudEvent,
  type InboundErrorCodeInfo,
  type JsonValue,
  type MessageExample,
} from '@hub/contracts';
import { repoRoot } from './lib/repo-root';

/** Where the AsyncAPI document is committed, relative to the repository root. */
export const ASYNCAPI_FILE = 'docs/asyncapi.yaml';

/** The hub's refusal codes: read from the source (not imported: the library must not need src/). */
const INBOUND_ERROR_FILE = 'src/partners/inbound-error.ts';

const PARTY_REGISTRY_FILE = 'config/parties.json';

const EXAMPLES_DIR = 'libs/contracts/src/referral/examples';

/**
 * `npm run asyncapi`: writes docs/asyncapi.yaml, the AsyncAPI 3.0 document of the Kafka contract,
 * from the contract's classes, the party registry and the hub's refusal codes. With `--check`
 * (CI), writes nothing and fails when the committed document differs from a fresh one.
 */
function main(): number {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const root = repoRoot();
  const file = join(root, ASYNCAPI_FILE);
  const fresh = renderAsyncApiYaml(root);
  if (!values.check) {
    writeFileSync(file, fresh);
    console.log(`asyncapi: wrote ${ASYNCAPI_FILE}`);
    return 0;
  }
  let committed: string;
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    console.error(`asyncapi: ${ASYNCAPI_FILE} is missing; run npm run asyncapi and commit it`);
    return 1;
  }
  if (committed === fresh) {
    console.log(`asyncapi: ${ASYNCAPI_FILE} is up to date`);
    return 0;
  }
  const line = firstDifferentLine(committed, fresh);
  console.error(
    `asyncapi: ${ASYNCAPI_FILE} is out of date (first difference at line ${line}): the contract ` +
      'classes, the party registry or the refusal codes changed. Run npm run asyncapi and ' +
      'commit the result.',
  );
  return 1;
}

/** The AsyncAPI document of the contract, with the inputs read from the files under `root`. */
export function buildAsyncApiDocument(root: string = repoRoot()): AsyncApiDocument {
  return asyncApiDocument({
    countries: readPartnerCountries(join(root, PARTY_REGISTRY_FILE)),
    inboundErrorCodes: readInboundErrorCodes(join(root, INBOUND_ERROR_FILE)),
    examples: { [EVENT_TYPES.referralSubmitted]: submittedExamples(join(root, EXAMPLES_DIR)) },
  });
}

/** The text of {@link ASYNCAPI_FILE} as it should be committed. */
export function renderAsyncApiYaml(root: string = repoRoot()): string {
  return toYaml(buildAsyncApiDocument(root));
}

/** The countries of the registry's partner systems, sorted. */
export function readPartnerCountries(file: string): string[] {
  const registry: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const systems: unknown =
    typeof registry === 'object' && registry !== null
      ? (registry as { partnerSystems?: unknown }).partnerSystems
      : undefined;
  if (!Array.isArray(systems)) throw new Error(`${file}: no partnerSystems list`);
  const countries = systems.map((system: unknown) => {
    const country: unknown =
      typeof system === 'object' && system !== null
        ? (system as { country?: unknown }).country
        : undefined;
    if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
      throw new Error(`${file}: a partner system without a country code`);
    }
    return country;
  });
  return [...new Set(countries)].sort();
}

/**
 * The members of the `InboundErrorCode` union in source order, each marked with whether it is in
 * `DEAD_LETTER_CODES`, read with the TypeScript parser so that layout and comments do not matter.
 */
export function readInboundErrorCodes(file: string): InboundErrorCodeInfo[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  let codes: string[] | undefined;
  let deadLettered: string[] | undefined;
  const strings = (nodes: readonly ts.Node[], what: string): string[] =>
    nodes.map((node) => {
      const literal = ts.isLiteralTypeNode(node) ? node.literal : node;
      if (ts.isStringLiteral(literal)) return literal.text;
      throw new Error(`${file}: ${what} has a member that is not a string literal`);
    });
  const visit = (node: ts.Node): void => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === 'InboundErrorCode') {
      if (!ts.isUnionTypeNode(node.type)) throw new Error(`${file}: InboundErrorCode not a union`);
      codes = strings(node.type.types, 'InboundErrorCode');
    } else if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === 'DEAD_LETTER_CODES'
    ) {
      const list = findArrayLiteral(node.initializer);
      if (!list) throw new Error(`${file}: DEAD_LETTER_CODES has no array literal`);
      deadLettered = strings(list.elements, 'DEAD_LETTER_CODES');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (codes === undefined || codes.length === 0 || deadLettered === undefined) {
    throw new Error(`${file}: InboundErrorCode or DEAD_LETTER_CODES not found`);
  }
  const known = new Set(codes);
  const unknown = deadLettered.filter((code) => !known.has(code));
  if (unknown.length > 0) throw new Error(`${file}: unknown dead-letter codes ${unknown.join()}`);
  const dead = new Set(deadLettered);
  return codes.map((code) => ({ code, deadLettered: dead.has(code) }));
}

function findArrayLiteral(node: ts.Node | undefined): ts.ArrayLiteralExpression | undefined {
  if (node === undefined) return undefined;
  if (ts.isArrayLiteralExpression(node)) return node;
  return ts.forEachChild(node, findArrayLiteral);
}

/** The contract's two example referrals as `mrh.referral.submitted.v1` events to a partner. */
function submittedExamples(dir: string): MessageExample[] {
  const examples = [
    {
      file: 'victim-repatriation',
      from: 'LA-BOKEO-POLICE',
      referralId: '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10',
      eventId: '5d0c9a4e-2f57-4a55-8f0e-7f3b2f2b9c41',
      time: '2026-11-18T10:00:00+07:00',
    },
    {
      file: 'suspect-handoff',
      from: 'LA-PDPCHT',
      referralId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      eventId: 'a2c4e6f8-1b3d-4f5a-9c7e-0d2f4a6c8e10',
      time: '2026-11-20T14:30:00+07:00',
    },
  ];
  return examples.map(({ file, from, referralId, eventId, time }) => {
    const content = JSON.parse(readFileSync(join(dir, `${file}.json`), 'utf8')) as Record<
      string,
      JsonValue
    >;
    const to = content['to'];
    if (typeof to !== 'string') throw new Error(`${file}.json: no "to" party`);
    const event: CloudEvent<Record<string, JsonValue>> = {
      specversion: CLOUDEVENTS_SPEC_VERSION,
      id: eventId,
      source: partySource(from),
      type: EVENT_TYPES.referralSubmitted,
      subject: referralId,
      time,
      datacontenttype: 'application/json',
      recipient: to,
      referralseq: 1,
      data: { referralId, from, submittedAt: time, ...content },
    };
    return {
      name: file,
      summary:
        `The contract example ${file}.json as sent to ${to} (signature \`jws\` left out). ` +
        `Record key: ${referralId}.`,
      headers: cloudEventHeaders(event),
      payload: event as unknown as Record<string, JsonValue>,
    };
  });
}

function firstDifferentLine(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  const index = left.findIndex((line, i) => line !== right[i]);
  return (index === -1 ? left.length : index) + 1;
}

if (require.main === module) process.exitCode = main();
