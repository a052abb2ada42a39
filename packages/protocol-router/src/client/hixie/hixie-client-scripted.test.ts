/**
 * The hixie client against hand-written servers, for the answers faye-websocket never gives:
 * broken handshakes, silence, dribbled bytes, odd frames, missing closing handshakes.
 */
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDraft76Key } from '../../hixie/draft76-key.js';
import { Collector } from '../../test-support/collector.js';
import {
  createScriptedResponse,
  type ScriptedRequest,
  type ScriptedServer,
  startScriptedServer,
} from '../../test-support/scripted-server.js';
import { connectHixie, type HixieClient, type HixieClientOptions } from './hixie-client.js';
import { type HixieErrorCode, isHixieError } from './hixie-errors.js';

const servers: ScriptedServer[] = [];
const clients: HixieClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(onRequest: (request: ScriptedRequest) => void): Promise<ScriptedServer> {
  const server = await startScriptedServer(onRequest);
  servers.push(server);
  return server;
}

async function connect(options: HixieClientOptions): Promise<HixieClient> {
  const client = await connectHixie(options);
  clients.push(client);
  return client;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}

function record(client: HixieClient) {
  const messages = new Collector<string>();
  const frames = new Collector<string>();
  const closes = new Collector<boolean>();
  const errors = new Collector<HixieErrorCode | string>();
  client.on('message', messages.push);
  client.on('frame', (direction, bytes) => frames.push(`${direction} ${bytes.toString('hex')}`));
  client.on('close', closes.push);
  client.on('error', (error) => errors.push(isHixieError(error) ? error.code : error.message));
  return { messages, frames, closes, errors };
}

const bytes = (...values: number[]): Buffer => Buffer.from(values);
const answerWith =
  (extra: Buffer = Buffer.alloc(0)) =>
  (request: ScriptedRequest): void => {
    request.socket.write(Buffer.concat([createScriptedResponse(request), extra]));
  };

