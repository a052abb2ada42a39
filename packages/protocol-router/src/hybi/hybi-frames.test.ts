import { describe, expect, it } from 'vitest';
import { chunksOf, pushAll } from '../test-support/chunks.js';
import { encodeHybiFrame, HybiFrameReader, HYBI_OPCODES as OPCODES } from './hybi-frames.js';

// A server frame: unmasked, final unless told.
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, length])
      : length < 0x10000
        ? Buffer.from([(fin ? 0x80 : 0) | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 127]), bigLength(length)]);
  return Buffer.concat([header, payload]);
}

function bigLength(length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(length));
  return bytes;
}

function createReader(options: { decode?: boolean; maxMessageBytes?: number } = {}) {
  const texts: string[] = [];
  const binaries: number[][] = [];
  const pings: string[] = [];
  const raws: string[] = [];
  let closes = 0;
  const reader = new HybiFrameReader(
    {
      onFrame: (raw) => raws.push(raw.toString('hex')),
      onMessage: (opcode, payload) => {
        if (opcode === OPCODES.text) texts.push(payload.toString('utf8'));
        else binaries.push([...payload]);
      },
      onControl: (opcode, payload) => {
        if (opcode === OPCODES.ping) pings.push(payload.toString('utf8'));
        if (opcode === OPCODES.close) closes += 1;
      },
    },
    { decode: false, ...options },
  );
  return { reader, texts, binaries, pings, raws, closes: () => closes };
}

