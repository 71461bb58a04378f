import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { Role } from '../../src/auth/roles';
import { tokenFor } from './tokens';

/** The response of a hub call: status, body and headers. */
export interface HubResponse {
  status: number;
  body: any;
  headers: Record<string, string>;
}

/** An officer talking to the booted hub over HTTP with a dev-issuer token. */
export class Officer {
  private constructor(
    private readonly app: NestFastifyApplication,
    private readonly token: string,
    readonly party: string,
  ) {}

  static async of(
    app: NestFastifyApplication,
    party = 'LA-BOKEO-POLICE',
    roles: Role[] = ['liaison_officer'],
    sub = `officer-of-${party.toLowerCase()}`,
  ): Promise<Officer> {
    return new Officer(app, await tokenFor({ party, roles, sub }), party);
  }

  get(path: string): Promise<HubResponse> {
    return request(this.app.getHttpServer())
      .get(path)
      .auth(this.token, { type: 'bearer' })
      .then(toResponse);
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HubResponse> {
    const call = request(this.app.getHttpServer())
      .post(path)
      .auth(this.token, { type: 'bearer' })
      .set(headers);
    return (body === undefined ? call : call.send(body as object)).then(toResponse);
  }

  /** Creates a draft and returns its id (fails the test on anything but 201). */
  async createDraft(body: unknown): Promise<string> {
    const res = await this.post('/v1/referrals', body);
    if (res.status !== 201)
      throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  /** Creates and submits; returns the id. */
  async send(body: unknown): Promise<string> {
    const id = await this.createDraft(body);
    this.expectOk(await this.post(`/v1/referrals/${id}/submit`, {}));
    return id;
  }

  async act(id: string, action: string, body: unknown = {}): Promise<HubResponse> {
    return this.post(`/v1/referrals/${id}/${action}`, body);
  }

  private expectOk(res: HubResponse): HubResponse {
    if (res.status !== 200)
      throw new Error(`expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}

function toResponse(res: request.Response): HubResponse {
  return { status: res.status, body: res.body, headers: res.headers };
}