describe.each([75, 76] as const)('connectHixie draft-%i against a scripted server', (draft) => {
  it('sends the request the draft prescribes', async () => {
    const server = await serve(answerWith());
    await connect({ url: server.url('/ws?x=1'), draft, origin: 'http://a.test' });
    const [request] = await server.requests.take(1);
    expect(request?.requestLine).toBe('GET /ws?x=1 HTTP/1.1');
    expect(request?.headerLines.slice(0, 4)).toEqual([
      'Upgrade: WebSocket',
      'Connection: Upgrade',
      `Host: ${new URL(server.url()).host}`,
      'Origin: http://a.test',
    ]);
    const key1 = request?.headers.get('sec-websocket-key1');
    const key2 = request?.headers.get('sec-websocket-key2');
    if (draft === 76) {
      expect(parseDraft76Key(key1 ?? '')).not.toBeNull();
      expect(parseDraft76Key(key2 ?? '')).not.toBeNull();
      expect(request?.body).toHaveLength(8);
    } else {
      expect([key1, key2, request?.body.length]).toEqual([undefined, undefined, 0]);
    }
  });

  it('reads a response dribbled one byte at a time, then frames in the same chunk', async () => {
    const frames = bytes(0x00, 0x68, 0x69, 0xff, 0x00, 0xe2, 0x9c, 0x93, 0xff);
    const server = await serve((request) => {
      const response = createScriptedResponse(request);
      request.socket.setNoDelay(true);
      void (async () => {
        for (const byte of response.subarray(0, -1)) {
          request.socket.write(bytes(byte));
          await delay(1);
        }
        request.socket.write(Buffer.concat([response.subarray(-1), frames]));
      })();
    });
    const client = await connect({ url: server.url(), draft });
    const { messages } = record(client); // attached after the handshake, as callers do
    expect(await messages.take(2)).toEqual(['hi', '✓']);
  });

  it('keeps frames written together with the handshake', async () => {
    const server = await serve(answerWith(bytes(0x00, 0x61, 0xff, 0x00, 0x62, 0xff)));
    const client = await connect({ url: server.url(), draft });
    const { messages } = record(client);
    expect(await messages.take(2)).toEqual(['a', 'b']);
  });

  it('skips length-prefixed 0x80 frames but reports their bytes', async () => {
    const server = await serve(
      answerWith(bytes(0x80, 0x03, 0x01, 0x02, 0x03, 0x80, 0x00, 0x00, 0x6f, 0x6b, 0xff)),
    );
    const client = await connect({ url: server.url(), draft });
    const { messages, frames } = record(client);
    expect(await messages.take(1)).toEqual(['ok']);
    expect(frames.items).toEqual(['in 8003010203', 'in 8000', 'in 006f6bff']);
  });

  it('rejects a non-101 answer with its status', async () => {
    const server = await serve((request) => {
      request.socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    });
    const error = await rejection(connectHixie({ url: server.url(), draft }));
    expect(error.code).toBe('bad_status');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/400 Bad Request/);
  });

  it('rejects an answer without the location header', async () => {
    const server = await serve((request) => {
      request.socket.write(createScriptedResponse(request, { location: null }));
    });
    const error = await rejection(connectHixie({ url: server.url(), draft }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(draft === 76 ? /sec-websocket-location/ : /websocket-location/);
  });

  it('rejects an answer whose location is another URL', async () => {
    const server = await serve((request) => {
      request.socket.write(createScriptedResponse(request, { location: 'ws://evil.test/ws' }));
    });
    const error = await rejection(connectHixie({ url: server.url(), draft }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/evil\.test/);
  });

  it('gives up on a silent server after the handshake timeout and destroys the socket', async () => {
    const server = await serve(() => {});
    const started = performance.now();
    const error = await rejection(
      connectHixie({ url: server.url(), draft, handshakeTimeoutMs: 150 }),
    );
    const elapsed = performance.now() - started;
    expect(error.code).toBe('handshake_timeout');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1500);
    expect(await server.socketsClosed.take(1)).toHaveLength(1);
  });

  it('rejects when the server closes mid-handshake', async () => {
    const server = await serve((request) => {
      request.socket.end(createScriptedResponse(request).subarray(0, 30));
    });
    expect((await rejection(connectHixie({ url: server.url(), draft }))).code).toBe(
      'handshake_closed',
    );
  });

  it('fails the connection on an oversized frame, without waiting for its end', async () => {
    const server = await serve(answerWith(bytes(0x00, ...Buffer.from('a'.repeat(17)))));
    const client = await connect({ url: server.url(), draft, maxMessageBytes: 16 });
    const { messages, closes, errors } = record(client);
    expect(await closes.take(1)).toEqual([false]);
    expect(errors.items).toEqual(['too_large']);
    expect(messages.items).toEqual([]);
    const [request] = await server.requests.take(1);
    // Draft-76 still tells the server why it goes: the closing handshake, then TCP close.
    const sent = Buffer.concat(request?.received.items ?? []).toString('hex');
    expect(sent).toBe(draft === 76 ? 'ff00' : '');
  });

  it('fails the connection on invalid UTF-8 instead of replacing it', async () => {
    const server = await serve(answerWith(bytes(0x00, 0x61, 0xff, 0x00, 0xc0, 0xaf, 0xff)));
    const client = await connect({ url: server.url(), draft });
    const { messages, closes, errors } = record(client);
    expect(await closes.take(1)).toEqual([false]);
    expect(errors.items).toEqual(['invalid_utf8']);
    expect(messages.items).toEqual(['a']);
  });
});

describe('connectHixie closing against a scripted server', () => {
  it('draft-76: an end of TCP without 0xFF 0x00 is not a clean close', async () => {
    const server = await serve((request) => request.socket.end(createScriptedResponse(request)));
    const client = await connect({ url: server.url(), draft: 76 });
    const { closes, errors } = record(client);
    expect(await closes.take(1)).toEqual([false]);
    expect(errors.items).toEqual([]);
  });

  it('draft-75: an orderly end of TCP is a clean close', async () => {
    const server = await serve((request) => request.socket.end(createScriptedResponse(request)));
    const client = await connect({ url: server.url(), draft: 75 });
    const { closes } = record(client);
    expect(await closes.take(1)).toEqual([true]);
  });

  it('draft-76: close() gives up after closeTimeoutMs when the server never answers', async () => {
    const server = await serve(answerWith());
    const client = await connect({ url: server.url(), draft: 76, closeTimeoutMs: 100 });
    const { closes } = record(client);
    const started = performance.now();
    client.close();
    expect(await closes.take(1)).toEqual([false]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    const [request] = await server.requests.take(1);
    expect(Buffer.concat(request?.received.items ?? []).toString('hex')).toBe('ff00');
  });

  it('draft-76: a server that answers 0xFF 0x00 and ends gives a clean close', async () => {
    const server = await serve((request) => {
      request.socket.write(createScriptedResponse(request));
      request.socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('hex') === 'ff00') request.socket.end(bytes(0xff, 0x00));
      });
    });
    const client = await connect({ url: server.url(), draft: 76 });
    const { closes, frames } = record(client);
    client.close();
    expect(await closes.take(1)).toEqual([true]);
    expect(frames.items).toEqual(['out ff00', 'in ff00']);
  });

  it('draft-75: 0xFF 0x00 from the server ends the connection without an answer', async () => {
    const server = await serve(answerWith(bytes(0xff, 0x00, 0x00, 0x61, 0xff)));
    const client = await connect({ url: server.url(), draft: 75 });
    const { closes, frames, messages } = record(client);
    expect(await closes.take(1)).toEqual([true]);
    expect(frames.items).toEqual(['in ff00']);
    expect(messages.items).toEqual([]); // nothing after the close is delivered
  });
});

describe('connectHixie options', () => {
  it.each([
    [{ url: 'https://127.0.0.1:1/ws', draft: 76 }, /must start with ws: or wss:/],
    [{ url: 'ws://127.0.0.1:1/ws', draft: 77 }, /draft must be 75 or 76/],
    [{ url: 'ws://127.0.0.1:1/ws', draft: 76, handshakeTimeoutMs: 0 }, /handshakeTimeoutMs/],
    [{ url: 'ws://127.0.0.1:1/ws', draft: 76, maxMessageBytes: -1 }, /maxMessageBytes/],
    [{ url: 'ws://127.0.0.1:1/ws', draft: 75, headers: { Upgrade: 'x' } }, /Upgrade is set/],
  ])('rejects bad options before connecting (%o)', async (options, message) => {
    const error = await rejection(connectHixie(options as HixieClientOptions));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toMatch(message);
  });

  it('passes on the socket error when nothing listens', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    probe.close();
    await once(probe, 'close');
    const error = await rejection(connectHixie({ url: `ws://127.0.0.1:${port}/ws`, draft: 76 }));
    expect(error.code).toBe('ECONNREFUSED');
  });
});
