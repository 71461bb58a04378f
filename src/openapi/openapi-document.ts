import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { ClassConstructor } from 'class-transformer';
import { LIFECYCLE_ACTIONS, ReferralContent, schemasOf } from '@hub/contracts';
import { RoutePermissions, type RouteRule } from '../auth/route-permissions';
import { REFERRAL_STATUSES } from '@hub/contracts';
import { PROBLEM_CONTENT_TYPE } from '../common/problem/render-problem';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['post']>;
type SchemaObject = Record<string, unknown>;

const GENERIC_ACTION_PATH = '/v1/referrals/{id}/{action}';

/**
 * The OpenAPI 3 document of the HTTP API, generated from the running application's routes (so it
 * cannot drift from them) with request schemas generated from the contract's payload classes.
 * The one generic action route is expanded into one documented path per lifecycle action (submit,
 * which has a route and a permission of its own, is documented the same way).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Mekong Referral Hub API')
    .setVersion('1.0.0')
    // 3.1: the contract's schemas use JSON Schema keywords (const, if/then) that 3.0 lacks.
    .setOpenAPIVersion('3.1.0')
    .setDescription(
      'HTTP API of the Mekong Referral Hub for liaison officers and auditors. Every `/v1` route ' +
        'needs `Authorization: Bearer <JWT>` (claims `sub`, `party`, `roles`). Errors are RFC 9457 ' +
        '`application/problem+json` with a stable `code` and, for validation, `errors` of ' +
        '`{path, message}`. The partner contract on Kafka is published as AsyncAPI (docs/asyncapi.yaml).',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  addPermissions(document, app.get(RoutePermissions).routes);
  expandActions(document);
  addProblemResponses(document);
  const bodies = Object.values(LIFECYCLE_ACTIONS).flatMap(({ body }) =>
    body === null ? [] : [body as ClassConstructor<object>],
  );
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...(schemasOf([ReferralContent, ...bodies], { unknownFields: 'refuse' }) as Record<
        string,
        SchemaObject
      >),
      ...VIEW_SCHEMAS,
    },
  };
  return document;
}

/** Extension naming the action of the role × action table an operation needs. */
const PERMISSION_EXTENSION = 'x-mrh-permission';

/** Each operation says which action (README, "Who may do what") it needs, from the route itself. */
function addPermissions(document: OpenAPIObject, rules: readonly RouteRule[]): void {
  for (const rule of rules) {
    const path = rule.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = document.paths[path];
    const operation = item?.[rule.method.toLowerCase() as 'get' | 'post'];
    if (!operation || rule.access === 'public') continue;
    const note = `Needs \`${rule.access}\` (see the role × action table).`;
    Object.assign(operation, {
      [PERMISSION_EXTENSION]: rule.access,
      description: operation.description ? `${operation.description}\n\n${note}` : note,
    });
  }
}

function permissionOf(operation: object): unknown {
  return (operation as Record<string, unknown>)[PERMISSION_EXTENSION];
}

/** One path per action instead of `{action}`, each with its own body schema. */
function expandActions(document: OpenAPIObject): void {
  const generic = document.paths[GENERIC_ACTION_PATH]?.post;
  if (!generic) return;
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path !== GENERIC_ACTION_PATH),
  );
  for (const [action, spec] of Object.entries(LIFECYCLE_ACTIONS)) {
    const operation: OperationObject = {
      ...generic,
      operationId: `referral_${action.replace('-', '_')}`,
      summary: `${action} (emits ${spec.eventType})`,
      parameters: (generic.parameters ?? []).filter((p) => !('name' in p) || p.name !== 'action'),
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema:
              spec.body === null
                ? { $ref: '#/components/schemas/SubmitBody' }
                : { $ref: `#/components/schemas/${spec.body.name}` },
          },
        },
      },
      responses: {
        '200': {
          description: 'The referral after the action; ETag is its new version',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/ReferralView' } },
          },
        },
        '403': { description: 'The action belongs to the other party (not-your-turn)' },
        '404': { description: 'No such referral visible to the caller' },
        '409': { description: 'Not allowed in the current state (invalid-transition)' },
        '412': { description: 'If-Match names an older version (version-mismatch)' },
        ...(action === 'submit' && {
          '422': { description: 'Consent to share data is missing (consent-required)' },
        }),
      },
    };
    // An action with a route of its own (submit) keeps that route's permission.
    const own = document.paths[`/v1/referrals/{id}/${action}`]?.post;
    if (own) {
      Object.assign(operation, {
        [PERMISSION_EXTENSION]: permissionOf(own),
        description: own.description,
      });
    }
    document.paths[`/v1/referrals/{id}/${action}`] = { post: operation };
  }
}

