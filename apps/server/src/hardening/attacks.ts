/**
 * The attacks of issue 11, one function each, at any scale: what a hostile client did to the
 * server, written down so that the test (small, in `npm test`) and `npm run attack` (full
 * scale) run the very same thing. Each returns what it sent and how its connections ended.
 */

import { HYBI_OPCODES, type Protocol } from '@draftbridge/protocol-router';
import {
  clientFrame,
  openRawSession,
  type RawSession,
  type ServerFrame,
} from '@draftbridge/protocol-router/testing';
import type { AttackServer } from './harness.js';
import { pump, sleep } from './harness.js';
import type { AttackServerMemory } from './server-process.js';

/** One way in: a protocol, and a target that may force an engine or the relay. */
export interface Path {
  readonly name: string;
  readonly protocol: Protocol;
  readonly target: string;
}

/** The hybi paths: both engines, every hybi version. */
export const HYBI_PATHS: readonly Path[] = [
  { name: 'rfc6455/WebSocket-Node', protocol: 'rfc6455', target: '/ws' },
  { name: 'hybi-08/WebSocket-Node', protocol: 'hybi-08', target: '/ws' },
  { name: 'hybi-07/faye', protocol: 'hybi-07', target: '/ws' },
  { name: 'rfc6455/faye', protocol: 'rfc6455', target: '/ws?engine=faye-websocket' },
];

/** How an attack ended. */
export interface AttackOutcome {
  /** What the attackers sent, in words and numbers. */
  readonly sent: string;
  /** What the server held (after full collections) with the attackers still connected. */
  readonly held?: AttackServerMemory;
  /** Connections by how they ended: a close code, `FF 00`, `tcp close`, `dropped`, `open`. */
  readonly ended: Readonly<Record<string, number>>;
  /** Further figures the attack measured. */
  readonly figures: Readonly<Record<string, number>>;
}

/** How one raw session ended, as its bytes show it. */
export function endingOf(session: RawSession): string {
  const close = session.frames().find((frame: ServerFrame) => frame.kind === 'close');
  if (close !== undefined && close.kind === 'close') {
    return close.code === undefined ? 'FF 00' : String(close.code);
  }
  if (!session.peer.isClosed) return 'open';
  return session.protocol === 'hixie-75' ? 'tcp close' : 'dropped';
}

function tally(sessions: readonly RawSession[]): Record<string, number> {
  const ended: Record<string, number> = {};
  for (const session of sessions) {
    const how = endingOf(session);
    ended[how] = (ended[how] ?? 0) + 1;
  }
  return ended;
}

// Readers paused for the attack are resumed so their last bytes (a Close) can be seen.
async function settle(sessions: readonly RawSession[], waitMs: number): Promise<void> {
  for (const session of sessions) session.peer.socket.resume();
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && sessions.some((s) => endingOf(s) === 'open')) await sleep(50);
}

function join(session: RawSession, room: string, nick: string, extra = {}): Promise<void> {
  session.sendText(JSON.stringify({ type: 'join', room, nick, client: nick, ...extra }));
  return session.waitForFrame((f) => f.kind === 'text' && f.text.startsWith('{"type":"welcome"'));
}

// A crowd: `count` sessions opened at once, all open before any of them joins.
function openSessions(
  server: AttackServer,
  count: number,
  protocol: Protocol = 'rfc6455',
  target?: string,
): Promise<RawSession[]> {
  return Promise.all(
    Array.from({ length: count }, () => openRawSession(server.port, protocol, target)),
  );
}

// `perPath` sessions on each of `paths`, in the order of the paths.
async function openOnEveryPath(
  server: AttackServer,
  paths: readonly Path[],
  perPath: number,
): Promise<RawSession[]> {
  const byPath = await Promise.all(
    paths.map((path) => openSessions(server, perPath, path.protocol, path.target)),
  );
  return byPath.flat();
}

// Joins each session to its room as `<nick>-<i>`, all at once.
async function joinAll(
  sessions: readonly RawSession[],
  roomOf: (i: number) => string,
  nick: string,
): Promise<void> {
  await Promise.all(sessions.map((session, i) => join(session, roomOf(i), `${nick}-${i}`)));
}

const repeat = (frame: Buffer, times: number) => Buffer.concat(Array(times).fill(frame));
const EMPTY = Buffer.alloc(0);

