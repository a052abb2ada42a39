/**
 * The servers under test. Two references every figure is divided by: the same-work bound (the
 * least work that sends draftbridge's bytes) and naive `ws` sending the same chat bytes. Three
 * echo peers on the bare libraries (naive `ws`, WebSocket-Node, faye-websocket), which echo the
 * text as it is: the bare engines the handshake and memory targets compare with. And draftbridge
 * itself, in memory and as two instances sharing a Redis the bench starts.
 *
 * Every chat subject is probed before the run: it must start and answer a `join` on `/ws` with
 * a `welcome` and a `say` with a `message`, per protocol (on Redis, across instances too). A
 * protocol that does not is left out of its runs, and a subject with none left is skipped with
 * the reason. The probe also records how many bytes one `message` is, so that the run can say
 * whether the references really send what draftbridge sends.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHAT_DIALECT,
  type ChatDialect,
  createRoomName,
  RAW_DIALECT,
  readMessageType,
} from './chat-dialect.js';
import { type BenchConnection, openConnection } from './client/bench-connection.js';
import {
  DRAFTBRIDGE_BENCH_ENV,
  PROBE_RELAY_TIMEOUT_MS,
  WIRE_PROTOCOLS,
  type WireProtocol,
} from './constants.js';
import { createMessageText } from './payload.js';
import { BENCH_HOST, type LaunchSpec, launchGroup, type ServerGroup } from './server-process.js';

/** Every subject's name: the references first. */
export const SUBJECT_NAMES = [
  'bound',
  'bound-writev',
  'bound-by-family',
  'ws',
  'ws-echo',
  'websocket-node',
  'faye-websocket',
  'both-engines',
  'draftbridge',
  'draftbridge-redis',
  'draftbridge-baseline',
] as const;

/** One subject's name. */
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/** Subjects that run only when asked for (`--subjects`): diagnostics, not part of a full run. */
export const DIAGNOSTIC_SUBJECTS: readonly SubjectName[] = [
  'bound-writev',
  'bound-by-family',
  'both-engines',
  'draftbridge-baseline',
];

/** The subjects of a full run. */
export const DEFAULT_SUBJECTS: readonly SubjectName[] = SUBJECT_NAMES.filter(
  (name) => !DIAGNOSTIC_SUBJECTS.includes(name),
);

/** The same-work bound: "x bound" is a share of what the machine can do with the same bytes. */
export const BOUND_SUBJECT: SubjectName = 'bound';

/** Naive `ws` with the chat's bytes: "x naive ws". */
export const NAIVE_SUBJECT: SubjectName = 'ws';

/** The subjects every ratio is computed against; they always run. */
export const REFERENCE_SUBJECTS: readonly SubjectName[] = [BOUND_SUBJECT, NAIVE_SUBJECT];

/**
 * The subjects whose bursts carry the burst targets (x bound), and so measure `burstWaves`
 * bursts a run: the bound, its variants and draftbridge in memory. The others are many times
 * slower, or compared with nothing within 15%, and make one.
 */
export const WAVE_SUBJECTS: readonly SubjectName[] = [
  'bound',
  'bound-writev',
  'bound-by-family',
  'draftbridge',
  'draftbridge-baseline',
];

/** The draftbridge subjects: the ones the targets are about. */
export const DRAFTBRIDGE_SUBJECTS: readonly SubjectName[] = [
  'draftbridge',
  'draftbridge-redis',
  'draftbridge-baseline',
];

/** A server under test. */
export interface Subject {
  readonly name: SubjectName;
  /** What it is, for the table and the README. */
  readonly description: string;
  /** The protocols its members use; scenarios mix them half and half. */
  readonly protocols: readonly WireProtocol[];
  readonly dialect: ChatDialect;
  readonly launch: LaunchSpec;
  /** Processes started for each run; members and connections alternate between them. */
  readonly instances: number;
}

// This file is src/subjects.ts or, compiled, dist/subjects.js: one level below the workspace.
const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(benchRoot, '..');

/** Where the built draftbridge server's entry point is. */
export const DRAFTBRIDGE_ENTRY = path.join(repoRoot, 'apps/server/dist/index.js');

// Compiled (npm run bench), the peers run as plain JavaScript, like draftbridge: no loader in
// the measured process. From source (the tests), tsx loads them (server-process.ts).
const fromSource = import.meta.url.endsWith('.ts');

