/**
 * The Redis hub: rooms shared by several server instances through one Redis (docs/PROTOCOL.md,
 * "Guarantees"; the ordering rules are hub.ts's).
 *
 * - A `say` is one Lua script: dedupe of `(client, id)`, the next `seq`, the append to the
 *   room's retained history and the publish on the room's channel happen in one atomic step, so
 *   seq order, history order and publish order agree on every instance.
 * - Each instance subscribes to the channels of the rooms it has members in and delivers in
 *   seq order with no gaps (redis-hub-room.ts); `welcome` history and `since` come from Redis.
 * - Presence is a hash of members plus a sorted set of expiry times that each instance's
 *   heartbeat extends for its own members; any instance reaps expired members and publishes
 *   their `leave`, so a crashed instance's members vanish within the presence window.
 * - Redis down: a `say` rejects with HubUnavailableError (not acknowledged, the client resends),
 *   `health()` says so, ioredis reconnects, and on reconnection every room resubscribes and
 *   fills what it missed from history. A message is acknowledged only by its publication,
 *   which comes after the script committed it.
 *
 * Guarantees hold as far as Redis keeps its data: run it with the append-only file
 * (`appendfsync always` loses nothing acknowledged; `everysec`, the default, up to a second).
 */
import { createLogger, type Logger } from '../../logger.js';
import { type Hub, HubRefusal, HubUnavailableError, type RoomMember } from '../hub.js';
import { parsePublication, serializeMessageAroundSeq } from './codec.js';
import { createRedisConnections } from './connection.js';
import { startHeartbeat } from './heartbeat.js';
import { createRoomKeys, dedupeField } from './keys.js';
import { type RedisHubOptions, resolveRedisHubOptions } from './options.js';
import { createRedisRoom, type RedisRoom } from './room.js';
import { createRedisStore, RedisReplyError } from './store.js';

/** A hub in Redis, which can also tell whether Redis is reachable. */
export interface RedisHub extends Required<Hub> {
  /** `ok` when both connections are up and Redis answers; otherwise what is wrong. */
  health(): Promise<{ ok: boolean; detail?: string }>;
}

let silentLogger: Logger | undefined;

