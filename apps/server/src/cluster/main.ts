/**
 * `npm run cluster [-- --proxy haproxy] [--http-port 8000] [--https-port 8443]`: Redis, two
 * instances and one proxy (nginx by default) on local ports, TLS on a self-signed certificate;
 * prints the URLs and runs until Ctrl-C (SIGINT) or SIGTERM, then stops every process it
 * started.
 */
import { parseArgs } from 'node:util';
import { type Cluster, startCluster } from './cluster.js';
import { PROXIES, type ProxyName } from './proxies.js';

const USAGE = `usage: npm run cluster -- [--proxy nginx|haproxy] [--http-port N] [--https-port N] [--verbose]`;

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 65535) {
    throw new Error(`--${name} must be a port from 1 to 65535, got ${JSON.stringify(value)}`);
  }
  return number;
}

function readOptions(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      proxy: { type: 'string', default: 'nginx' },
      'http-port': { type: 'string' },
      'https-port': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!PROXIES.includes(values.proxy as ProxyName)) {
    throw new Error(`--proxy must be one of ${PROXIES.join(', ')}, got ${values.proxy}`);
  }
  return {
    help: values.help,
    proxy: values.proxy as ProxyName,
    httpPort: port('http-port', values['http-port'], 8000),
    httpsPort: port('https-port', values['https-port'], 8443),
    verbose: values.verbose,
  };
}

function describe(cluster: Cluster, caFile: string): string {
  const ws = cluster.http.replace('http:', 'ws:');
  const wss = cluster.https.replace('https:', 'wss:');
  const processes = [
    `  redis-server  ${cluster.redis.url}`,
    ...cluster.instances.map((i) => `  ${i.name}    ${i.http} (pid ${i.process.pid})`),
    `  ${cluster.proxyName.padEnd(12)}  ${cluster.http}, ${cluster.https} (pid ${cluster.proxy.pid})`,
  ];
  return [
    `draftbridge cluster behind ${cluster.proxyName}`,
    ...processes,
    '',
    `  open      ${cluster.https}  (self-signed: accept the warning) or ${cluster.http}`,
    `  chat      npm run chat -- --protocol hixie-76 --room lobby --nick ann --url ${ws}`,
    `  websocket ${ws}/ws, ${wss}/ws (certificate, while it runs: ${caFile})`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}

async function main(): Promise<void> {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`cluster: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const cluster = await startCluster({
    proxy: options.proxy,
    httpPort: options.httpPort,
    httpsPort: options.httpsPort,
    logLevel: options.verbose ? 'info' : 'warn',
    echo: true,
  });
  console.log(describe(cluster, cluster.certificate.certFile));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${cluster.proxyName}, the instances and Redis`);
    cluster.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
