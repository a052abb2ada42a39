import { describe, expect, it } from 'vitest';
import {
  addMember,
  createBoundRoom,
  type Family,
  removeMember,
  type TurnSocket,
  writeRoom,
} from './bound-room.js';

// A socket that records what is written to it, and when (one log for all of them).
class RecordingSocket implements TurnSocket {
  writable = true;
  constructor(
    readonly name: string,
    private readonly log: string[],
  ) {}
  write(bytes: Buffer): boolean {
    this.log.push(`${this.name}:${bytes.toString()}`);
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
  room.hybiFrames.push(Buffer.from('A'), Buffer.from('B'));
  room.hixieFrames.push(Buffer.from('a'), Buffer.from('b'));
  return { log, room, sockets };
}

describe('the bound room', () => {
  it("writes each member its family's frames as one buffer, in the order they joined", () => {
    const { log, room } = roomOf(['hybi', 'hixie', 'hybi', 'hixie']);
    writeRoom(room, { eachFrame: false, byFamily: false });
    expect(log).toEqual(['hybi0:AB', 'hixie1:ab', 'hybi2:AB', 'hixie3:ab']);
    expect(room.hybiFrames).toEqual([]);
    expect(room.hixieFrames).toEqual([]);
  });

  it('writes every RFC 6455 member first when asked to order by family', () => {
    const { log, room } = roomOf(['hybi', 'hixie', 'hybi', 'hixie']);
    writeRoom(room, { eachFrame: false, byFamily: true });
    expect(log).toEqual(['hybi0:AB', 'hybi2:AB', 'hixie1:ab', 'hixie3:ab']);
  });

  it('writes each frame by itself on a corked socket when asked to', () => {
    const { log, room } = roomOf(['hixie', 'hybi']);
    writeRoom(room, { eachFrame: true, byFamily: false });
    expect(log).toEqual([
      'hixie0:cork',
      'hixie0:a',
      'hixie0:b',
      'hixie0:uncork',
      'hybi1:cork',
      'hybi1:A',
      'hybi1:B',
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
    expect(log).toEqual(['hybi0:AB']);
  });
});
