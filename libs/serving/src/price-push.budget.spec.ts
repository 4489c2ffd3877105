import { PricePushBudget } from './price-push.budget';
import { PushClientsFullError, PushFollowsFullError } from './serving.errors';

describe('PricePushBudget', () => {
  const budget = new PricePushBudget({ maxClients: 3, maxFollows: 10 });

  it('costs a client one follow per symbol it names, and every tracked symbol when it follows them all', () => {
    expect(budget.followsPerRound({ served: [2, null, 1], trackedCount: 4 })).toBe(7);
    expect(budget.followsPerRound({ served: [], trackedCount: 4 })).toBe(0);
  });

  it('admits a client whose follows fit beside the ones served, up to the budget exactly', () => {
    expect(() => budget.assertRoomFor({ wanted: 3, served: [null, 3], trackedCount: 4 })).not.toThrow();
  });

  it('refuses a client whose follows would take the instance past the budget', () => {
    expect(() => budget.assertRoomFor({ wanted: 4, served: [null, 3], trackedCount: 4 })).toThrow(PushFollowsFullError);
  });

  it('refuses a client following every symbol when more are tracked than the budget allows, even alone', () => {
    const refusal = (): void => budget.assertRoomFor({ wanted: null, served: [], trackedCount: 11 });
    expect(refusal).toThrow(PushFollowsFullError);
    expect(refusal).toThrow(/PRICE_PUSH_MAX_FOLLOWS/);
  });

  it('refuses a client beyond the client limit, whatever it follows', () => {
    expect(() => budget.assertRoomFor({ wanted: 1, served: [1, 1, 1], trackedCount: 4 })).toThrow(PushClientsFullError);
  });
});
