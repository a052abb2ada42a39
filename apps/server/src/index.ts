/**
 * Entry point: read the configuration, check that the web root holds the built app, build the
 * server, listen, and shut down cleanly on SIGTERM and SIGINT.
 */
import { ConfigError, checkWebRoot, formatConfigHelp, parseConfig } from './config.js';
import { createServer } from './create-server.js';

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env, process.argv.slice(2));
  checkWebRoot(config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`draftbridge: ${error.message}\n\n${formatConfigHelp()}`);
    process.exit(2);
  }
  throw error;
}

const server = createServer(config);
const address = await server.listen();
console.log(`draftbridge chat on http://${address.address}:${address.port}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
