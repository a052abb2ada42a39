import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAT_DIALECT, createRoomName, readMessageType } from '../chat-dialect.js';
import { type BenchConnection, openConnection } from '../client/bench-connection.js';
import { DeliveryCounter } from '../client/delivery-counter.js';
import { summarizeProfileFile } from '../report/profile-summary.js';
import { BENCH_HOST, launchGroup, launchServer, type ServerGroup } from '../server-process.js';
import { PEER_SUBJECTS } from '../subjects.js';

const open: (BenchConnection | { stop(): Promise<void> })[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) {
    if ('stop' in item) await item.stop();
    else item.destroy();
  }
});

const echoPeers = PEER_SUBJECTS.filter((s) => s.dialect.kind === 'raw');
const chatPeers = PEER_SUBJECTS.filter((s) => s.dialect.kind === 'chat');

describe('echo peers', () => {
  for (const subject of echoPeers) {
    it(`${subject.name} runs as a child process and re-sends each text to every connection`, async () => {
      const server = await launchServer(subject.launch);
      open.push(server);
      expect(server.pid).not.toBe(process.pid);
      const members: BenchConnection[] = [];
      for (const protocol of [...subject.protocols, ...subject.protocols]) {
        const member = await openConnection(protocol, {
          host: BENCH_HOST,
          port: server.port,
          path: '/',
        });
        open.push(member);
        members.push(member);
      }
      const counter = new DeliveryCounter();
      for (const member of members) member.counter = counter;
      members[0]?.send('to everyone');
      members.at(-1)?.send('and again');
      expect(await counter.until(2 * members.length, 5000)).toBe(true);
      expect(server.sample().rssKb).toBeGreaterThan(0);
    }, 20_000);
  }
});

describe('chat peers', () => {
  for (const subject of chatPeers) {
    it(`${subject.name} sends every member of the room the contract's message, in order`, async () => {
      const server = await launchServer(subject.launch);
      open.push(server);
      const room = createRoomName();
      const members: BenchConnection[] = [];
      const received: unknown[][] = [];
      for (const [i, protocol] of [...subject.protocols, ...subject.protocols].entries()) {
        const member = await openConnection(protocol, {
          host: BENCH_HOST,
          port: server.port,
          path: CHAT_DIALECT.path,
        });
        open.push(member);
        await CHAT_DIALECT.join(member, `m${i}`, room);
        const mine: unknown[] = [];
        received.push(mine);
        member.decode = true;
        member.onMessage = (payload) => {
          if (readMessageType(payload) === 'message') mine.push(JSON.parse(payload.toString()));
        };
        members.push(member);
      }
      // Someone in another room hears nothing of this one.
      const outsider = await openConnection('rfc6455', {
        host: BENCH_HOST,
        port: server.port,
        path: CHAT_DIALECT.path,
      });
      open.push(outsider);
      await CHAT_DIALECT.join(outsider, 'outsider', createRoomName());
      const counter = new DeliveryCounter();
      for (const member of [...members, outsider]) member.counter = counter;
      members[0]?.send(CHAT_DIALECT.say('a', 'first'));
      members.at(-1)?.send(CHAT_DIALECT.say('b', 'second é'));
      expect(await counter.until(2 * members.length, 5000)).toBe(true);
      const [first] = received;
      expect(Object.keys(first?.[0] as object)).toEqual([
        'type',
        'room',
        'seq',
        'id',
        'client',
        'text',
        'ts',
        'from',
      ]);
      expect(first?.[0]).toMatchObject({
        type: 'message',
        room,
        seq: 1,
        id: 'a',
        client: 'm0',
        text: 'first',
        from: { nick: 'm0', protocol: 'rfc6455', engine: 'websocket' },
      });
      expect(first?.[1]).toMatchObject({ seq: 2, id: 'b', text: 'second é' });
      for (const list of received) expect(list).toEqual(first);
      expect(counter.count).toBe(2 * members.length);
    }, 20_000);
  }
});

describe('the probe in every server', () => {
  it('reports heap and GC counts, collects, and profiles a window', async () => {
    const bound = chatPeers[0];
    if (bound === undefined) throw new Error('no chat peer');
    const group: ServerGroup = await launchGroup(bound.launch, 1);
    open.push(group);
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-probe-'));
    open.push({ stop: async () => rmSync(dir, { recursive: true, force: true }) });
    const sample = await group.probeSample();
    expect(sample.heapUsedKb).toBeGreaterThan(1000);
    // A forced collection is the bench's, not the server's: it is not counted. The server may
    // still run one of its own meanwhile (V8's memory reducer does, soon after start), so the
    // bench forces several: counted, they would add at least that many.
    const forced = 5;
    let collected = sample;
    for (let i = 0; i < forced; i += 1) collected = await group.probeSample(true);
    expect(collected.heapUsedKb).toBeGreaterThan(0);
    expect(collected.gcMarkCompact - sample.gcMarkCompact).toBeLessThan(forced);
    await group.startProfile(500);
    const member = await openConnection('hixie76', {
      host: BENCH_HOST,
      port: group.portFor(0),
      path: CHAT_DIALECT.path,
    });
    open.push(member);
    await CHAT_DIALECT.join(member, 'p', createRoomName());
    const [file] = await group.stopProfile(path.join(dir, 'window'));
    expect(file !== undefined && existsSync(file)).toBe(true);
    expect(summarizeProfileFile(file ?? '').samples).toBeGreaterThan(0);
  }, 20_000);
});