/** Every 4xx/5xx response is problem+json. */
function addProblemResponses(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.put, item.delete, item.patch]) {
      if (!operation) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status) || !response || !('description' in response)) continue;
        response.content = {
          [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } },
        };
      }
    }
  }
}

const REFERRAL_VIEW: SchemaObject = {
  type: 'object',
  required: [
    'id',
    'type',
    'status',
    'priority',
    'from',
    'to',
    'direction',
    'version',
    'referralSeq',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string' },
    status: { type: 'string', enum: [...REFERRAL_STATUSES] },
    priority: { type: 'string' },
    from: { type: 'string', description: 'Sending party' },
    to: { type: 'string', description: 'Receiving party' },
    direction: {
      type: ['string', 'null'],
      enum: ['outbound', 'inbound', null],
      description: "The caller's side; null when the caller is not a party (auditors)",
    },
    senderReference: { type: 'string' },
    receiverReference: { type: ['string', 'null'] },
    handlingCode: { type: 'string' },
    origin: { type: 'string', enum: ['http', 'kafka'] },
    version: { type: 'integer', description: 'Optimistic-concurrency token (ETag, If-Match)' },
    referralSeq: { type: 'integer', description: 'Last change number; 0 while a draft' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    submittedAt: { type: ['string', 'null'], format: 'date-time' },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    availableActions: { type: 'array', items: { type: 'string' } },
    content: {
      oneOf: [{ $ref: '#/components/schemas/ReferralContent' }, { type: 'null' }],
      description:
        "Only in the single-referral view of the referral's parties' officers; null once the personal data is erased",
    },
    personalDataErasedAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When the personal data was erased (its data key destroyed); null while kept',
    },
    consent: {
      oneOf: [{ $ref: '#/components/schemas/ConsentView' }, { type: 'null' }],
      description: "The victim's consent to share data; null for types that record none",
    },
    personalData: {
      type: 'string',
      enum: ['withheld', 'restricted'],
      description:
        'Present when the caller may not see personal data, and content is left out on purpose: ' +
        '`withheld` from auditors, `restricted` from the party asked to restrict its copy after ' +
        'the victim withdrew consent',
    },
  },
};

const CONSENT_VIEW: SchemaObject = {
  type: 'object',
  required: ['state'],
  properties: {
    state: { type: 'string', enum: ['GIVEN', 'WITHDRAWN'] },
    withdrawnBy: { type: 'string', enum: ['VICTIM', 'GUARDIAN'] },
    withdrawnOn: { type: 'string', format: 'date' },
    recordedBy: { type: 'string', description: 'The party that recorded the withdrawal' },
    recordedAt: { type: 'string', format: 'date-time' },
  },
};

const VIEW_SCHEMAS: Record<string, SchemaObject> = {
  ReferralView: REFERRAL_VIEW,
  ConsentView: CONSENT_VIEW,
  ReferralPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/ReferralView' } },
      nextCursor: { type: ['string', 'null'] },
    },
  },
  ReferralHistory: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            seq: { type: 'integer' },
            action: { type: 'string' },
            eventType: { type: 'string' },
            eventId: { type: 'string', format: 'uuid' },
            actorParty: { type: 'string' },
            actor: { type: 'string' },
            fromStatus: { type: 'string' },
            toStatus: { type: 'string' },
            data: { type: 'object' },
            causationId: { type: ['string', 'null'] },
            occurredAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
  SubmitBody: {
    type: 'object',
    additionalProperties: false,
    properties: {
      consentOverride: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        description: "A supervisor's decision to submit without the victim's consent to share data",
        properties: { reason: { type: 'string', minLength: 10, maxLength: 2000 } },
      },
    },
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', description: 'urn:mrh:problem:<code>' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      code: { type: 'string', description: 'Stable machine-readable code' },
      correlationId: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  },
};
