/**
 * Entry point: read configuration, build the server, listen.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from './create-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = process.env.WEB_ROOT ?? path.resolve(here, '../../web/dist');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer({ webRoot });
const address = await server.listen(port, host);
console.log(`draftbridge listening on http://${address.address}:${address.port}`);
