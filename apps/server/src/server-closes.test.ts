/**
 * Every close the server starts, on every protocol, over a raw socket against the real server:
 * the client sees the close (a Close frame with its code on RFC 6455 and hybi, `FF 00` on
 * hixie-76, nothing but TCP's on hixie-75) and then the end of the connection by FIN, never a
 * reset. After the FIN the client goes on writing, as one still sending would: the server keeps
 * reading and discarding until the client closes too (RFC 6455 §7.1.1, §5.5.1), so neither
 * write meets a reset.
 */
import type { Protocol } from '@draftbridge/protocol-router';
import {
  clientFrame,
  openRawSession,
  type RawSession,
  type ServerFrame,
} from '@draftbridge/protocol-router/testing';
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, useTestServer } from './test-support/test-server.js';

/** Every way into the server, by protocol, engine and path. */
const WAYS: readonly (readonly [string, Protocol, string])[] = [
  ['rfc6455 on WebSocket-Node', 'rfc6455', '/ws'],
  ['rfc6455 on faye-websocket', 'rfc6455', '/ws?engine=faye-websocket'],
  ['hybi-08 on WebSocket-Node', 'hybi-08', '/ws'],
  ['hybi-07 on faye-websocket', 'hybi-07', '/ws'],
  ['hixie-76 on faye-websocket', 'hixie-76', '/ws'],
  ['hixie-75 on faye-websocket', 'hixie-75', '/ws'],
];

const isDraft = (protocol: Protocol) => protocol === 'hixie-76' || protocol === 'hixie-75';

const JOIN_TIMEOUT_MS = 300;
const IDLE_TIMEOUT_MS = 600;
const MAX_MESSAGE_BYTES = 16 * 1024;
const LATE_BYTES = Buffer.alloc(4096, 0x61);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(t: TestServer, protocol: Protocol, target: string): Promise<RawSession> {
  return openRawSession(t.port, protocol, target, { allowHalfOpen: true });
}

async function joined(t: TestServer, protocol: Protocol, target: string): Promise<RawSession> {
  const session = await open(t, protocol, target);
  session.sendText(
    JSON.stringify({ type: 'join', room: 'closes', nick: 'n', client: `c-${Math.random()}` }),
  );
  await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('"welcome"'));
  return session;
}

const closesOf = (frames: ServerFrame[]) => frames.filter((f) => f.kind === 'close');

/**
 * The server's close as its protocol says, then its FIN; then the client writes twice more and
 * neither write is answered with a reset; then the client closes.
 */
async function expectCloseThenEnd(session: RawSession, code: number): Promise<void> {
  const { peer, protocol } = session;
  if (protocol === 'hixie-75') {
    await peer.waitFor(() => peer.ending() !== 'open', 5000);
    expect(session.frames().filter((f) => f.kind !== 'text')).toEqual([]);
  } else {
    await session.waitForFrame((f) => f.kind === 'close', 5000);
    // draft-76's closing handshake carries no code (§5.3: 0xFF 0x00).
    expect(closesOf(session.frames())).toEqual([
      { kind: 'close', code: protocol === 'hixie-76' ? undefined : code },
    ]);
    await peer.waitFor(() => peer.ending() !== 'open');
  }
  expect(peer.ending()).toBe('end');
  // Nothing after the close.
  if (protocol !== 'hixie-75') expect(session.frames().at(-1)?.kind).toBe('close');
  peer.socket.write(LATE_BYTES);
  await sleep(30);
  peer.socket.write(LATE_BYTES);
  await sleep(30);
  expect(peer.ending()).toBe('end');
  peer.socket.end();
  await peer.closed();
  expect(peer.ending()).toBe('end');
}

// A frame past the limit, the last part of it still to come after the close.
function oversized(protocol: Protocol): Buffer {
  const payload = Buffer.alloc(MAX_MESSAGE_BYTES + 4096, 0x61);
  return isDraft(protocol)
    ? Buffer.concat([Buffer.from([0x00]), payload, Buffer.from([0xff])])
    : clientFrame(0x1, payload);
}

describe.concurrent.each(WAYS)('%s', (_name, protocol, target) => {
  const t = useTestServer({
    joinTimeoutMs: JOIN_TIMEOUT_MS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });

  it('closes a flood past the rate limit with 1008, then FIN', async () => {
    const session = await joined(t, protocol, target);
    const ping = JSON.stringify({ type: 'ping' });
    // 40 of burst, then 200 drops close the connection; the rest arrive after the close.
    for (let i = 0; i < 300; i += 1) session.sendText(ping);
    await expectCloseThenEnd(session, 1008);
  });

  it('closes a connection that does not join in time with 1008, then FIN', async () => {
    const session = await open(t, protocol, target);
    await expectCloseThenEnd(session, 1008);
  });

  it('closes a silent connection at the idle timeout with 1001, then FIN', async () => {
    const session = await joined(t, protocol, target);
    await expectCloseThenEnd(session, 1001);
  });

  it('closes a frame past the limit with 1009, then FIN', async () => {
    const session = await joined(t, protocol, target);
    const frame = oversized(protocol);
    session.sendRaw(frame.subarray(0, MAX_MESSAGE_BYTES + 1024));
    await expectCloseThenEnd(session, 1009);
  });

  it('closes text that is not UTF-8 with 1007, then FIN', async () => {
    const session = await joined(t, protocol, target);
    const text = Buffer.concat([
      Buffer.from('{"type":"ping","t":"ok '),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    session.sendRaw(
      isDraft(protocol)
        ? Buffer.concat([Buffer.from([0x00]), text, Buffer.from([0xff])])
        : clientFrame(0x1, text),
    );
    await expectCloseThenEnd(session, 1007);
    // Not read as U+FFFD and answered: the text was refused whole.
    expect(session.messages().filter((m) => m.type === 'pong')).toEqual([]);
  });

  it.skipIf(isDraft(protocol))(
    'closes a frame that breaks RFC 6455 (a reserved opcode) with 1002, then FIN',
    async () => {
      const session = await joined(t, protocol, target);
      session.sendRaw(clientFrame(0x3, Buffer.from('x')));
      await expectCloseThenEnd(session, 1002);
    },
  );

  it('closes every connection at shutdown with 1001, then FIN', async () => {
    const own = await startTestServer();
    const session = await joined(own, protocol, target);
    const stopped = own.stop();
    await expectCloseThenEnd(session, 1001);
    await stopped;
  });
});

describe('the relay’s browser side (rfc6455 on /relay)', () => {
  const t = useTestServer({ maxMessageBytes: MAX_MESSAGE_BYTES });

  it.each(['/relay?draft=76', '/relay?draft=75'])(
    'closes a frame past the limit on %s with 1009, then FIN',
    async (target) => {
      const session = await open(t, 'rfc6455', target);
      const frame = oversized('rfc6455');
      session.sendRaw(frame.subarray(0, MAX_MESSAGE_BYTES + 1024));
      await expectCloseThenEnd(session, 1009);
    },
  );

  it('closes the browser at shutdown with 1001, then FIN', async () => {
    const own = await startTestServer();
    const session = await open(own, 'rfc6455', '/relay?draft=76');
    session.sendText(JSON.stringify({ type: 'join', room: 'closes', nick: 'r', client: 'relay' }));
    await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('"welcome"'));
    const stopped = own.stop();
    await expectCloseThenEnd(session, 1001);
    await stopped;
  });
});