function peerLaunch(name: string, env: Record<string, string> = {}): LaunchSpec {
  const file = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    'peers',
    `${name}.${fromSource ? 'ts' : 'js'}`,
  );
  return { args: [file], cwd: benchRoot, env };
}

// The bound and its diagnostic variants: one peer, told how to write by its environment.
function boundSubject(
  name: SubjectName,
  description: string,
  env?: Record<string, string>,
): Subject {
  return {
    name,
    description,
    protocols: ['rfc6455', 'hixie76'],
    dialect: CHAT_DIALECT,
    launch: peerLaunch('bound-peer', env),
    instances: 1,
  };
}

/** The references and the echo peers, as they always run. */
export const PEER_SUBJECTS: readonly Subject[] = [
  boundSubject(
    'bound',
    'same-work bound: the same message bytes, framed once per family, one write per member per turn, nothing else (RFC 6455 and hixie-76)',
  ),
  boundSubject(
    'bound-writev',
    'diagnostic: the bound writing as draftbridge does, each frame its own write() on a corked socket',
    { BOUND_WRITE: 'each' },
  ),
  boundSubject(
    'bound-by-family',
    'diagnostic: the bound writing the RFC 6455 members of each room before its hixie-76 ones (the bound until 2026-12-02)',
    { BOUND_ORDER: 'family' },
  ),
  {
    name: 'ws',
    description: 'naive chat on ws 8: the same message bytes, one send per member (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: CHAT_DIALECT,
    launch: peerLaunch('ws-chat-peer'),
    instances: 1,
  },
  {
    name: 'ws-echo',
    description: 'naive echo on ws 8: the text as it came, one send per connection (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('ws-echo-peer'),
    instances: 1,
  },
  {
    name: 'websocket-node',
    description: 'naive echo on bare WebSocket-Node 1.0.35 (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('websocket-node-peer'),
    instances: 1,
  },
  {
    name: 'faye-websocket',
    description:
      'naive echo on bare faye-websocket 0.11.4 + websocket-driver 0.7.4 (RFC 6455 and hixie-76)',
    protocols: ['rfc6455', 'hixie76'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('faye-peer'),
    instances: 1,
  },
  {
    name: 'both-engines',
    description:
      'diagnostic: naive echo on bare WebSocket-Node (RFC 6455) and bare faye-websocket (hixie-76) in one process, as draftbridge splits them',
    protocols: ['rfc6455', 'hixie76'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('both-engines-peer'),
    instances: 1,
  },
];

/** The two ways draftbridge runs: one process in memory, or two instances sharing Redis. */
export type DraftbridgeMode = 'memory' | 'redis';

/** draftbridge as a subject (before its probe decides which protocols it serves). */
export function draftbridgeSubject(mode: DraftbridgeMode): Subject {
  return {
    name: mode === 'memory' ? 'draftbridge' : 'draftbridge-redis',
    description:
      mode === 'memory'
        ? 'draftbridge in memory: router + WebSocket-Node (RFC 6455) / faye-websocket (hixie-76)'
        : 'draftbridge, two instances sharing rooms through one redis-server; members alternate',
    protocols: WIRE_PROTOCOLS,
    dialect: CHAT_DIALECT,
    launch: {
      args: [DRAFTBRIDGE_ENTRY],
      cwd: repoRoot,
      // An empty REDIS_URL counts as unset; the Redis mode gets its own from the launch.
      env: { ...DRAFTBRIDGE_BENCH_ENV, REDIS_URL: '' },
      redis: mode === 'redis',
    },
    instances: mode === 'memory' ? 1 : 2,
  };
}

/**
 * Where another build's server is, for `draftbridge-baseline`: a clone or worktree of another
 * commit, built, so that a change is measured against the code before it in one run.
 */
export const BASELINE_ENTRY_VARIABLE = 'BENCH_BASELINE_ENTRY';

/**
 * Another build of draftbridge, in memory, side by side with this one (diagnostic): the build
 * whose `apps/server/dist/index.js` the environment's `BENCH_BASELINE_ENTRY` names.
 */
export function draftbridgeBaselineSubject(entry: string | undefined): Subject {
  const subject = draftbridgeSubject('memory');
  return {
    ...subject,
    name: 'draftbridge-baseline',
    description: `another build of draftbridge in memory (${entry ?? `${BASELINE_ENTRY_VARIABLE} unset`})`,
    launch: {
      ...subject.launch,
      args: [entry ?? ''],
      cwd: entry === undefined ? repoRoot : path.resolve(path.dirname(entry), '../../..'),
    },
  };
}

/** A chat subject with the protocols it answers chat on, or the reason it cannot be benched. */
export type ProbeResult =
  | {
      readonly ok: true;
      readonly subject: Subject;
      readonly notes: readonly string[];
      /** Bytes of the `message` a fixed `say` came back as, per protocol. */
      readonly messageBytes: Partial<Record<WireProtocol, number>>;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Starts a chat subject once and checks that each protocol can join a room and say something;
 * with two instances, also that a message said on one reaches a member on the other.
 */
export async function probeChatSubject(subject: Subject): Promise<ProbeResult> {
  if (subject.launch.args.includes(DRAFTBRIDGE_ENTRY) && !existsSync(DRAFTBRIDGE_ENTRY)) {
    return {
      ok: false,
      reason: `${path.relative(repoRoot, DRAFTBRIDGE_ENTRY)} is missing: run npm run build`,
    };
  }
  if (subject.name === 'draftbridge-baseline' && !existsSync(subject.launch.args[0] ?? '')) {
    return {
      ok: false,
      reason: `${BASELINE_ENTRY_VARIABLE} must name another build's apps/server/dist/index.js`,
    };
  }
  let server: ServerGroup;
  try {
    server = await launchGroup(subject.launch, subject.instances);
  } catch (error) {
    return { ok: false, reason: `it did not start: ${(error as Error).message}` };
  }
  const protocols: WireProtocol[] = [];
  const notes: string[] = [];
  const messageBytes: Partial<Record<WireProtocol, number>> = {};
  try {
    for (const protocol of subject.protocols) {
      try {
        const member = [{ protocol, port: server.portFor(0) }];
        messageBytes[protocol] = await withJoined(member, ([m]) => expectMessage(m, m));
        protocols.push(protocol);
      } catch (error) {
        notes.push(
          `${subject.name}: ${protocol} left out, /ws does not answer chat: ${(error as Error).message}`,
        );
      }
    }
    if (subject.instances > 1 && protocols.length > 0) {
      const protocol = protocols[0] ?? 'rfc6455';
      const across = [
        { protocol, port: server.portFor(0) },
        { protocol, port: server.portFor(1) },
      ];
      try {
        await withJoined(across, ([speaker, listener]) => expectMessage(speaker, listener));
      } catch (error) {
        protocols.length = 0;
        notes.push(
          `${subject.name}: a message does not cross instances: ${(error as Error).message}`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  if (protocols.length === 0) {
    return { ok: false, reason: `/ws does not answer chat. ${notes.join('; ')}` };
  }
  return { ok: true, notes, messageBytes, subject: { ...subject, protocols } };
}

// Opens and joins one connection per entry in one fresh room, runs `use`, closes them all.
async function withJoined<T>(
  members: readonly { protocol: WireProtocol; port: number }[],
  use: (connections: BenchConnection[]) => Promise<T>,
): Promise<T> {
  const room = createRoomName();
  const connections: BenchConnection[] = [];
  try {
    for (const [i, { protocol, port }] of members.entries()) {
      const connection = await openConnection(protocol, {
        host: BENCH_HOST,
        port,
        path: CHAT_DIALECT.path,
      });
      connections.push(connection);
      // The same names for every subject, so that their messages have the same length.
      await CHAT_DIALECT.join(connection, `probe-${i}`, room);
    }
    return await use(connections);
  } finally {
    for (const connection of connections) connection.destroy();
  }
}

// `speaker` says a fixed text; resolves with the bytes of the `message` `listener` receives.
function expectMessage(
  speaker: BenchConnection | undefined,
  listener: BenchConnection | undefined,
): Promise<number> {
  if (speaker === undefined || listener === undefined)
    return Promise.reject(new Error('no members'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no message within ${PROBE_RELAY_TIMEOUT_MS} ms`)),
      PROBE_RELAY_TIMEOUT_MS,
    );
    listener.decode = true;
    listener.onMessage = (payload) => {
      if (readMessageType(payload) !== 'message') return;
      clearTimeout(timer);
      resolve(payload.length);
    };
    speaker.send(CHAT_DIALECT.say('probe-1', createMessageText(0, 0, 1_000_000)));
  });
}
