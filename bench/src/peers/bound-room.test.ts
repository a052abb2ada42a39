import { describe, expect, it } from 'vitest';
import {
  addMember,
  addText,
  createBoundRoom,
  type Family,
  removeMember,
  type TurnSocket,
  writeRoom,
} from './bound-room.js';

// Bytes as hex, so that a hixie frame's 0x00 and 0xFF show. 'é' is two bytes in UTF-8: the
// frames' lengths are bytes, not characters.
const shown = (bytes: Buffer): string => bytes.toString('hex');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const hybi = (text: string): string => shown(Buffer.from([0x81, utf8(text).length, ...utf8(text)]));
const hixie = (text: string): string => shown(Buffer.from([0x00, ...utf8(text), 0xff]));

// A socket that records what is written to it, and when (one log for all of them).

class RecordingSocket implements TurnSocket {
  writable = true;
  constructor(
    readonly name: string,
    private readonly log: string[],
  ) {}
  write(bytes: Buffer): boolean {
    this.log.push(`${this.name}:${shown(bytes)}`);
    return true;
  }
  cork(): void {
    this.log.push(`${this.name}:cork`);
  }
  uncork(): void {
    this.log.push(`${this.name}:uncork`);
  }
}

function roomOf(families: Family[]) {
  const log: string[] = [];
  const room = createBoundRoom<RecordingSocket>('r');
  const sockets = families.map((family, i) => {
    const socket = new RecordingSocket(`${family}${i}`, log);
    addMember(room, socket, family);
    return socket;
  });
  addText(room, 'A');
  addText(room, 'é');
  return { log, room, sockets };
}

// What roomOf's turn ('A', then 'é') is as one buffer of each family.
const hybiTurn = `${hybi('A')}${hybi('é')}`;
const hixieTurn = `${hixie('A')}${hixie('é')}`;

describe('the bound room', () => {
  it("writes each member its family's frames as one buffer, in the order they joined", () => {
    const { log, room } = roomOf(['hybi', 'hixie', 'hybi', 'hixie']);
    writeRoom(room, { eachFrame: false, byFamily: false });
    expect(log).toEqual([
      `hybi0:${hybiTurn}`,
      `hixie1:${hixieTurn}`,
      `hybi2:${hybiTurn}`,
      `hixie3:${hixieTurn}`,
    ]);
    expect(room.messages).toEqual([]);
  });

  it('writes nothing for a turn without texts', () => {
    const { log, room } = roomOf(['hybi', 'hixie']);
    writeRoom(room, { eachFrame: false, byFamily: false });
    log.length = 0;
    writeRoom(room, { eachFrame: false, byFamily: false });
    expect(log).toEqual([]);
  });

  it('writes every RFC 6455 member first when asked to order by family', () => {
    const { log, room } = roomOf(['hybi', 'hixie', 'hybi', 'hixie']);
    writeRoom(room, { eachFrame: false, byFamily: true });
    expect(log).toEqual([
      `hybi0:${hybiTurn}`,
      `hybi2:${hybiTurn}`,
      `hixie1:${hixieTurn}`,
      `hixie3:${hixieTurn}`,
    ]);
  });

  it('writes each frame by itself on a corked socket when asked to', () => {
    const { log, room } = roomOf(['hixie', 'hybi']);
    writeRoom(room, { eachFrame: true, byFamily: false });
    expect(log).toEqual([
      'hixie0:cork',
      `hixie0:${hixie('A')}`,
      `hixie0:${hixie('é')}`,
      'hixie0:uncork',
      'hybi1:cork',
      `hybi1:${hybi('A')}`,
      `hybi1:${hybi('é')}`,
      'hybi1:uncork',
    ]);
  });

  it('skips members that left or cannot be written, and counts each family', () => {
    const { log, room, sockets } = roomOf(['hybi', 'hixie', 'hybi']);
    const [first, second, third] = sockets;
    if (first === undefined || second === undefined || third === undefined) throw new Error();
    removeMember(room, second);
    removeMember(room, second);
    addMember(room, first, 'hybi');
    third.writable = false;
    expect([room.hybiCount, room.hixieCount]).toEqual([2, 0]);
    writeRoom(room, { eachFrame: false, byFamily: false });
    expect(log).toEqual([`hybi0:${hybiTurn}`]);
  });
});