/** Creates a hub that shares its rooms with every other instance on the same Redis. */
export function createRedisHub(options: RedisHubOptions): RedisHub {
  const settings = resolveRedisHubOptions(options);
  silentLogger ??= createLogger('silent');
  const logger = settings.logger ?? silentLogger;
  const rooms = new Map<string, RedisRoom>();
  const byChannel = new Map<string, RedisRoom>();
  let closed = false;

  const connections = createRedisConnections(settings, logger, (role, reconnected) => {
    if (!reconnected || closed) return;
    if (role === 'subscriber') void resubscribe();
    // Members reaped while this instance could not beat go back; rooms catch up.
    else heartbeat.beatNow();
  });
  const store = createRedisStore(connections.commands, settings);

  connections.subscriber.on('message', (channel: string, payload: string) => {
    const publication = parsePublication(payload);
    if (publication !== undefined) byChannel.get(channel)?.receive(publication);
  });

  async function resubscribe() {
    const channels = [...byChannel.keys()];
    try {
      if (channels.length > 0) await connections.subscriber.subscribe(...channels);
      // Whatever was published while unsubscribed is in history: deliver it before going on.
      for (const room of byChannel.values()) room.catchUp();
    } catch (error) {
      logger.warn(
        { err: error },
        'redis hub: resubscribing failed; waiting for the next reconnection',
      );
    }
  }

  async function beat() {
    await Promise.all(
      [...rooms.values()].map(async (room) => {
        const ids = room.memberIds();
        if (ids.length === 0) return;
        const { seq, missing } = await store.heartbeat(room.keys, ids);
        for (const id of missing) room.rejoin(id);
        if (room.delivered !== undefined && seq > room.delivered) room.catchUp();
      }),
    );
  }

  const heartbeat = startHeartbeat(settings.heartbeatMs, beat, (error) =>
    logger.debug({ err: error }, 'redis hub: heartbeat failed'),
  );

  function openRoom(name: string): RedisRoom {
    const existing = rooms.get(name);
    if (existing !== undefined) return existing;
    const keys = createRoomKeys(settings.keyPrefix, name);
    const room = createRedisRoom({
      name,
      keys,
      store,
      welcomeHistory: settings.welcomeHistory,
      historyPageBytes: settings.historyPageBytes,
      presenceWindowMs: settings.presenceWindowMs,
      onDeliverError: settings.onDeliverError,
      logger,
      subscribe: async () => {
        await connections.subscriber.subscribe(keys.channel);
      },
      onEmpty: async () => {
        if (rooms.get(name) === room) rooms.delete(name);
        if (byChannel.get(keys.channel) === room) byChannel.delete(keys.channel);
        if (closed) return;
        await connections.subscriber.unsubscribe(keys.channel).catch(() => {
          // A connection that dropped has no subscription left to cancel.
        });
      },
    });
    rooms.set(name, room);
    byChannel.set(keys.channel, room);
    return room;
  }

  function memberOf(name: string, member: RoomMember): RedisRoom {
    const room = rooms.get(name);
    if (room === undefined || !room.has(member)) {
      throw new Error(`Member ${member.member.id} is not in room ${name}.`);
    }
    return room;
  }

  const assertOpen = () => {
    if (closed) throw new Error('The hub is closed.');
  };

  return {
    async join(member, name, since) {
      assertOpen();
      try {
        await openRoom(name).join(member, since);
      } catch (error) {
        if (error instanceof RedisReplyError || error instanceof HubRefusal) throw error;
        throw new HubUnavailableError(error);
      }
    },

    async history(member, name, before) {
      assertOpen();
      try {
        await memberOf(name, member).history(member, before);
      } catch (error) {
        throw error instanceof RedisReplyError ? error : new HubUnavailableError(error);
      }
    },

    async say(member, name, id, text) {
      assertOpen();
      const room = memberOf(name, member);
      const message = serializeMessageAroundSeq({
        type: 'message',
        room: name,
        id,
        client: member.client,
        text,
        ts: settings.now(),
        from: member.member,
      });
      let outcome: Awaited<ReturnType<typeof store.say>>;
      try {
        outcome = await store.say(room.keys, {
          dedupeField: dedupeField(member.client, id),
          message,
          seqFloor: room.delivered ?? 0,
        });
      } catch (error) {
        throw error instanceof RedisReplyError ? error : new HubUnavailableError(error);
      }
      // A new message reaches everyone, the sender included, through the room's channel.
      if (outcome.kind === 'duplicate')
        await room.answerDuplicate(member, outcome.seq, outcome.text);
    },

    async leave(member, name) {
      const room = rooms.get(name);
      if (closed || room === undefined || !room.leave(member)) return;
      try {
        await store.leave(room.keys, member.member.id);
      } catch (error) {
        // Its presence is no longer extended, so a heartbeat anywhere reaps it in time.
        logger.warn(
          { err: error, room: name },
          'redis hub: leave not recorded; presence will expire',
        );
      }
      room.releaseIfEmpty();
    },

    async close() {
      if (closed) return;
      closed = true;
      heartbeat.stop();
      if (connections.problem() === undefined) {
        await Promise.allSettled(
          [...rooms.values()].flatMap((room) =>
            room.memberIds().map((id) => store.leave(room.keys, id)),
          ),
        );
      }
      rooms.clear();
      byChannel.clear();
      await connections.close();
    },

    async health() {
      if (closed) return { ok: false, detail: 'hub closed' };
      const problem = connections.problem();
      if (problem !== undefined) return { ok: false, detail: problem };
      try {
        await connections.commands.ping();
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: `redis does not answer: ${(error as Error).message}` };
      }
    },
  };
}