/** Finding 1: a message that never ends, of empty (or one-byte) continuation frames. */
export async function endlessFragments(
  server: AttackServer,
  options: {
    paths: readonly Path[];
    perPath: number;
    seconds: number;
    fragmentBytes: 0 | 1;
    /** Stop after this many frames (default: as many as the server takes in `seconds`). */
    frames?: number;
  },
): Promise<AttackOutcome> {
  const sessions = await openOnEveryPath(server, options.paths, options.perPath);
  const payload = Buffer.alloc(options.fragmentBytes, 0x61);
  const chunk = repeat(clientFrame(HYBI_OPCODES.continuation, payload, { fin: false }), 1000);
  const written = await Promise.all(
    sessions.map((session) => {
      session.sendRaw(clientFrame(HYBI_OPCODES.text, Buffer.from('a'), { fin: false }));
      let chunks = options.frames === undefined ? Number.POSITIVE_INFINITY : options.frames / 1000;
      return pump(
        session.peer.socket,
        () => (chunks-- > 0 ? chunk : EMPTY),
        options.seconds * 1000,
      );
    }),
  );
  // Throttled to its budget (128 bytes a frame), a socket reaches its 1025th fragment in a second.
  await settle(sessions, 6000);
  const bytes = written.reduce((sum, n) => sum + n, 0);
  const ended = tally(sessions);
  for (const session of sessions) session.peer.socket.destroy();
  return {
    sent: `${sessions.length} sockets, ${options.fragmentBytes}-byte continuation frames for ${options.seconds} s: ${(bytes / 1e6).toFixed(1)} MB taken`,
    ended,
    figures: { bytesTaken: bytes },
  };
}

/** Finding 2: ping frames as fast as the server takes them, from sockets that never read. */
export async function pingFlood(
  server: AttackServer,
  options: { paths: readonly Path[]; perPath: number; seconds: number },
): Promise<AttackOutcome> {
  const sessions = await openOnEveryPath(server, options.paths, options.perPath);
  const chunk = repeat(clientFrame(HYBI_OPCODES.ping, Buffer.from('ping')), 1000);
  for (const session of sessions) session.peer.socket.pause();
  const written = await Promise.all(
    sessions.map((session) => pump(session.peer.socket, () => chunk, options.seconds * 1000)),
  );
  const bytes = written.reduce((sum, n) => sum + n, 0);
  const figures = { bytesTaken: bytes, pingsTaken: Math.round(bytes / chunk.length) * 1000 };
  const held = await server.measure();
  const ended = tally(sessions);
  hangUp(sessions);
  return {
    sent: `${sessions.length} sockets that never read, pings for ${options.seconds} s: ${(bytes / 1e6).toFixed(1)} MB handed to their sockets`,
    held,
    ended,
    figures,
  };
}

/** Closes what an attack left open. */
export function hangUp(sessions: readonly RawSession[]): void {
  for (const session of sessions) session.peer.socket.destroy();
}

/** Finding 3: members in rooms of their own saying the longest text they may, just under the rate. */
export async function historyFill(
  server: AttackServer,
  options: { connections: number; seconds: number; perSecond: number },
): Promise<AttackOutcome> {
  const sessions = await openSessions(server, options.connections);
  await joinAll(sessions, (i) => `fill-${i}`, 'filler');
  // The longest text there is: 2000 four-byte code points.
  const text = '😀'.repeat(2000);
  const deadline = Date.now() + options.seconds * 1000;
  let said = 0;
  while (Date.now() < deadline) {
    for (const session of sessions) {
      said += 1;
      session.sendText(JSON.stringify({ type: 'say', id: `s${said}`, text }));
    }
    await sleep(1000 / options.perSecond);
  }
  // Everyone leaves: their rooms keep history for their TTL, as much as the budgets allow.
  await sleep(300);
  hangUp(sessions);
  return {
    sent: `${sessions.length} members, each in its own room, ${options.perSecond} says/s of 8000 bytes for ${options.seconds} s: ${said} says (${((said * 8000) / 1e6).toFixed(0)} MB of text)`,
    ended: { left: sessions.length },
    figures: { says: said },
  };
}

