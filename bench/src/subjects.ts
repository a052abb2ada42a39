/**
 * The servers under test. Three naive broadcast peers, each on one bare library, and
 * draftbridge itself. Naive `ws` is the baseline every figure is divided by.
 *
 * draftbridge is probed before the run: it must be built, start, and answer a join on `/ws`
 * with a `welcome`, per protocol. A protocol that does not is left out of its runs, and a
 * subject with none left is skipped with the reason, so the bench stays usable while the
 * server is being finished. With REDIS_URL, draftbridge also runs as two instances sharing
 * Redis, and its probe checks that a message crosses from one to the other.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ChatDialect,
  createRoomName,
  DRAFTBRIDGE_DIALECT,
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
import { BENCH_HOST, type LaunchSpec, launchGroup, type ServerGroup } from './server-process.js';

/** Every subject's name; `ws` comes first because it is the baseline. */
export const SUBJECT_NAMES = [
  'ws',
  'websocket-node',
  'faye-websocket',
  'draftbridge',
  'draftbridge-redis',
] as const;

/** One subject's name. */
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/** The subject every ratio is computed against. */
export const BASELINE_SUBJECT: SubjectName = 'ws';

/** A server under test. */
export interface Subject {
  readonly name: SubjectName;
  /** What it is, for the table and the README. */
  readonly description: string;
  /** The protocols its receivers use; scenarios mix them half and half. */
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
// the measured process. From source (tsx, the tests), they run through tsx as well.
const fromSource = import.meta.url.endsWith('.ts');

function peerLaunch(name: string): LaunchSpec {
  const file = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    'peers',
    `${name}.${fromSource ? 'ts' : 'js'}`,
  );
  return {
    command: process.execPath,
    args: fromSource ? ['--import', import.meta.resolve('tsx'), file] : [file],
    cwd: benchRoot,
    env: {},
  };
}

/** The naive peers, as they always run. */
export const NAIVE_SUBJECTS: readonly Subject[] = [
  {
    name: 'ws',
    description: 'naive broadcast on ws 8 (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('ws-peer'),
    instances: 1,
  },
  {
    name: 'websocket-node',
    description: 'naive broadcast on bare WebSocket-Node 1.0.35 (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('websocket-node-peer'),
    instances: 1,
  },
  {
    name: 'faye-websocket',
    description:
      'naive broadcast on bare faye-websocket 0.11.4 + websocket-driver 0.7.4 (RFC 6455 and hixie-76)',
    protocols: ['rfc6455', 'hixie76'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('faye-peer'),
    instances: 1,
  },
];

/** The two ways draftbridge runs: one process in memory, or two instances sharing Redis. */
export type DraftbridgeMode = 'memory' | 'redis';

const DRAFTBRIDGE_VARIANTS: Record<
  DraftbridgeMode,
  { readonly name: SubjectName; readonly description: string; readonly instances: number }
> = {
  memory: {
    name: 'draftbridge',
    description:
      'draftbridge in-memory: router + WebSocket-Node (RFC 6455) / faye-websocket (hixie-76)',
    instances: 1,
  },
  redis: {
    name: 'draftbridge-redis',
    description:
      'draftbridge, two instances sharing rooms through Redis (REDIS_URL); members alternate',
    instances: 2,
  },
};

function draftbridgeLaunch(mode: DraftbridgeMode, redisUrl: string | undefined): LaunchSpec {
  return {
    command: process.execPath,
    args: [DRAFTBRIDGE_ENTRY],
    cwd: repoRoot,
    // An empty REDIS_URL counts as unset: the in-memory subject must not pick up the bench's.
    env: { ...DRAFTBRIDGE_BENCH_ENV, REDIS_URL: mode === 'redis' ? (redisUrl ?? '') : '' },
  };
}

/** draftbridge with the protocols it answers chat on, or the reason it cannot be benched. */
export type ProbeResult =
  | { readonly ok: true; readonly subject: Subject; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Starts draftbridge once and checks that each protocol can join a room; on Redis, also that a
 * message said on one instance reaches a member on the other.
 */
export async function probeDraftbridge(
  mode: DraftbridgeMode = 'memory',
  redisUrl: string | undefined = process.env.REDIS_URL,
): Promise<ProbeResult> {
  const variant = DRAFTBRIDGE_VARIANTS[mode];
  if (!existsSync(DRAFTBRIDGE_ENTRY)) {
    return {
      ok: false,
      reason: `${path.relative(repoRoot, DRAFTBRIDGE_ENTRY)} is missing: run npm run build`,
    };
  }
  if (mode === 'redis' && !redisUrl) return { ok: false, reason: 'REDIS_URL is not set' };
  const launch = draftbridgeLaunch(mode, redisUrl);
  let server: ServerGroup;
  try {
    server = await launchGroup(launch, variant.instances);
  } catch (error) {
    return { ok: false, reason: `it did not start: ${(error as Error).message}` };
  }
  const protocols: WireProtocol[] = [];
  const notes: string[] = [];
  try {
    for (const protocol of WIRE_PROTOCOLS) {
      try {
        await withJoined([{ protocol, port: server.portFor(0) }], async () => undefined);
        protocols.push(protocol);
      } catch (error) {
        notes.push(
          `${variant.name}: ${protocol} left out, /ws does not answer chat: ${(error as Error).message}`,
        );
      }
    }
    if (mode === 'redis' && protocols.length > 0) {
      const protocol = protocols[0] ?? 'rfc6455';
      const across = [
        { protocol, port: server.portFor(0) },
        { protocol, port: server.portFor(1) },
      ];
      try {
        await withJoined(across, ([speaker, listener]) => expectRelayed(speaker, listener));
      } catch (error) {
        protocols.length = 0;
        notes.push(
          `${variant.name}: a message does not cross instances: ${(error as Error).message}`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  if (protocols.length === 0) {
    return { ok: false, reason: `/ws does not answer chat yet. ${notes.join('; ')}` };
  }
  return {
    ok: true,
    notes,
    subject: {
      ...variant,
      protocols,
      dialect: DRAFTBRIDGE_DIALECT,
      launch,
    },
  };
}

// Opens and joins one connection per entry in one fresh room, runs `use`, closes them all.
async function withJoined(
  members: readonly { protocol: WireProtocol; port: number }[],
  use: (connections: BenchConnection[]) => Promise<void>,
): Promise<void> {
  const room = createRoomName();
  const connections: BenchConnection[] = [];
  try {
    for (const [i, { protocol, port }] of members.entries()) {
      const connection = await openConnection(protocol, {
        host: BENCH_HOST,
        port,
        path: DRAFTBRIDGE_DIALECT.path,
      });
      connections.push(connection);
      await DRAFTBRIDGE_DIALECT.join(connection, `probe-${protocol}-${i}`, room);
    }
    await use(connections);
  } finally {
    for (const connection of connections) connection.destroy();
  }
}

function expectRelayed(
  speaker: BenchConnection | undefined,
  listener: BenchConnection | undefined,
): Promise<void> {
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
      resolve();
    };
    speaker.send(DRAFTBRIDGE_DIALECT.say('probe-1', 'across instances'));
  });
}
