import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One page or asset a {@link StaticPages} server answers with. */
export interface StaticPage {
  body: string;
  contentType: string;
  headers?: OutgoingHttpHeaders;
}

/** A tiny HTTP server on 127.0.0.1 and an ephemeral port, for pages a browser test makes up. */
export interface StaticPages {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `pages` (by exact path) on an ephemeral port, every answer with `headers` (a strict CSP,
 * say) under the page's own; anything else is 404.
 */
export async function serveStaticPages(
  pages: Readonly<Record<string, StaticPage>>,
  headers: OutgoingHttpHeaders = {},
): Promise<StaticPages> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (!page) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, ...page.headers, 'content-type': page.contentType });
    res.end(page.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
