/**
 * Builds the draftbridge HTTP server: static web app and health check. `index.ts` only reads
 * configuration and listens; tests call this factory on port 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

/** What `createServer` needs to know. */
export interface ServerConfig {
  /** Folder of the built web app (apps/web/dist). */
  readonly webRoot: string;
}

/** A built server, not yet listening. */
export interface ChatServer {
  readonly http: http.Server;
  /** Starts listening; resolves with the bound address. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting and closes everything. */
  close(): Promise<void>;
}

/** Builds the server from its configuration. */
export function createServer(config: ServerConfig): ChatServer {
  const serveStatic = sirv(config.webRoot, { etag: true, single: false });
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    serveStatic(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
    });
  });
  return {
    http: server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
