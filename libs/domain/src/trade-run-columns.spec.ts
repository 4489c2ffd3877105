import { allocateColumns, columnViews, type TradeRunColumns } from './trade-run-columns';

const NAMES = ['firstTradeId', 'lastTradeId', 'time', 'priceUnits', 'quantityUnits', 'buyerMaker'] as const;

function fill(columns: TradeRunColumns, value: number): void {
  NAMES.forEach((name) => columns[name].fill(value));
}

describe('allocateColumns', () => {
  it('gives zero-filled columns that no other allocation shares, for every size around the shared buffer', () => {
    const taken: Array<[TradeRunColumns, number]> = [];
    for (const count of [1, 3, 7, 25, 199, 200, 1_000, 5, 2_000, 13]) {
      for (let round = 0; round < 20; round += 1) {
        const columns = allocateColumns(count);
        NAMES.forEach((name) => expect(columns[name]).toEqual(name === 'buyerMaker' ? new Uint8Array(count) : new Float64Array(count)));
        fill(columns, taken.length % 250);
        taken.push([columns, taken.length % 250]);
      }
    }
    for (const [columns, value] of taken) {
      NAMES.forEach((name) => expect(columns[name].every((entry) => entry === value)).toBe(true));
    }
  });
});

describe('columnViews', () => {
  it('views entries of the same memory', () => {
    const columns = allocateColumns(10);
    const view = columnViews(columns, 3, 4);
    fill(view, 9);
    NAMES.forEach((name) => expect([...columns[name]]).toEqual([0, 0, 0, 9, 9, 9, 9, 0, 0, 0]));
  });
});
