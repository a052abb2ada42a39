/**
 * A local cluster, as deploy/ describes one: a Redis, two server instances sharing rooms
 * through it (REDIS_URL) and trusting the proxy (TRUST_PROXY), and one proxy in front with TLS
 * on a self-signed certificate. `npm run cluster` runs one for a demo; the deploy tests run one
 * per proxy and kill an instance behind it.
 *
 * Instances are real processes (`node --import tsx src/index.ts`, so nothing needs building)
 * on free loopback ports; everything is stopped, proxy first, by `stop()`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogLevel } from '../constants.js';
import { startRedisServer, type TestRedis } from '../test-support/redis-server.js';
import { type Certificate, createCertificate } from './certificate.js';
import { type ClusterProcess, freePorts, startProcess } from './processes.js';
import { type ProxyName, startProxy } from './proxies.js';

/** apps/server, where the instances run from. */
const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** How long an instance may take to answer /healthz with 200. */
const INSTANCE_START_MS = 20_000;

/** What to start. */
export interface ClusterOptions {
  readonly proxy: ProxyName;
  /** The proxy's plain and TLS ports; free ones by default. */
  readonly httpPort?: number;
  readonly httpsPort?: number;
  /** The instances' LOG_LEVEL; default warn. */
  readonly logLevel?: LogLevel;
  /** More environment for the instances (WEB_ROOT, IDLE_TIMEOUT_MS, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Copy every process's output to stderr. */
  readonly echo?: boolean;
}

/** One server instance behind the proxy. */
export interface ClusterInstance {
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT`, the instance itself, not through the proxy. */
  readonly http: string;
  readonly process: ClusterProcess;
}

/** A running cluster. */
export interface Cluster {
  readonly proxyName: ProxyName;
  /** The proxy's URLs: `http://127.0.0.1:PORT` and `https://127.0.0.1:PORT`. */
  readonly http: string;
  readonly https: string;
  readonly certificate: Certificate;
  readonly redis: TestRedis;
  readonly instances: readonly [ClusterInstance, ClusterInstance];
  readonly proxy: ClusterProcess;
  /** Stops the proxy, the instances and Redis, and removes the cluster's folder. */
  stop(): Promise<void>;
}

async function waitForHealth(instance: ClusterInstance): Promise<void> {
  const deadline = Date.now() + INSTANCE_START_MS;
  while (Date.now() < deadline) {
    if (instance.process.exited) {
      throw new Error(`${instance.name} exited:\n${instance.process.output()}`);
    }
    const status = await fetch(`${instance.http}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${instance.name} was not healthy in ${INSTANCE_START_MS} ms`);
}

async function startInstance(
  name: string,
  port: number,
  redis: TestRedis,
  options: ClusterOptions,
): Promise<ClusterInstance> {
  const process_ = await startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/index.ts'],
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      // The proxy connects from loopback.
      TRUST_PROXY: '127.0.0.1,::1',
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.env,
    },
    echo: options.echo,
  });
  return { name, port, http: `http://127.0.0.1:${port}`, process: process_ };
}

/** Starts Redis, two instances and the proxy; resolves once all of them answer. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const runDir = await mkdtemp(path.join(tmpdir(), `draftbridge-${options.proxy}-`));
  // A proxy started as root runs its workers as nobody; they must reach their folder.
  await chmod(runDir, 0o755);
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => {});
    started.length = 0;
    await rm(runDir, { recursive: true, force: true });
  };
  try {
    const [portA = 0, portB = 0, httpPort = 0, httpsPort = 0] = await freePorts(4);
    const certificate = await createCertificate(runDir);
    const redis = await startRedisServer();
    started.push({ stop: () => redis.dispose() });
    const instances = [
      await startInstance('instance-a', portA, redis, options),
      await startInstance('instance-b', portB, redis, options),
    ] as const;
    for (const instance of instances) started.push(instance.process);
    await Promise.all(instances.map(waitForHealth));
    const ports = {
      httpPort: options.httpPort ?? httpPort,
      httpsPort: options.httpsPort ?? httpsPort,
    };
    const proxy = await startProxy(options.proxy, {
      ...ports,
      instances: [`127.0.0.1:${portA}`, `127.0.0.1:${portB}`],
      certificate,
      runDir,
      echo: options.echo,
    });
    started.push(proxy);
    return {
      proxyName: options.proxy,
      http: `http://127.0.0.1:${ports.httpPort}`,
      https: `https://127.0.0.1:${ports.httpsPort}`,
      certificate,
      redis,
      instances,
      proxy,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