/** Finding 4: relay browsers that never read while the room talks. */
export async function relayNeverReaders(
  server: AttackServer,
  options: { readers: number; senders: number; seconds: number; saysPerSecond: number },
): Promise<AttackOutcome> {
  const inRoom = () => 'relay-flood';
  const readers = await openSessions(server, options.readers, 'rfc6455', '/relay?draft=76');
  await joinAll(readers, inRoom, 'reader');
  for (const session of readers) session.peer.socket.pause();
  const senders = await openSessions(server, options.senders);
  await joinAll(senders, inRoom, 'sender');
  const text = '漢'.repeat(2000);
  const deadline = Date.now() + options.seconds * 1000;
  let said = 0;
  const perTick = Math.max(1, Math.round(options.saysPerSecond / 20));
  while (Date.now() < deadline) {
    for (const session of senders) {
      for (let i = 0; i < perTick; i += 1) {
        said += 1;
        session.sendText(JSON.stringify({ type: 'say', id: `r${said}`, text }));
      }
    }
    await sleep(50);
  }
  const held = await server.measure();
  hangUp(senders);
  // A reader dropped by the relay is told 1001, behind a backlog it does not read: the close
  // timeout ends it.
  await settle(readers, 8000);
  const ended = tally(readers);
  hangUp(readers);
  return {
    sent: `${options.readers} relay browsers that never read, ${options.senders} senders, ${said} says of 6000 bytes in ${options.seconds} s`,
    held,
    ended,
    figures: { says: said },
  };
}

/** Finding 5: joiners asking for the whole history, then never reading. */
export async function welcomeFlood(
  server: AttackServer,
  options: { fill: number; joiners: number; protocol: Protocol; target?: string },
): Promise<AttackOutcome> {
  const filler = await openRawSession(server.port, 'rfc6455');
  await join(filler, 'full-room', 'filler');
  const text = '😀'.repeat(2000);
  for (let i = 1; i <= options.fill; i += 1) {
    filler.sendText(JSON.stringify({ type: 'say', id: `h${i}`, text }));
    if (i % 100 === 0) {
      await filler.waitForFrame((f) => f.kind === 'text' && f.text.includes(`"seq":${i},`), 10_000);
    }
  }
  filler.peer.socket.destroy();
  const joiners = await openSessions(server, options.joiners, options.protocol, options.target);
  const welcomeBytes: number[] = [];
  await Promise.all(
    joiners.map(async (session, i) => {
      session.sendText(
        JSON.stringify({
          type: 'join',
          room: 'full-room',
          nick: `j${i}`,
          client: `j${i}`,
          since: 0,
        }),
      );
      await sleep(200);
      session.peer.socket.pause();
    }),
  );
  await sleep(500);
  for (const session of joiners) welcomeBytes.push(session.peer.received().length);
  const held = await server.measure();
  const ended = tally(joiners);
  hangUp(joiners);
  return {
    sent: `${options.fill} messages of 8000 bytes in one room, then ${options.joiners} ${options.protocol} joiners with since 0 that never read`,
    held,
    ended,
    figures: { largestWelcomeRead: Math.max(...welcomeBytes) },
  };
}

/** Finding 6: junk frames below the old detection threshold, from joined members. */
export async function slowFlood(
  server: AttackServer,
  options: { connections: number; framesPerSecond: number; seconds: number },
): Promise<AttackOutcome> {
  const sessions = await openSessions(server, options.connections);
  await joinAll(sessions, () => 'slow-flood', 'flood');
  const junk = clientFrame(HYBI_OPCODES.text, Buffer.from('not json'));
  const batch = Math.max(1, Math.round(options.framesPerSecond / 20));
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  let sent = 0;
  while (Date.now() < deadline && sessions.some((s) => !s.peer.isClosed)) {
    for (const session of sessions) {
      if (session.peer.isClosed) continue;
      session.sendRaw(repeat(junk, batch));
      sent += batch;
    }
    await sleep(50);
  }
  await settle(sessions, 2000);
  const errorsOf = (session: RawSession, code?: string) =>
    session.messages().filter((m) => m.type === 'error' && (code === undefined || m.code === code))
      .length;
  const ended = tally(sessions);
  hangUp(sessions);
  return {
    sent: `${options.connections} members sending ${options.framesPerSecond} junk frames/s each (${sent} in all)`,
    ended,
    figures: {
      // Each junk frame let through is answered (bad_json); the dropped ones are not.
      errorsAnsweredMax: Math.max(...sessions.map((s) => errorsOf(s))),
      rateLimitedAnsweredMax: Math.max(...sessions.map((s) => errorsOf(s, 'rate_limited'))),
      secondsToClose: (Date.now() - started) / 1000,
    },
  };
}

/** Finding 7: one client opening room after room (one connection each, as the contract has it). */
export async function roomChurn(
  server: AttackServer,
  options: { rooms: number; parallel: number },
): Promise<AttackOutcome> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: options.parallel }, async () => {
      while (next < options.rooms) {
        next += 1;
        const room = `churn-${next}`;
        const session = await openRawSession(server.port, 'rfc6455');
        await join(session, room, `c${next}`);
        session.sendText(JSON.stringify({ type: 'say', id: 'one', text: 'one message' }));
        await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('"type":"message"'));
        session.peer.socket.destroy();
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  return {
    sent: `${options.rooms} rooms opened, one message each, in ${seconds.toFixed(1)} s (${Math.round(options.rooms / seconds)} rooms/s)`,
    ended: { left: options.rooms },
    figures: { roomsPerSecond: options.rooms / seconds },
  };
}

