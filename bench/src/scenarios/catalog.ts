/**
 * What each scenario is, which subjects it runs on, and its title: one table. The burst sweep
 * and the many-rooms burst make the same number of deliveries (the plan's), so every burst lasts
 * about as long whatever the room size: small rooms show what a message costs, large ones what
 * a delivery costs. The echo peers run where they say something (one room, the issue-7 burst
 * and load, the capacity of the bare engines); the references run everywhere.
 */
import type { BenchPlan, ScenarioName } from '../constants.js';
import { SUBJECT_NAMES, type SubjectName } from '../subjects.js';

/** A burst: every sender of every room writes all its messages at once. */
export interface BurstSpec {
  readonly kind: 'burst';
  readonly rooms: number;
  /** Members of each room, its senders included. */
  readonly members: number;
  /** One RFC 6455 member stops reading as the burst starts. */
  readonly slowReader: boolean;
}

/** Paced messages into one room at the light or the heavy rate. */
export interface PacedSpec {
  readonly kind: 'paced';
  readonly load: 'light' | 'heavy';
}

/** Idle connections: handshakes, CPU and memory per connection. */
export interface CapacitySpec {
  readonly kind: 'capacity';
}

/** One scenario's definition. */
export type ScenarioSpec = BurstSpec | PacedSpec | CapacitySpec;

const burst = (rooms: number, members: number, slowReader = false): BurstSpec => ({
  kind: 'burst',
  rooms,
  members,
  slowReader,
});

/** Every scenario's definition. */
export const SCENARIOS: Record<ScenarioName, ScenarioSpec> = {
  'burst-10': burst(1, 10),
  'burst-100': burst(1, 100),
  'burst-500': burst(1, 500),
  'burst-2000': burst(1, 2000),
  'rooms-100x10': burst(100, 10),
  'slow-reader': burst(1, 500, true),
  'paced-light': { kind: 'paced', load: 'light' },
  'paced-heavy': { kind: 'paced', load: 'heavy' },
  capacity: { kind: 'capacity' },
};

const CHAT: readonly SubjectName[] = [
  'bound',
  'bound-writev',
  'bound-by-family',
  'ws',
  'draftbridge',
  'draftbridge-redis',
  'draftbridge-baseline',
];
const ALL_ONE_ROOM: readonly SubjectName[] = SUBJECT_NAMES;

/**
 * Who runs each scenario (when selected: the diagnostic subjects only run when asked for).
 * `ws-echo`, `bound-writev` and `bound-by-family` sit out capacity: their idle connections are
 * naive `ws`'s and the bound's.
 * The slow reader is draftbridge's own check against its burst, with the references beside it.
 */
export const SCENARIO_SUBJECTS: Record<ScenarioName, readonly SubjectName[]> = {
  'burst-10': CHAT,
  'burst-100': CHAT,
  'burst-500': ALL_ONE_ROOM,
  'burst-2000': CHAT,
  'rooms-100x10': CHAT,
  'slow-reader': [
    'bound',
    'bound-writev',
    'bound-by-family',
    'ws',
    'draftbridge',
    'draftbridge-baseline',
  ],
  'paced-light': CHAT,
  'paced-heavy': ALL_ONE_ROOM,
  capacity: [
    'bound',
    'ws',
    'websocket-node',
    'faye-websocket',
    'both-engines',
    'draftbridge',
    'draftbridge-redis',
    'draftbridge-baseline',
  ],
};

/** Senders in each room of a burst: all members of a room smaller than the plan's count. */
export function sendersPerRoom(plan: BenchPlan, spec: BurstSpec): number {
  return Math.min(plan.burstSendersPerRoom, spec.members);
}

/** Messages each sender writes, so that the burst makes the plan's deliveries. */
export function messagesPerSender(plan: BenchPlan, spec: BurstSpec): number {
  const perMessage = spec.rooms * spec.members;
  return Math.max(1, Math.ceil(plan.burstDeliveries / (perMessage * sendersPerRoom(plan, spec))));
}

/** Messages a second at a paced scenario's load. */
export function pacedRate(plan: BenchPlan, spec: PacedSpec): number {
  return spec.load === 'light' ? plan.pacedLightRate : plan.pacedHeavyRate;
}

/** A scenario's title for the table, with its counts. */
export function scenarioTitle(name: ScenarioName, plan: BenchPlan): string {
  const spec = SCENARIOS[name];
  if (spec.kind === 'burst') {
    const senders = sendersPerRoom(plan, spec);
    const rooms = spec.rooms === 1 ? '1 room' : `${spec.rooms} rooms`;
    const slow = spec.slowReader
      ? '; one RFC 6455 member stops reading (figures of the others)'
      : '';
    const waves =
      plan.burstWaves > 1
        ? `; the bound and draftbridge ${plan.burstWaves} such bursts back to back`
        : '';
    return `${name}: burst, ${rooms} x ${spec.members} members, ${senders} senders a room x ${messagesPerSender(plan, spec)} messages at once${slow}${waves}`;
  }
  if (spec.kind === 'paced') {
    const rate = pacedRate(plan, spec);
    return `${name}: paced, 1 room x ${plan.pacedMembers} members, ${rate} messages/s (${Math.round((rate * plan.pacedMembers) / 1000)}k deliveries/s) for ${plan.pacedSeconds} s`;
  }
  return `${name}: ${plan.capacityConnections} idle connections (half RFC 6455, half hixie-76 where served)`;
}