describe('encodeHybiFrame', () => {
  it('masks "Hello" as in RFC 6455 §5.7', () => {
    const frame = encodeHybiFrame(OPCODES.text, Buffer.from('Hello'), {
      mask: Buffer.from([0x37, 0xfa, 0x21, 0x3d]),
    });
    expect([...frame]).toEqual([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  });

  it('lays out the unmasked "Hello" and the unmasked ping of RFC 6455 §5.7', () => {
    expect([...encodeHybiFrame(OPCODES.text, Buffer.from('Hello'))]).toEqual([
      0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f,
    ]);
    expect([...encodeHybiFrame(OPCODES.ping, Buffer.from('Hello'))]).toEqual([
      0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f,
    ]);
  });

  it('sets FIN and RSV as asked: the first fragment of §5.7 and an extension bit', () => {
    expect([...encodeHybiFrame(OPCODES.text, Buffer.from('Hel'), { fin: false })]).toEqual([
      0x01, 0x03, 0x48, 0x65, 0x6c,
    ]);
    expect([...encodeHybiFrame(OPCODES.continuation, Buffer.from('lo'))]).toEqual([
      0x80, 0x02, 0x6c, 0x6f,
    ]);
    expect(encodeHybiFrame(OPCODES.text, Buffer.alloc(0), { rsv: 0b100 })[0]).toBe(0xc1);
  });

  it('masks with a fresh key when asked, and the key unmasks the payload', () => {
    const payload = Buffer.from('masked twice');
    const first = encodeHybiFrame(OPCODES.text, payload, { mask: true });
    const second = encodeHybiFrame(OPCODES.text, payload, { mask: true });
    expect(first[1]).toBe(0x80 | payload.length);
    expect(first.subarray(2, 6)).not.toEqual(second.subarray(2, 6));
    const key = first.subarray(2, 6);
    const unmasked = first.subarray(6).map((byte, i) => byte ^ (key[i % 4] ?? 0));
    expect(Buffer.from(unmasked).toString()).toBe('masked twice');
  });

  it('uses the 16-bit and 64-bit length forms past 125 and 65535 bytes', () => {
    const mask = Buffer.alloc(4);
    const medium = encodeHybiFrame(OPCODES.text, Buffer.alloc(300, 0x61), { mask });
    expect([medium[1], medium.readUInt16BE(2), medium.length]).toEqual([
      0x80 | 126,
      300,
      2 + 2 + 4 + 300,
    ]);
    const large = encodeHybiFrame(OPCODES.text, Buffer.alloc(70_000, 0x61), { mask });
    expect([large[1], Number(large.readBigUInt64BE(2)), large.length]).toEqual([
      0x80 | 127,
      70_000,
      2 + 8 + 4 + 70_000,
    ]);
  });
});

describe('HybiFrameReader', () => {
  const stream = Buffer.concat([
    serverFrame(OPCODES.text, Buffer.from('one')),
    serverFrame(OPCODES.text, Buffer.alloc(200, 0x62)),
    serverFrame(OPCODES.ping, Buffer.from('are you there')),
    serverFrame(OPCODES.text, Buffer.alloc(70_000, 0x63)),
    serverFrame(OPCODES.text, Buffer.from('')),
  ]);

  it('counts every text frame whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 7, 64, 1000, stream.length]) {
      const { reader } = createReader();
      const count = pushAll((chunk) => reader.push(chunk), chunksOf(stream, size));
      expect(count, `chunks of ${size}`).toBe(4);
    }
  });

  it('hands over payloads only while decoding, and pings always', () => {
    const quiet = createReader();
    expect(quiet.reader.push(stream)).toBe(4);
    expect(quiet.texts).toEqual([]);
    expect(quiet.pings).toEqual(['are you there']);

    const loud = createReader({ decode: true });
    loud.reader.push(stream);
    expect(loud.texts.map((t) => t.length)).toEqual([3, 200, 70_000, 0]);
    expect(loud.texts[0]).toBe('one');
  });

  it('keeps what it needs when the caller reuses the chunk buffer', () => {
    const { reader, texts } = createReader({ decode: true });
    const frame = serverFrame(OPCODES.text, Buffer.from('hello world'));
    const shared = Buffer.alloc(frame.length);
    for (const [start, end] of [
      [0, 1],
      [1, 6],
      [6, frame.length],
    ] as const) {
      const length = frame.copy(shared, 0, start, end);
      reader.push(shared.subarray(0, length));
      shared.fill(0);
    }
    expect(texts).toEqual(['hello world']);
  });

  it('counts a fragmented message once, with a ping between its fragments', () => {
    const { reader, texts, pings } = createReader({ decode: true });
    const count = reader.push(
      Buffer.concat([
        serverFrame(OPCODES.text, Buffer.from('frag'), false),
        serverFrame(OPCODES.ping, Buffer.from('p')),
        serverFrame(OPCODES.continuation, Buffer.from('ment'), true),
      ]),
    );
    expect(count).toBe(1);
    expect(texts).toEqual(['fragment']);
    expect(pings).toEqual(['p']);
  });

  it('reports a close frame and does not count binary frames', () => {
    const { reader, closes } = createReader();
    const count = reader.push(
      Buffer.concat([
        serverFrame(OPCODES.binary, Buffer.from([1, 2])),
        serverFrame(OPCODES.close, Buffer.from([0x03, 0xe8])),
      ]),
    );
    expect(count).toBe(0);
    expect(closes()).toBe(1);
  });

  it('refuses a masked server frame', () => {
    const { reader } = createReader();
    expect(() =>
      reader.push(encodeHybiFrame(OPCODES.text, Buffer.from('x'), { mask: true })),
    ).toThrow(/masked/);
  });

  it('hands over binary messages while decoding, without counting them as text', () => {
    const { reader, binaries } = createReader({ decode: true });
    expect(reader.push(serverFrame(OPCODES.binary, Buffer.from([1, 2, 3])))).toBe(0);
    expect(binaries).toEqual([[1, 2, 3]]);
  });

  it('reports the exact bytes of every frame, however the stream is split', () => {
    for (const size of [1, 3, 64, stream.length]) {
      const { reader, raws } = createReader();
      pushAll((chunk) => reader.push(chunk), chunksOf(stream, size));
      expect(raws.join(''), `chunks of ${size}`).toBe(stream.toString('hex'));
      expect(raws.map((raw) => raw.slice(0, 2))).toEqual(['81', '81', '89', '81', '81']);
    }
  });

  it('refuses a message past the limit, fragments counted together', () => {
    const { reader } = createReader({ maxMessageBytes: 8 });
    expect(reader.push(serverFrame(OPCODES.text, Buffer.alloc(8, 0x61)))).toBe(1);
    expect(() =>
      reader.push(
        Buffer.concat([
          serverFrame(OPCODES.text, Buffer.alloc(5, 0x61), false),
          serverFrame(OPCODES.continuation, Buffer.alloc(4, 0x61)),
        ]),
      ),
    ).toThrow(/exceeds 8 bytes/);
  });
});
