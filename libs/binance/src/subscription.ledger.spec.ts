import { SubscriptionLedger, SubscriptionRequest } from './subscription.ledger';

const T0 = 1_700_000_000_000;

function ledgerWith(streams: string[], maxStreamsPerMessage = 100): SubscriptionLedger {
  const ledger = new SubscriptionLedger(maxStreamsPerMessage);
  for (const stream of streams) {
    ledger.add(stream);
  }
  return ledger;
}

/** Takes the next request and answers it with a result, as Binance does for a valid one. */
function sendAndAcknowledge(ledger: SubscriptionLedger, now = T0): SubscriptionRequest {
  const request = ledger.takeNextRequest(now);
  if (!request) throw new Error('expected a request to send');
  ledger.acknowledge(request.id);
  return request;
}

function wire(request: SubscriptionRequest | null): { method: string; params: string[] } | null {
  return request && { method: request.method, params: request.streams };
}

describe('SubscriptionLedger', () => {
  it('starts with nothing to send and counts as settled', () => {
    const ledger = new SubscriptionLedger(100);
    expect(ledger.hasRequestToSend()).toBe(false);
    expect(ledger.takeNextRequest(T0)).toBeNull();
    expect(ledger.isSettled()).toBe(true);
  });

  it('merges added streams into one SUBSCRIBE and reports them live when it is acknowledged', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade', 'ethusdt@aggTrade']);
    expect(ledger.hasRequestToSend()).toBe(true);
    const request = ledger.takeNextRequest(T0);
    expect(request).toEqual({ id: 1, method: 'SUBSCRIBE', streams: ['btcusdt@aggTrade', 'ethusdt@aggTrade'], sentAt: T0 });
    expect(ledger.isSettled()).toBe(false);
    expect(ledger.acknowledge(1)).toEqual(['btcusdt@aggTrade', 'ethusdt@aggTrade']);
    expect(ledger.isSubscribed('btcusdt@aggTrade')).toBe(true);
    expect(ledger.isSettled()).toBe(true);
  });

  it('splits a large subscription into requests of at most maxStreamsPerMessage streams with rising ids', () => {
    const streams = Array.from({ length: 250 }, (_, index) => `c${index}usdt@aggTrade`);
    const ledger = ledgerWith(streams, 100);
    const sizes: number[] = [];
    const ids: number[] = [];
    while (ledger.hasRequestToSend()) {
      const request = sendAndAcknowledge(ledger);
      sizes.push(request.streams.length);
      ids.push(request.id);
    }
    expect(sizes).toEqual([100, 100, 50]);
    expect(ids).toEqual([1, 2, 3]);
    expect(ledger.isSettled()).toBe(true);
  });

  it('keeps one request in flight at a time', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade']);
    ledger.takeNextRequest(T0);
    ledger.add('ethusdt@aggTrade');
    expect(ledger.hasRequestToSend()).toBe(false);
    expect(ledger.takeNextRequest(T0)).toBeNull();
    ledger.acknowledge(1);
    expect(wire(ledger.takeNextRequest(T0))).toEqual({ method: 'SUBSCRIBE', params: ['ethusdt@aggTrade'] });
  });

  it('ignores adding a stream that is already desired', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade', 'btcusdt@aggTrade']);
    expect(wire(ledger.takeNextRequest(T0))).toEqual({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'] });
    ledger.acknowledge(1);
    ledger.add('btcusdt@aggTrade');
    expect(ledger.hasRequestToSend()).toBe(false);
  });

  it('sends nothing for a stream added and removed again before its SUBSCRIBE went out', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade']);
    ledger.remove('btcusdt@aggTrade');
    expect(ledger.hasRequestToSend()).toBe(true);
    expect(ledger.takeNextRequest(T0)).toBeNull();
    expect(ledger.hasRequestToSend()).toBe(false);
    expect(ledger.desiredStreams().size).toBe(0);
    expect(ledger.isSettled()).toBe(true);
  });

  it('unsubscribes a removed stream once it was acknowledged', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade', 'ethusdt@aggTrade']);
    sendAndAcknowledge(ledger);
    ledger.remove('btcusdt@aggTrade');
    const request = ledger.takeNextRequest(T0);
    expect(wire(request)).toEqual({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'] });
    expect(ledger.acknowledge(request!.id)).toEqual([]);
    expect(ledger.isSubscribed('btcusdt@aggTrade')).toBe(false);
    expect(ledger.isSubscribed('ethusdt@aggTrade')).toBe(true);
  });

  it('ignores removing a stream that is not desired', () => {
    const ledger = new SubscriptionLedger(100);
    ledger.remove('btcusdt@aggTrade');
    expect(ledger.hasRequestToSend()).toBe(false);
  });

  it('unsubscribes a stream removed while its SUBSCRIBE was in flight, and does not report it live', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade', 'ethusdt@aggTrade']);
    const subscribe = ledger.takeNextRequest(T0)!;
    ledger.remove('btcusdt@aggTrade');
    expect(ledger.acknowledge(subscribe.id)).toEqual(['ethusdt@aggTrade']);
    expect(wire(ledger.takeNextRequest(T0))).toEqual({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'] });
  });

  it('does not merge SUBSCRIBE and UNSUBSCRIBE changes into one request', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade']);
    sendAndAcknowledge(ledger);
    ledger.remove('btcusdt@aggTrade');
    ledger.add('ethusdt@aggTrade');
    expect(wire(sendAndAcknowledge(ledger))).toEqual({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'] });
    expect(wire(sendAndAcknowledge(ledger))).toEqual({ method: 'SUBSCRIBE', params: ['ethusdt@aggTrade'] });
  });

  it('answers null for an acknowledgement or error of a request that is not in flight', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade']);
    ledger.takeNextRequest(T0);
    expect(ledger.acknowledge(99)).toBeNull();
    expect(ledger.refuse(99, T0)).toBeNull();
    expect(ledger.refuse('abc', T0)).toBeNull();
    expect(ledger.refuse(null, T0)).toBeNull();
    expect(ledger.hasRequestToSend()).toBe(false);
  });

  it('asks again one stream per request after Binance refused a whole batch for one bad stream', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade', 'bad@aggTrade', 'ethusdt@aggTrade']);
    const batch = ledger.takeNextRequest(T0)!;
    expect(ledger.refuse(batch.id, T0)).toBe(batch);
    const sent: string[][] = [];
    while (ledger.hasRequestToSend()) {
      const request = ledger.takeNextRequest(T0)!;
      sent.push(request.streams);
      if (request.streams[0] === 'bad@aggTrade') ledger.refuse(request.id, T0);
      else ledger.acknowledge(request.id);
    }
    expect(sent).toEqual([['btcusdt@aggTrade'], ['bad@aggTrade'], ['ethusdt@aggTrade']]);
    expect(ledger.isSubscribed('btcusdt@aggTrade')).toBe(true);
    expect(ledger.isSubscribed('ethusdt@aggTrade')).toBe(true);
    expect(ledger.isSubscribed('bad@aggTrade')).toBe(false);
  });

  it('counts as settled while a stream refused on its own waits for its retry', () => {
    const ledger = ledgerWith(['bad@aggTrade']);
    ledger.refuse(ledger.takeNextRequest(T0)!.id, T0);
    expect(ledger.hasRequestToSend()).toBe(false);
    expect(ledger.isSettled()).toBe(true);
    expect(ledger.isSubscribed('bad@aggTrade')).toBe(false);
  });

  it('retries a stream refused on its own after a minute, not before, and alone', () => {
    const ledger = ledgerWith(['bad@aggTrade']);
    ledger.refuse(ledger.takeNextRequest(T0)!.id, T0);
    ledger.retryRefusedDue(T0 + 59_999);
    expect(ledger.hasRequestToSend()).toBe(false);
    ledger.add('btcusdt@aggTrade');
    ledger.retryRefusedDue(T0 + 60_000);
    // The new stream goes out first, then the refused one in a request of its own.
    expect(wire(sendAndAcknowledge(ledger))).toEqual({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'] });
    expect(wire(sendAndAcknowledge(ledger))).toEqual({ method: 'SUBSCRIBE', params: ['bad@aggTrade'] });
    expect(ledger.isSubscribed('bad@aggTrade')).toBe(true);
  });

  it('forgets a refused stream that is removed, so it is never retried', () => {
    const ledger = ledgerWith(['bad@aggTrade']);
    ledger.refuse(ledger.takeNextRequest(T0)!.id, T0);
    ledger.remove('bad@aggTrade');
    ledger.retryRefusedDue(T0 + 120_000);
    // The queued UNSUBSCRIBE is moot: the stream was never subscribed.
    expect(ledger.takeNextRequest(T0 + 120_000)).toBeNull();
    expect(ledger.isSettled()).toBe(true);
  });

  it('only logs a refused UNSUBSCRIBE: the stream stays subscribed and nothing is queued', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade']);
    sendAndAcknowledge(ledger);
    ledger.remove('btcusdt@aggTrade');
    const unsubscribe = ledger.takeNextRequest(T0)!;
    expect(ledger.refuse(unsubscribe.id, T0)?.method).toBe('UNSUBSCRIBE');
    expect(ledger.isSubscribed('btcusdt@aggTrade')).toBe(true);
    expect(ledger.hasRequestToSend()).toBe(false);
  });

  it('reports the request in flight past its timeout, and none before', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade']);
    const request = ledger.takeNextRequest(T0);
    expect(ledger.overdueRequest(T0 + 10_000, 10_000)).toBeNull();
    expect(ledger.overdueRequest(T0 + 10_001, 10_000)).toBe(request);
  });

  it('keeps the desired streams but nothing subscribed or in flight after the link is lost', () => {
    const ledger = ledgerWith(['btcusdt@aggTrade', 'ethusdt@aggTrade']);
    sendAndAcknowledge(ledger);
    ledger.add('solusdt@aggTrade');
    ledger.takeNextRequest(T0);
    ledger.linkLost();
    expect([...ledger.desiredStreams()]).toEqual(['btcusdt@aggTrade', 'ethusdt@aggTrade', 'solusdt@aggTrade']);
    expect(ledger.isSubscribed('btcusdt@aggTrade')).toBe(false);
    expect(ledger.overdueRequest(T0 + 60_000, 10_000)).toBeNull();
    expect(ledger.isSettled()).toBe(false);
  });
});
