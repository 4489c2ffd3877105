import { TradeSequencer } from './trade-sequencer';

describe('TradeSequencer', () => {
  it('accepts the first id of a new symbol without inventing a gap', () => {
    expect(new TradeSequencer().observe('BTCUSDT', 500)).toEqual({ kind: 'first' });
  });

  it('passes consecutive ids', () => {
    const sequencer = new TradeSequencer();
    sequencer.observe('BTCUSDT', 1);
    expect(sequencer.observe('BTCUSDT', 2)).toEqual({ kind: 'next' });
  });

  it('reports the exact missing range on a jump', () => {
    const sequencer = new TradeSequencer();
    sequencer.observe('BTCUSDT', 10);
    expect(sequencer.observe('BTCUSDT', 15)).toEqual({ kind: 'gap', missing: { fromId: 11, toId: 14 } });
    expect(sequencer.lastId('BTCUSDT')).toBe(15);
  });

  it('marks repeated and older ids as stale without moving backwards', () => {
    const sequencer = new TradeSequencer();
    sequencer.observe('BTCUSDT', 10);
    expect(sequencer.observe('BTCUSDT', 10)).toEqual({ kind: 'stale' });
    expect(sequencer.observe('BTCUSDT', 7)).toEqual({ kind: 'stale' });
    expect(sequencer.lastId('BTCUSDT')).toBe(10);
  });

  it('finds the gap between the last stored trade and the first live one after a restart', () => {
    const sequencer = new TradeSequencer();
    sequencer.resumeFrom('ETHUSDT', 100);
    expect(sequencer.observe('ETHUSDT', 130)).toEqual({ kind: 'gap', missing: { fromId: 101, toId: 129 } });
  });

  it('never lowers the resume point', () => {
    const sequencer = new TradeSequencer();
    sequencer.resumeFrom('ETHUSDT', 100);
    sequencer.resumeFrom('ETHUSDT', 90);
    expect(sequencer.lastId('ETHUSDT')).toBe(100);
  });

  it('keeps symbols apart', () => {
    const sequencer = new TradeSequencer();
    sequencer.observe('A1', 5);
    sequencer.observe('B1', 50);
    expect(sequencer.observe('A1', 6)).toEqual({ kind: 'next' });
    sequencer.forget('B1');
    expect(sequencer.observe('B1', 70)).toEqual({ kind: 'first' });
  });

  it('counts an id far beyond a plausible jump as suspect and keeps following the real sequence', () => {
    const sequencer = new TradeSequencer();
    const t0 = Date.UTC(2024, 0, 1);
    sequencer.observe('BTCUSDT', 1_000, t0);
    expect(sequencer.observe('BTCUSDT', 9_000_000_000, t0 + 1_000)).toEqual({ kind: 'suspect', lastId: 1_000 });
    expect(sequencer.lastId('BTCUSDT')).toBe(1_000);
    // The coin does not freeze: the next real id is still the next one.
    expect(sequencer.observe('BTCUSDT', 1_001, t0 + 1_001)).toEqual({ kind: 'next' });
  });

  it('counts a higher id whose time goes backwards as suspect', () => {
    const sequencer = new TradeSequencer();
    const t0 = Date.UTC(2024, 0, 1);
    sequencer.observe('BTCUSDT', 1_000, t0);
    expect(sequencer.observe('BTCUSDT', 1_005, t0 - 60_000)).toEqual({ kind: 'suspect', lastId: 1_000 });
    expect(sequencer.lastId('BTCUSDT')).toBe(1_000);
  });

  it('takes a long jump as a gap when the time elapsed makes it plausible', () => {
    const sequencer = new TradeSequencer();
    const t0 = Date.UTC(2024, 0, 1);
    sequencer.resumeFrom('BTCUSDT', 1_000, t0);
    // An hour offline on a busy symbol: millions of ids.
    expect(sequencer.observe('BTCUSDT', 5_001_000, t0 + 3_600_000)).toEqual({ kind: 'gap', missing: { fromId: 1_001, toId: 5_000_999 } });
  });

  it('resumes from a reset: a lower id with a newer time starts the sequence again', () => {
    const sequencer = new TradeSequencer();
    const t0 = Date.UTC(2024, 0, 1);
    sequencer.resumeFrom('BTCUSDT', 9_000_000_000, t0);
    expect(sequencer.observe('BTCUSDT', 1, t0 + 1_000)).toEqual({ kind: 'reset', lastId: 9_000_000_000 });
    expect(sequencer.lastId('BTCUSDT')).toBe(1);
    expect(sequencer.observe('BTCUSDT', 2, t0 + 1_001)).toEqual({ kind: 'next' });
  });

  it('still treats an older id with an older or equal time as a duplicate', () => {
    const sequencer = new TradeSequencer();
    const t0 = Date.UTC(2024, 0, 1);
    sequencer.observe('BTCUSDT', 10, t0 + 10);
    expect(sequencer.observe('BTCUSDT', 9, t0 + 9)).toEqual({ kind: 'stale' });
    expect(sequencer.observe('BTCUSDT', 10, t0 + 10)).toEqual({ kind: 'stale' });
  });
});
