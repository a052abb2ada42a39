/**
 * The write path on its own, over real TCP sockets: what ARCHITECTURE.md leads with (one
 * gathered write a turn, an engine's frame never overtaking or landing inside a chat frame,
 * frames held while the socket drains, pongs coalesced, a close that ends without a reset).
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  atTurnStart,
  destroySocketNow,
  guardSocket,
  type Outbox,
  type OutboxOwner,
} from './outbox.js';
import { FrameRun } from './prepared-message.js';

interface Pair {
  readonly server: net.Socket;
  readonly client: net.Socket;
  received(): Buffer;
  waitFor(bytes: number): Promise<void>;
}

const listeners: net.Server[] = [];
afterEach(() => {
  for (const listener of listeners.splice(0)) listener.close();
});

async function connectedPair(clientOptions: net.NetConnectOpts = { port: 0 }): Promise<Pair> {
  const listener = net.createServer({ allowHalfOpen: true });
  listeners.push(listener);
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as net.AddressInfo;
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  const client = net.connect({ ...clientOptions, port, host: '127.0.0.1' } as net.NetConnectOpts);
  const [server] = await accepted;
  const chunks: Buffer[] = [];
  client.on('data', (chunk: Buffer) => chunks.push(chunk));
  client.on('error', () => {});
  const received = () => Buffer.concat(chunks);
  return {
    server,
    client,
    received,
    async waitFor(bytes) {
      while (received().length < bytes) await once(client, 'data');
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recordingOwner(): OutboxOwner & { turns: number; drains: number } {
  return {
    turns: 0,
    drains: 0,
    onTurnEnd() {
      this.turns += 1;
    },
    onDrain() {
      this.drains += 1;
    },
  };
}

// What each pair's server socket hands to its own _write, chunk by chunk (no writev: each turn
// of these tests has one chunk per socket).
function recordWrites(pairs: readonly Pair[]): Buffer[][] {
  const written: Buffer[][] = pairs.map(() => []);
  for (const [i, pair] of pairs.entries()) {
    const socket = pair.server as net.Socket & {
      _write: (chunk: Buffer, encoding: string, cb: () => void) => void;
    };
    const write = socket._write.bind(socket);
    socket._write = (chunk, encoding, cb) => {
      written[i]?.push(chunk);
      write(chunk, encoding, cb);
    };
  }
  return written;
}

describe('Outbox', () => {
  it("writes a turn's frames in one write, in order", async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    const owner = recordingOwner();
    outbox.setOwner(owner);
    const writes: number[] = [];
    const socket = pair.server as net.Socket & {
      _writev?: (chunks: { chunk: Buffer }[], cb: () => void) => void;
      _write: (chunk: Buffer, encoding: string, cb: () => void) => void;
    };
    const writev = socket._writev?.bind(socket);
    const write = socket._write.bind(socket);
    socket._writev = (chunks, cb) => {
      writes.push(chunks.length);
      writev?.(chunks, cb);
    };
    socket._write = (chunk, encoding, cb) => {
      writes.push(1);
      write(chunk, encoding, cb);
    };
    for (const letter of ['a', 'b', 'c', 'd']) outbox.push(Buffer.from(letter));
    expect(outbox.bytes).toBe(4);
    await pair.waitFor(4);
    expect(pair.received().toString()).toBe('abcd');
    // Joined into one buffer: one write of one chunk.
    expect(writes).toEqual([1]);
    expect(owner.turns).toBe(1);
  });

  it('writes one shared buffer to every socket whose turn holds the same frames', async () => {
    const pairs = await Promise.all([connectedPair(), connectedPair(), connectedPair()]);
    const written = recordWrites(pairs);
    const [a, b, c] = pairs.map((pair) => guardSocket(pair.server)) as [Outbox, Outbox, Outbox];
    const frames = ['one', 'two', 'three'].map((text) => Buffer.from(text));
    for (const frame of frames) {
      a.push(frame);
      b.push(frame);
      c.push(frame);
    }
    // The third socket also has a pong among the messages: a list of its own.
    c.pushPong(Buffer.from('pong'));
    await Promise.all(pairs.map((pair, i) => pair.waitFor(i === 2 ? 15 : 11)));
    expect(pairs.map((pair) => pair.received().toString())).toEqual([
      'onetwothree',
      'onetwothree',
      'onetwothreepong',
    ]);
    expect(written.map((chunks) => chunks.length)).toEqual([1, 1, 1]);
    expect(written[1]?.[0]).toBe(written[0]?.[0]);
    expect(written[2]?.[0]).not.toBe(written[0]?.[0]);
  });

  it('writes a run shared by many outboxes as one buffer made once, and in order among frames of its own', async () => {
    const pairs = await Promise.all([connectedPair(), connectedPair(), connectedPair()]);
    const written = recordWrites(pairs);
    const [a, b, c] = pairs.map((pair) => guardSocket(pair.server)) as [Outbox, Outbox, Outbox];
    const run = new FrameRun(['one', 'two', 'three'].map((text) => Buffer.from(text)));
    const later = new FrameRun([Buffer.from('four')]);
    // What a room's turn start does: every member queues the run, not each of its frames.
    atTurnStart(() => {
      a.pushRun(run);
      b.pushRun(run);
      c.push(Buffer.from('<own>'));
      c.pushRun(run);
      c.pushPong(Buffer.from('<pong>'));
      c.pushRun(later);
    });
    expect(a.bytes).toBe(0);
    await turn();
    // Queued and written in the turn the task ran in, not the next.
    expect(written.map((chunks) => chunks.length)).toEqual([1, 1, 1]);
    await Promise.all(pairs.map((pair, i) => pair.waitFor(i === 2 ? 26 : 11)));
    expect(pairs.map((pair) => pair.received().toString())).toEqual([
      'onetwothree',
      'onetwothree',
      '<own>onetwothree<pong>four',
    ]);
    expect(written[0]?.[0]).toBe(run.joined);
    expect(written[1]?.[0]).toBe(run.joined);
  });

  it('writes a run as it is handed over when nothing waits before it, and queues it when something does', async () => {
    const pairs = await Promise.all([connectedPair(), connectedPair(), connectedPair()]);
    const written = recordWrites(pairs);
    const [a, b, c] = pairs.map((pair) => guardSocket(pair.server)) as [Outbox, Outbox, Outbox];
    const run = new FrameRun(['one', 'two'].map((text) => Buffer.from(text)));
    const seen: number[][] = [];
    const counts = () => written.map((chunks) => chunks.length);
    let queued: number[] = [];
    c.push(Buffer.from('<own>'));
    atTurnStart(() => {
      a.pushRun(run);
      // The first member's bytes are with the kernel before the next member is handed its run.
      seen.push(counts());
      b.pushRun(run);
      c.pushRun(run);
      seen.push(counts());
      queued = [a.bytes, b.bytes, c.bytes];
    });
    await turn();
    // (Checked here: a task that throws would leave the write turn unfinished.)
    expect(queued).toEqual([0, 0, 5 + 6]);
    expect(seen).toEqual([
      [1, 0, 0],
      [1, 1, 0],
    ]);
    expect(counts()).toEqual([1, 1, 1]);
    await Promise.all(pairs.map((pair, i) => pair.waitFor(i === 2 ? 11 : 6)));
    expect(pairs.map((pair) => pair.received().toString())).toEqual([
      'onetwo',
      'onetwo',
      '<own>onetwo',
    ]);
  });

  it('queues a run handed over at the turn start for a socket that has not drained', async () => {
    const pair = await connectedPair();
    pair.client.pause();
    const outbox = guardSocket(pair.server);
    const frame = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 400 && !pair.server.writableNeedDrain; i += 1) {
      outbox.push(frame);
      await turn();
    }
    expect(pair.server.writableNeedDrain).toBe(true);
    const writable = pair.server.writableLength;
    const before = outbox.bytes;
    const run = new FrameRun([Buffer.from('z'.repeat(100))]);
    atTurnStart(() => outbox.pushRun(run));
    await turn();
    // Nothing more piled onto the socket: the run waits in the outbox, counted.
    expect(pair.server.writableLength).toBe(writable);
    expect(outbox.bytes).toBe(before + 100);
    destroySocketNow(pair.server);
    pair.client.destroy();
  });

  it('counts a run held for a socket that has not drained, and sends it after the drain', async () => {
    const pair = await connectedPair();
    pair.client.pause();
    const outbox = guardSocket(pair.server);
    const frame = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 400 && !outbox.held; i += 1) {
      outbox.push(frame);
      await turn();
    }
    expect(outbox.held).toBe(true);
    const before = outbox.bytes;
    const run = new FrameRun([Buffer.from('x'.repeat(1000)), Buffer.from('y'.repeat(24))]);
    for (let i = 0; i < 5; i += 1) outbox.pushRun(run);
    expect(outbox.bytes).toBe(before + 5 * 1024);
    let received = 0;
    let tail = '';
    pair.client.removeAllListeners('data');
    pair.client.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-1024);
    });
    pair.client.resume();
    while (outbox.bytes > 0 || outbox.held) await turn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tail).toBe(`${'x'.repeat(1000)}${'y'.repeat(24)}`);
    expect(received).toBeGreaterThanOrEqual(5 * 1024);
  });

  it('writes runs held over several turns as their shared buffers in one writev, copying none', async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    const chunks: Buffer[][] = [];
    const socket = pair.server as net.Socket & {
      _writev?: (chunks: { chunk: Buffer }[], cb: () => void) => void;
    };
    const writev = socket._writev?.bind(socket);
    socket._writev = (list, cb) => {
      chunks.push(list.map(({ chunk }) => chunk));
      writev?.(list, cb);
    };
    // Three turns' runs of 8 KiB and a frame of its own, all waiting at once (as after a drain).
    const runs = [0x61, 0x62, 0x63].map(
      (byte) => new FrameRun([Buffer.alloc(4096, byte), Buffer.alloc(4096, byte)]),
    );
    const own = Buffer.from('<own>');
    outbox.pushRun(runs[0] as FrameRun);
    outbox.push(own);
    outbox.pushRun(runs[1] as FrameRun);
    outbox.pushRun(runs[2] as FrameRun);
    await pair.waitFor(3 * 8192 + own.length);
    expect(chunks).toEqual([[runs[0]?.joined, own, runs[1]?.joined, runs[2]?.joined]]);
    expect(chunks[0]?.[0]).toBe(runs[0]?.joined);
    expect(chunks[0]?.[3]).toBe(runs[2]?.joined);
    const text = pair.received().toString('latin1');
    expect(text).toBe(`${'a'.repeat(8192)}<own>${'b'.repeat(8192)}${'c'.repeat(8192)}`);
  });

  it('writes a list past 256 KiB frame by frame, corked, instead of copying it', async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    const writes: number[] = [];
    const socket = pair.server as net.Socket & {
      _writev?: (chunks: { chunk: Buffer }[], cb: () => void) => void;
    };
    const writev = socket._writev?.bind(socket);
    socket._writev = (chunks, cb) => {
      writes.push(chunks.length);
      writev?.(chunks, cb);
    };
    for (let i = 0; i < 5; i += 1) outbox.push(Buffer.alloc(64 * 1024, 0x61 + i));
    await pair.waitFor(5 * 64 * 1024);
    expect(writes).toEqual([5]);
  });

  it("hands queued frames to the kernel before an engine's own write, so nothing overtakes", async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    outbox.push(Buffer.from('chat-1 '));
    outbox.push(Buffer.from('chat-2 '));
    // What an engine does for a ping or a Close: a plain write on the socket.
    pair.server.write(Buffer.from('engine-frame'));
    await pair.waitFor('chat-1 chat-2 engine-frame'.length);
    expect(pair.received().toString()).toBe('chat-1 chat-2 engine-frame');
    // Nothing is sent twice at the end of the turn.
    await turn();
    await turn();
    expect(pair.received().toString()).toBe('chat-1 chat-2 engine-frame');
  });

  it("sends what was queued before an engine's end", async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    outbox.push(Buffer.from('last words'));
    pair.server.end();
    await once(pair.client, 'end');
    expect(pair.received().toString()).toBe('last words');
  });

  it('keeps one pong per turn, the newest', async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    outbox.push(Buffer.from('<message>'));
    for (let i = 1; i <= 5; i += 1) outbox.pushPong(Buffer.from(`<pong ${i}>`));
    outbox.push(Buffer.from('<after>'));
    await pair.waitFor('<message><pong 5><after>'.length);
    expect(pair.received().toString()).toBe('<message><pong 5><after>');
  });

  it('holds frames while the socket has not drained, counts them, and sends them on drain', async () => {
    const pair = await connectedPair();
    pair.client.pause();
    const outbox = guardSocket(pair.server);
    const owner = recordingOwner();
    outbox.setOwner(owner);
    const frame = Buffer.alloc(64 * 1024, 0x61);
    // Enough to fill the kernel's buffers on loopback, so the socket stops taking more.
    for (let i = 0; i < 400 && !outbox.held; i += 1) {
      outbox.push(frame);
      await turn();
    }
    expect(outbox.held).toBe(true);
    const socketHeld = pair.server.writableLength;
    for (let i = 0; i < 10; i += 1) {
      outbox.push(frame);
      await turn();
    }
    // While held, frames wait in the outbox: the socket's own buffer does not grow.
    expect(pair.server.writableLength).toBe(socketHeld);
    expect(outbox.bytes).toBeGreaterThanOrEqual(10 * frame.length);
    pair.client.resume();
    while (owner.drains === 0) await turn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outbox.bytes).toBe(0);
  });

  it('ends with a FIN after the queued bytes, reads what still comes, never resets', async () => {
    const pair = await connectedPair({ port: 0, allowHalfOpen: true });
    let reset = false;
    pair.client.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
    });
    // The server has not read these bytes yet: closing now would answer them with a reset.
    pair.server.pause();
    pair.client.write(Buffer.alloc(32 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outbox = guardSocket(pair.server, 2000);
    outbox.push(Buffer.from('close frame'));
    pair.server.destroy();
    await once(pair.client, 'end');
    expect(pair.received().toString()).toBe('close frame');
    pair.client.write(Buffer.alloc(32 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 30));
    pair.client.write(Buffer.alloc(1024));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reset).toBe(false);
    pair.client.end();
    await once(pair.server, 'close');
    expect(reset).toBe(false);
  });

  it('resets a closing peer that keeps sending past what a client has in flight', async () => {
    const pair = await connectedPair({ port: 0, allowHalfOpen: true });
    pair.client.on('error', () => {});
    const outbox: Outbox = guardSocket(pair.server, 10_000);
    pair.server.destroy();
    await once(pair.client, 'end');
    const closed = once(pair.server, 'close');
    for (let i = 0; i < 40 && !pair.client.destroyed; i += 1) {
      pair.client.write(Buffer.alloc(64 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await closed;
    expect(outbox.bytes).toBe(0);
  });

  it('reads one chunk a loop iteration from a closing peer that floods', async () => {
    const pair = await connectedPair({ port: 0, allowHalfOpen: true });
    pair.client.on('error', () => {});
    guardSocket(pair.server, 10_000);
    pair.server.destroy();
    await once(pair.client, 'end');
    // Counted by a listener of our own: the lingering close keeps its own.
    let chunksThisIteration = 0;
    let most = 0;
    let total = 0;
    pair.server.on('data', (chunk: Buffer) => {
      chunksThisIteration += 1;
      total += chunk.length;
      most = Math.max(most, chunksThisIteration);
    });
    const iterations = (async () => {
      while (!pair.server.destroyed) {
        chunksThisIteration = 0;
        await turn();
      }
    })();
    // 768 KiB at once, under the 1 MiB a closing peer may send: the kernel holds most of it
    // for the server, which could read it all in one iteration.
    pair.client.write(Buffer.alloc(768 * 1024));
    while (total < 768 * 1024) await turn();
    pair.client.end();
    await once(pair.server, 'close');
    await iterations;
    expect(total).toBe(768 * 1024);
    expect(most).toBe(1);
  });

  it('lingers for the time it was given, then closes on a peer that never does', async () => {
    for (const lingerMs of [150, 600]) {
      const pair = await connectedPair({ port: 0, allowHalfOpen: true });
      pair.client.on('error', () => {});
      const outbox = guardSocket(pair.server, lingerMs);
      expect(outbox.lingerMs).toBe(lingerMs);
      const startedAt = performance.now();
      pair.server.destroy();
      await once(pair.client, 'end');
      await once(pair.server, 'close');
      const lingered = performance.now() - startedAt;
      // Not a timing claim: only that the given time, not the default of 2 s, was used.
      expect(lingered).toBeGreaterThanOrEqual(lingerMs - 20);
      expect(lingered).toBeLessThan(lingerMs + 1000);
      pair.client.destroy();
    }
  });

  it('drops what is queued when destroyed at once, without lingering', async () => {
    const pair = await connectedPair();
    const outbox = guardSocket(pair.server);
    outbox.push(Buffer.from('never sent'));
    destroySocketNow(pair.server);
    await once(pair.client, 'close');
    expect(pair.received().length).toBe(0);
    expect(outbox.bytes).toBe(0);
  });
});