/** Finding 8: members joining and leaving a big room as fast as they can. */
export async function presenceStorm(
  server: AttackServer,
  options: { members: number; churners: number; seconds: number },
): Promise<AttackOutcome> {
  const members: RawSession[] = [];
  for (let i = 0; i < options.members; i += 20) {
    const batch = await openSessions(server, Math.min(20, options.members - i));
    await Promise.all(batch.map((session, j) => join(session, 'big-room', `m${i + j}`)));
    members.push(...batch);
  }
  const watcher = members[0];
  const before = watcher?.messages().filter((m) => m.type === 'presence').length ?? 0;
  const deadline = Date.now() + options.seconds * 1000;
  let joins = 0;
  await Promise.all(
    Array.from({ length: options.churners }, async (_, c) => {
      while (Date.now() < deadline) {
        const session = await openRawSession(server.port, 'rfc6455');
        joins += 1;
        await join(session, 'big-room', `churn-${c}-${joins}`);
        session.peer.socket.destroy();
      }
    }),
  );
  await sleep(500);
  const heard = (watcher?.messages().filter((m) => m.type === 'presence').length ?? 0) - before;
  hangUp(members);
  return {
    sent: `${options.churners} sockets joining and leaving a room of ${options.members} for ${options.seconds} s: ${joins} joins`,
    ended: { left: options.members },
    figures: {
      joinsPerSecond: joins / options.seconds,
      presenceHeardPerSecond: heard / options.seconds,
      changes: 2 * joins,
      presenceHeard: heard,
    },
  };
}

/** Finding 9 and finding 2's last part: sockets that say nothing, joined or not. */
export async function silentSockets(
  server: AttackServer,
  options: { protocol: Protocol; count: number; joined: boolean; waitSeconds: number },
): Promise<AttackOutcome> {
  const sessions = await openSessions(server, options.count, options.protocol);
  if (options.joined) await joinAll(sessions, () => 'quiet', 'quiet');
  const started = Date.now();
  const deadline = started + options.waitSeconds * 1000;
  while (Date.now() < deadline && sessions.some((s) => !s.peer.isClosed)) await sleep(50);
  const ended = tally(sessions);
  hangUp(sessions);
  return {
    sent: `${options.count} ${options.protocol} sockets ${options.joined ? 'that joined and' : 'that never joined and'} then said nothing`,
    ended,
    figures: { secondsToClose: (Date.now() - started) / 1000 },
  };
}

/** Finding 9's last part: relay browsers until the server runs out of file descriptors. */
export async function descriptorExhaustion(
  server: AttackServer,
  options: { browsers: number },
): Promise<AttackOutcome> {
  const sessions: RawSession[] = [];
  let health = '';
  let openFds = 0;
  let refused = 0;
  for (let i = 0; i < options.browsers; i += 1) {
    try {
      const session = await openRawSession(server.port, 'rfc6455', '/relay?draft=76');
      sessions.push(session);
      session.sendText(
        JSON.stringify({ type: 'join', room: 'fds', nick: `b${i}`, client: `b${i}` }),
      );
    } catch {
      // The accept itself failed: what the rest of the server may still answer is the point.
      refused += 1;
    }
    if (sessions.some((s) => endingOf(s) !== 'open')) break;
  }
  await sleep(300);
  // A few descriptors are free again once the failed leg is gone: enough for the questions.
  const stillOpen = sessions.filter((s) => endingOf(s) === 'open');
  for (const session of stillOpen.slice(-3)) session.peer.socket.destroy();
  await sleep(200);
  try {
    const answer = await fetch(`${server.http}/healthz`);
    health = `${answer.status} ${await answer.text()}`;
    openFds = await server.metric('draftbridge_process_open_fds');
  } catch (error) {
    health = `unreachable: ${(error as Error).message}`;
  }
  const ended = tally(sessions);
  hangUp(sessions);
  return {
    sent: `relay browsers until a leg could not be opened: ${sessions.length} opened, ${refused} accepts failed; /healthz then said ${health}`,
    ended,
    figures: { openFds, healthStatus: Number(health.slice(0, 3)) || 0 },
  };
}
