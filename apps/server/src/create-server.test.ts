import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, createServer } from './create-server.js';

describe('createServer', () => {
  let server: ChatServer;
  let base: string;

  beforeAll(async () => {
    const webRoot = await mkdtemp(path.join(tmpdir(), 'draftbridge-web-'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>draftbridge</title>');
    server = createServer({ webRoot });
    const address = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => server.close());

  it('answers /healthz with ok', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the web app', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('draftbridge');
  });

  it('answers an unknown file with 404', async () => {
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
  });
});
