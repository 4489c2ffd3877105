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
});
