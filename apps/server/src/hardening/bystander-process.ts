/**
 * The bystander, in a process of its own so that the attackers' work in the test's process
 * does not delay its clock: an RFC 6455 member of its own room that sends a JSON ping every
 * `every` ms (under the rate limit) and times each pong. Started with the server's URL; on `stop` over IPC it answers
 * with the latencies, a ping still unanswered counting as long as it has waited.
 */
import { connectClient } from '@draftbridge/protocol-router';

/** What the bystander reports, in ms. */
export interface BystanderReport {
  readonly times: number[];
  readonly disconnected: boolean;
}

const [url, room = 'bystander', every = '60'] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: bystander-process <ws url> [room] [every ms]');

const client = await connectClient({ protocol: 'rfc6455', url });
let disconnected = false;
client.on('close', () => {
  disconnected = true;
});
client.on('error', () => {});
const sentAt = new Map<number, number>();
const times: number[] = [];
const welcomed = new Promise<void>((resolve) => {
  client.on('message', (text) => {
    const message = JSON.parse(text) as { type: string; t?: number };
    if (message.type === 'welcome') resolve();
    if (message.type !== 'pong' || typeof message.t !== 'number') return;
    const at = sentAt.get(message.t);
    if (at === undefined) return;
    sentAt.delete(message.t);
    times.push(performance.now() - at);
  });
});
client.send(JSON.stringify({ type: 'join', room, nick: 'bystander', client: `by-${room}` }));
await welcomed;
let next = 0;
const timer = setInterval(() => {
  next += 1;
  sentAt.set(next, performance.now());
  client.send(JSON.stringify({ type: 'ping', t: next }));
}, Number(every));
process.on('message', () => {
  clearInterval(timer);
  setTimeout(() => {
    const now = performance.now();
    for (const at of sentAt.values()) times.push(now - at);
    process.send?.({ times, disconnected } satisfies BystanderReport, () => {
      client.close();
      process.exit(0);
    });
  }, 200);
});
// A test that dies without asking for the report must not leave the bystander behind.
process.on('disconnect', () => process.exit(0));
process.send?.('ready');
