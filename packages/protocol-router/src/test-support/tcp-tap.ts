/**
 * A TCP tap for tests: listens on a free port of 127.0.0.1, forwards every connection to a
 * target port byte for byte, and records what crossed each way. What a client says it sent and
 * received can then be compared with what really went over the wire.
 */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';

/** What crossed one tapped connection, each direction in order. */
export interface TappedConnection {
  /** Client to server. */
  readonly up: Buffer[];
  /** Server to client. */
  readonly down: Buffer[];
}

/** A running tap. */
export interface TcpTap {
  readonly port: number;
  /** Every connection so far, oldest first. */
  readonly connections: readonly TappedConnection[];
  stop(): Promise<void>;
}

/** Starts a tap in front of `targetPort` on 127.0.0.1. */
export async function startTcpTap(targetPort: number): Promise<TcpTap> {
  const connections: TappedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const tapped: TappedConnection = { up: [], down: [] };
    connections.push(tapped);
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => {
      tapped.up.push(Buffer.from(chunk));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      tapped.down.push(Buffer.from(chunk));
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    async stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
