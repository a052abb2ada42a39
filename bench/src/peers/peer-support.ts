/**
 * What the naive peers share: where to listen (PORT and HOST, like draftbridge), a
 * health check on the same path as draftbridge's, and a clean exit on SIGTERM. Each peer runs
 * as its own child process so the bench can read its CPU and memory from /proc.
 */
import http from 'node:http';
import { HEALTH_PATH } from '../constants.js';

/** Frame size limit for every peer, the contract's default (64 KiB). */
export const PEER_MAX_MESSAGE_BYTES = 64 * 1024;

/** faye's readyState of an open connection (its `WebSocket.OPEN` is undefined). */
export const FAYE_OPEN = 1;

/** An HTTP server that answers the health check and 404 to anything else. */
export function createPeerHttpServer(): http.Server {
  return http.createServer((request, response) => {
    const status = request.url === HEALTH_PATH ? 200 : 404;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok\n' : '');
  });
}

/** Listens on PORT/HOST from the environment and exits on SIGTERM or SIGINT. */
export function listenFromEnvironment(server: http.Server, name: string): void {
  const port = Number(process.env.PORT ?? 0);
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen(port, host, () => {
    console.log(`${name} listening on ${host}:${port}`);
  });
  const stop = (): void => process.exit(0);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
