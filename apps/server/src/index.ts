/**
 * Entry point: read the configuration, check that the web root holds the built app, build the
 * server, listen, and shut down cleanly on SIGTERM and SIGINT.
 */
import { rename, writeFile } from 'node:fs/promises';
import { ConfigError, checkWebRoot, formatConfigHelp, parseConfig } from './config.js';
import { PRODUCT_NAME } from './constants.js';
import { createServer } from './create-server.js';

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env, process.argv.slice(2));
  checkWebRoot(config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${PRODUCT_NAME}: ${error.message}\n\n${formatConfigHelp()}`);
    process.exit(2);
  }
  throw error;
}

const server = createServer(config);
const address = await server.listen();
const url = `http://${address.address}:${address.port}`;
console.log(`${PRODUCT_NAME} chat on ${url}`);
// For what starts the server and must know its port (PORT=0): one JSON object, not a sentence.
// Written beside the target and renamed onto it (rename is atomic on POSIX), so a reader polling
// for the file never sees it empty or half written.
if (config.readyFile !== undefined) {
  const partial = `${config.readyFile}.${process.pid}.partial`;
  await writeFile(
    partial,
    `${JSON.stringify({ url, host: address.address, port: address.port })}\n`,
  );
  await rename(partial, config.readyFile);
}

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
