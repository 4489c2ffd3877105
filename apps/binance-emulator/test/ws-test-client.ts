import WebSocket from 'ws';
import { waitFor } from '@binance-rates/testing';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A `ws` client that records every text frame, ping and close, for assertions. */
export class WsTestClient {
  readonly messages: string[] = [];
  pingsReceived = 0;
  closeInfo: CloseInfo | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(data.toString()));
    ws.on('ping', () => this.pingsReceived++);
    ws.on('close', (code, reason) => (this.closeInfo = { code, reason: reason.toString() }));
  }

  static connect(url: string, options: { autoPong?: boolean } = {}): Promise<WsTestClient> {
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const client = new WsTestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  get parsed(): Array<Record<string, unknown>> {
    return this.messages.map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  /** Sends a control request and resolves with the response carrying the same id. */
  async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const start = this.messages.length;
    this.ws.send(JSON.stringify(body));
    return waitFor(
      () =>
        this.messages
          .slice(start)
          .map((text) => JSON.parse(text) as Record<string, unknown>)
          .find((message) => message['id'] === body['id'] && ('result' in message || 'error' in message)),
      { what: `response to ${JSON.stringify(body)}` },
    );
  }

  /** Data events only (control responses filtered out). */
  events(): Array<Record<string, unknown>> {
    return this.parsed.filter((message) => !('result' in message) && !('error' in message));
  }

  async waitForEvents(count: number, timeoutMs = 5_000): Promise<Array<Record<string, unknown>>> {
    await waitFor(() => this.events().length >= count, { what: `${count} events`, timeoutMs });
    return this.events();
  }

  async waitForClose(timeoutMs = 5_000): Promise<CloseInfo> {
    await waitFor(() => this.closeInfo !== undefined, { what: 'close', timeoutMs });
    return this.closeInfo as CloseInfo;
  }

  close(): void {
    this.ws.terminate();
  }
}
