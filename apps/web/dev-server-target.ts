/**
 * Where the Vite dev server proxies the chat endpoints: `DRAFTBRIDGE_SERVER` when set, else the
 * chat server that `npm run dev` starts beside it, on the same `PORT` and `HOST` (Turborepo
 * passes both to every `dev` task). The defaults repeat the server's own (apps/server
 * constants.ts), which this workspace may not import.
 */

const SERVER_DEFAULT_PORT = '8080';
const SERVER_DEFAULT_HOST = '127.0.0.1';

// A server bound to every interface is reached over loopback.
const WILDCARD_HOSTS: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

/** The environment variables that decide the dev proxy's target. */
export type DevServerEnv = Readonly<
  Partial<Record<'DRAFTBRIDGE_SERVER' | 'PORT' | 'HOST', string | undefined>>
>;

/** The chat server's origin for the dev proxy; throws when PORT=0 leaves it unknowable. */
export function resolveDevServerTarget(env: DevServerEnv): string {
  const explicit = env.DRAFTBRIDGE_SERVER?.trim();
  if (explicit) return explicit;
  const port = env.PORT?.trim() || SERVER_DEFAULT_PORT;
  if (port === '0') {
    throw new Error(
      'PORT=0 lets the chat server pick a free port, which the Vite dev proxy cannot follow: choose a port, or set DRAFTBRIDGE_SERVER to the server (http://127.0.0.1:PORT)',
    );
  }
  const host = env.HOST?.trim() || SERVER_DEFAULT_HOST;
  const reachable = WILDCARD_HOSTS[host] ?? host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
