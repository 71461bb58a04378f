import { Agent, request } from 'node:http';

/** One POST the load generator sends; `id` names what it is about (a referral id). */
export interface LoadRequest {
  id: string;
  path: string;
  body: string;
}

/** What a load run saw: when each request was due and sent, and how each one ended. */
export interface LoadOutcome {
  /** performance.now() when the first request was sent. */
  startedAt: number;
  /** performance.now() when the last response arrived. */
  finishedAt: number;
  /** Per request id: when it was due (open loop) or sent (closed loop). */
  dueAt: Map<string, number>;
  /** Per request id: HTTP latency in ms (request due → response complete). */
  httpMs: Map<string, number>;
  failures: { id: string; status: number; body: string }[];
}

/** A keep-alive HTTP client for one server, shared by the load runs. */
export class HttpLoad {
  private readonly agent: Agent;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly headers: Record<string, string>,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One POST; resolves with the status and body (never rejects for HTTP errors). */
  post(path: string, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: {
            ...this.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Closed loop: `concurrency` workers, each sending its next request as soon as the previous
   * one answered. Finds the maximum rate; its latencies are not honest (the load backs off).
   */
  async closedLoop(requests: readonly LoadRequest[], concurrency: number): Promise<LoadOutcome> {
    const outcome = emptyOutcome();
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < requests.length; i = next++) {
        const r = requests[i] as LoadRequest;
        const sent = performance.now();
        outcome.dueAt.set(r.id, sent);
        await this.send(r, sent, outcome);
      }
    };
    outcome.startedAt = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    outcome.finishedAt = performance.now();
    return outcome;
  }

  /**
   * Open loop: request i is due at start + i / rate whatever the server does, and latency counts
   * from when it was due, so a stalled server cannot hide its queue (no coordinated omission).
   */
  async openLoop(requests: readonly LoadRequest[], ratePerSecond: number): Promise<LoadOutcome> {
    const outcome = emptyOutcome();
    const inFlight: Promise<void>[] = [];
    const interval = 1000 / ratePerSecond;
    const start = performance.now();
    outcome.startedAt = start;
    let i = 0;
    while (i < requests.length) {
      const now = performance.now();
      while (i < requests.length && start + i * interval <= now) {
        const r = requests[i] as LoadRequest;
        const due = start + i * interval;
        outcome.dueAt.set(r.id, due);
        inFlight.push(this.send(r, due, outcome));
        i++;
      }
      const wait = start + i * interval - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, 5))));
    }
    await Promise.all(inFlight);
    outcome.finishedAt = performance.now();
    return outcome;
  }

  private async send(r: LoadRequest, due: number, outcome: LoadOutcome): Promise<void> {
    try {
      const res = await this.post(r.path, r.body);
      outcome.httpMs.set(r.id, performance.now() - due);
      if (res.status < 200 || res.status >= 300) {
        outcome.failures.push({ id: r.id, status: res.status, body: res.body.slice(0, 300) });
      }
    } catch (error) {
      outcome.failures.push({ id: r.id, status: 0, body: (error as Error).message });
    }
  }
}

function emptyOutcome(): LoadOutcome {
  return {
    startedAt: 0,
    finishedAt: 0,
    dueAt: new Map(),
    httpMs: new Map(),
    failures: [],
  };
}
