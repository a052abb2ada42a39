import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Collector } from '../../test-support/collector.js';
import { type FayeTestServer, startFayeServer } from '../../test-support/faye-server.js';
import { connectHixie, type HixieClient, type HixieDraft } from './hixie-client.js';

interface Observed {
  readonly messages: Collector<string>;
  readonly frames: Collector<string>; // `in 00..ff` / `out 00..ff`
  readonly closes: Collector<boolean>;
  readonly errors: Collector<Error>;
}

function observe(client: HixieClient): Observed {
  const observed: Observed = {
    messages: new Collector(),
    frames: new Collector(),
    closes: new Collector(),
    errors: new Collector(),
  };
  client.on('message', observed.messages.push);
  client.on('frame', (direction, bytes) =>
    observed.frames.push(`${direction} ${bytes.toString('hex')}`),
  );
  client.on('close', observed.closes.push);
  client.on('error', observed.errors.push);
  return observed;
}

const hexFrame = (text: string): string => `00${Buffer.from(text, 'utf8').toString('hex')}ff`;

const SAMPLES = [
  'hello',
  'emoji 😀👍🏽 and a family 👨‍👩‍👧',
  '中文 日本語 한국어',
  'RTL: שלום עולם and مرحبا بالعالم',
  '', // an empty frame is a valid message
  '🎉'.repeat(2000), // 2000 code points, 8000 bytes
];

const BURST = Array.from({ length: 1000 }, (_, i) => `message ${i} ✓`);

describe.each([75, 76] as const)(
  'HixieClient against faye-websocket, draft-%i',
  (draft: HixieDraft) => {
    let server: FayeTestServer;
    const clients: HixieClient[] = [];

    beforeEach(async () => {
      server = await startFayeServer({ maxLength: 64 * 1024 });
    });

    afterEach(async () => {
      for (const client of clients.splice(0)) client.terminate();
      await server.close();
    });

    async function open(): Promise<{ client: HixieClient; observed: Observed }> {
      const client = await connectHixie({
        url: server.url('/ws?room=a'),
        draft,
        origin: 'http://x.test',
      });
      clients.push(client);
      const observed = observe(client);
      const [peer] = await server.peers.take(1);
      await peer?.opened;
      return { client, observed };
    }

    it('is served by faye as the draft it asked for', async () => {
      const { client } = await open();
      const [peer] = await server.peers.take(1);
      expect(peer?.ws.version).toBe(`hixie-${draft}`);
      expect(client.draft).toBe(draft);
      expect(client.isOpen).toBe(true);
    });

    it('sends text of every script to the server, byte for byte', async () => {
      const { client } = await open();
      const [peer] = await server.peers.take(1);
      for (const text of SAMPLES) expect(client.send(text)).toBe(true);
      expect(await peer?.messages.take(SAMPLES.length)).toEqual(SAMPLES);
    });

    it.each([
      ['text of every script from the server', SAMPLES],
      ['a burst of 1000 messages in order, however TCP chunks them', BURST],
    ])('receives %s', async (_what, texts) => {
      const { observed } = await open();
      const [peer] = await server.peers.take(1);
      for (const text of texts) peer?.ws.send(text);
      expect(await observed.messages.take(texts.length)).toEqual(texts);
    });

    it('sends a burst of 1000 messages in order', async () => {
      const { client } = await open();
      const [peer] = await server.peers.take(1);
      for (const text of BURST) client.send(text);
      expect(await peer?.messages.take(BURST.length)).toEqual(BURST);
    });

    it('reports the exact bytes of each frame in both directions', async () => {
      const { client, observed } = await open();
      const [peer] = await server.peers.take(1);
      client.send('hé 😀');
      peer?.ws.send('日本');
      await observed.messages.take(1);
      expect(observed.frames.items).toEqual(['out 0068c3a920f09f9880ff', `in ${hexFrame('日本')}`]);
      expect(hexFrame('日本')).toBe('00e697a5e69cacff');
    });

    it('closes cleanly when the client closes', async () => {
      const { client, observed } = await open();
      const [peer] = await server.peers.take(1);
      client.close();
      expect(client.isOpen).toBe(false);
      expect(client.send('late')).toBe(false);
      expect(await observed.closes.take(1)).toEqual([true]);
      await peer?.closed;
      // Draft-76's closing handshake crosses in both directions; draft-75 just closes TCP.
      expect(observed.frames.items).toEqual(draft === 76 ? ['out ff00', 'in ff00'] : []);
      expect(observed.errors.items).toEqual([]);
    });

    it('closes cleanly when the server closes', async () => {
      const { client, observed } = await open();
      const [peer] = await server.peers.take(1);
      peer?.ws.close();
      expect(await observed.closes.take(1)).toEqual([true]);
      expect(client.isOpen).toBe(false);
      expect(observed.frames.items).toEqual(draft === 76 ? ['in ff00', 'out ff00'] : []);
      expect(observed.errors.items).toEqual([]);
    });

    it('delivers the messages sent just before the server closes', async () => {
      const { observed } = await open();
      const [peer] = await server.peers.take(1);
      peer?.ws.send('one');
      peer?.ws.send('two');
      peer?.ws.close();
      expect(await observed.closes.take(1)).toEqual([true]);
      expect(observed.messages.items).toEqual(['one', 'two']);
    });

    it('emits close exactly once, even when terminated after closing', async () => {
      const { client, observed } = await open();
      client.close();
      client.terminate();
      client.close();
      await observed.closes.take(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(observed.closes.items).toHaveLength(1);
    });

    it('fails the connection on a message over its own limit', async () => {
      const client = await connectHixie({ url: server.url(), draft, maxMessageBytes: 10 });
      clients.push(client);
      const observed = observe(client);
      const [peer] = await server.peers.take(1);
      await peer?.opened;
      peer?.ws.send('0123456789'); // exactly the limit
      peer?.ws.send('0123456789A');
      expect(await observed.closes.take(1)).toEqual([false]);
      expect(observed.messages.items).toEqual(['0123456789']);
      expect(observed.errors.items.map((error) => (error as { code?: string }).code)).toEqual([
        'too_large',
      ]);
      await peer?.closed;
    });
  },
);
