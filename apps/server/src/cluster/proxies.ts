/**
 * The two proxies of deploy/, started with the configurations exactly as they are committed:
 * nginx from deploy/nginx/ with its `${NAME}` placeholders filled in (nginx reads no
 * environment), HAProxy from deploy/haproxy/ with the same names in its environment (HAProxy
 * fills them in itself). Each runs as the current user in a folder of its own, on the ports
 * given, and is stopped by its own pid only: a system nginx or HAProxy is never touched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Certificate } from './certificate.js';
import { type ClusterProcess, startProcess, waitForPort } from './processes.js';

/** The proxies deploy/ has a configuration for. */
export const PROXIES = ['nginx', 'haproxy'] as const;

/** One of PROXIES. */
export type ProxyName = (typeof PROXIES)[number];

/** deploy/ at the root of the repository. */
export const DEPLOY_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy',
);

/** Where a proxy listens, what it balances over, and where it keeps its files. */
export interface ProxyOptions {
  readonly httpPort: number;
  readonly httpsPort: number;
  /** `host:port` of each instance, two of them (the configurations name INSTANCE_A and _B). */
  readonly instances: readonly [string, string];
  readonly certificate: Certificate;
  /** A folder of the proxy's own: rendered configuration, pid, temporary files. */
  readonly runDir: string;
  /** Copy the proxy's output to stderr. */
  readonly echo?: boolean;
}

function variables(options: ProxyOptions): Record<string, string> {
  const [a, b] = options.instances;
  return {
    LISTEN_HTTP: `127.0.0.1:${options.httpPort}`,
    LISTEN_HTTPS: `127.0.0.1:${options.httpsPort}`,
    INSTANCE_A: a,
    INSTANCE_B: b,
    TLS_CERT: options.certificate.certFile,
    TLS_KEY: options.certificate.keyFile,
    TLS_PEM: options.certificate.pemFile,
    LUA_FORWARDED: path.join(DEPLOY_DIR, 'haproxy', 'draftbridge-forwarded.lua'),
  };
}

/**
 * Fills in `${NAME}` (upper case: nginx's own `$name` and `${name}` stay as they are); throws
 * on a name it has no value for, so a placeholder never reaches nginx unfilled.
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for \${${name}}`);
    return value;
  });
}

async function startNginx(options: ProxyOptions): Promise<ClusterProcess> {
  const values = variables(options);
  for (const file of ['nginx.conf', 'draftbridge.conf']) {
    const text = await readFile(path.join(DEPLOY_DIR, 'nginx', file), 'utf8');
    await writeFile(path.join(options.runDir, file), renderTemplate(text, values));
  }
  // `-e stderr` before the configuration is read: the built-in error log is under /var/log.
  return startProcess({
    name: 'nginx',
    command: 'nginx',
    args: ['-p', `${options.runDir}/`, '-c', 'nginx.conf', '-e', 'stderr'],
    echo: options.echo,
  });
}

function startHaproxy(options: ProxyOptions): Promise<ClusterProcess> {
  return startProcess({
    name: 'haproxy',
    command: 'haproxy',
    // -db: in the foreground, whatever the configuration says.
    args: ['-db', '-f', path.join(DEPLOY_DIR, 'haproxy', 'haproxy.cfg')],
    cwd: options.runDir,
    env: { ...process.env, ...variables(options) },
    echo: options.echo,
  });
}

/** Starts `name` and resolves once both of its ports accept connections. */
export async function startProxy(name: ProxyName, options: ProxyOptions): Promise<ClusterProcess> {
  const proxy = await (name === 'nginx' ? startNginx(options) : startHaproxy(options));
  try {
    await waitForPort(options.httpPort, proxy);
    await waitForPort(options.httpsPort, proxy);
  } catch (error) {
    await proxy.stop('SIGKILL');
    throw error;
  }
  return proxy;
}
