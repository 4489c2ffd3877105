import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { StreamClient } from './stream-client';

/** A StreamClient on a real loopback WebSocket, and the peer at the other end. */
export interface StreamClientPair {
  client: StreamClient;
  peer: WebSocket;
  /** Resolves with the close the peer saw. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A WebSocket server on an ephemeral port whose connections become StreamClients. */
export async function streamClientServer(maxBufferedBytes: number): Promise<{ connect(options?: WebSocket.ClientOptions): Promise<StreamClientPair>; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const peers: WebSocket[] = [];
  return {
    connect: async (options) => {
      const accepted = new Promise<StreamClient>((resolve) =>
        server.once('connection', (ws, request) => resolve(new StreamClient(ws, request.socket, false, maxBufferedBytes))),
      );
      const peer = new WebSocket(url, options);
      peers.push(peer);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => peer.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      await new Promise((resolve, reject) => peer.once('open', resolve).once('error', reject));
      return { client: await accepted, peer, closed };
    },
    close: async () => {
      peers.forEach((peer) => peer.terminate());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
