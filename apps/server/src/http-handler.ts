/**
 * Plain HTTP: `/healthz`, `/metrics` and the built web app (sirv: content types, ETags, no
 * path traversal). Hashed assets under `/assets/` are cached for a year; everything else is
 * revalidated. Every response carries the usual security headers and a Content-Security-Policy
 * that lets the page talk only to its own origin.
 *
 * A WebSocket path reached by a request that is not an upgrade (no `Upgrade`, or no
 * `Connection: Upgrade`: Node then hands it here, not to the router) gets `426 Upgrade
 * Required` with the protocol and versions it takes, and the connection is closed: the path is
 * an endpoint, not a missing file (RFC 7231 §6.5.15; RFC 6455 §4.2.2 lists the versions).
 */
import {
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { formatRefusal, SUPPORTED_VERSIONS } from '@draftbridge/protocol-router';
import sirv from 'sirv';
import type { Metrics } from './metrics.js';

/** Headers on every HTTP response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** What the HTTP handler needs. */
export interface HttpHandlerOptions {
  readonly webRoot: string;
  readonly metrics: Metrics;
  /** The health of the chat: `ok`, or what is wrong. */
  readonly health: () => Promise<{ ok: boolean; detail?: string }>;
  /** Paths that take WebSocket upgrades only; a plain request there gets `426`. */
  readonly websocketPaths: readonly string[];
}

function sendUpgradeRequired(res: ServerResponse): void {
  res.writeHead(426, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'close',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': SUPPORTED_VERSIONS.join(', '),
  });
  res.end('Upgrade Required: this is a WebSocket endpoint.\n');
}

function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Builds the request listener of the HTTP server. */
export function createHttpHandler(options: HttpHandlerOptions): RequestListener {
  const serveStatic = sirv(options.webRoot, {
    etag: true,
    dev: false,
    setHeaders(res, pathname) {
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const health = await options.health();
      const body = health.ok ? { status: 'ok' } : { status: 'degraded', detail: health.detail };
      sendText(res, health.ok ? 200 : 503, 'application/json', JSON.stringify(body));
      return;
    }
    if (path === '/metrics') {
      const { registry } = options.metrics;
      sendText(res, 200, registry.contentType, await registry.metrics());
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      return;
    }
    if (path !== undefined && options.websocketPaths.includes(path)) {
      sendUpgradeRequired(res);
      return;
    }
    serveStatic(req, res, () => sendText(res, 404, 'text/plain; charset=utf-8', 'Not Found\n'));
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'text/plain; charset=utf-8', 'Internal Error\n');
      else res.destroy();
    });
  };
}

/**
 * Answers a request Node's parser refused (`clientError`): 431 for headers past the limit,
 * 400 for anything else, with the same security headers as every other response, then closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  socket.end(formatRefusal(status, STATUS_CODES[status] ?? 'Bad Request', SECURITY_HEADERS));
}
