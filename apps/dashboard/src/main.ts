import './styles.css';
import { ApiClient } from './api/api-client';
import { ApiKeyStore } from './api/api-key.store';
import type { ClusterAnswer, SymbolAnswer } from './api/api-types';
import { FeedState, PriceFeed } from './api/price-feed';
import { CandleAnswer, toCandle } from './model/candles';
import { INTERVAL_MS, Interval, isInterval } from './model/intervals';
import { AddForm } from './ui/add-form';
import { ChartPanel } from './ui/chart-panel';
import { CoinBoard } from './ui/coin-board';
import { renderCluster } from './ui/cluster-panel';
import { byId, repeat } from './ui/dom';
import { GapsPanel } from './ui/gaps-panel';
import { keyPrompt } from './ui/key-dialog';
import { TradeTape } from './ui/trade-tape';

/** The tracked list (stream states, symbols changed elsewhere) is read again this often; prices come by push. */
const LIST_REFRESH_MS = 5_000;
const GAPS_REFRESH_MS = 5_000;
const CLUSTER_REFRESH_MS = 2_000;
/** 24 h change and range come from 15-minute candles, each symbol's read again this often. */
const DAY_STATS_REFRESH_MS = 300_000;
const DAY_WINDOW_MS = 24 * 3_600_000;

const api = new ApiClient(new ApiKeyStore(), keyPrompt(byId<HTMLDialogElement>('key-dialog')));
const connection = byId('connection');
const intervalSelect = byId<HTMLSelectElement>('interval');
let selected: string | null = null;

const board = new CoinBoard(byId<HTMLTableElement>('coin-table').tBodies[0], byId('coins-empty'), {
  select: (symbol) => select(symbol),
  remove: (symbol) => void removeSymbol(symbol),
});
const chart = new ChartPanel(byId('chart'), { legend: byId('chart-legend'), status: byId('chart-status') }, api);
const tapeTable = byId<HTMLTableElement>('tape');
const tape = new TradeTape(tapeTable.tBodies[0], tapeTable.caption as HTMLElement, api);
const gaps = new GapsPanel(byId('gaps'), api);
const addForm = new AddForm(byId<HTMLFormElement>('add-form'), byId<HTMLInputElement>('add-symbol'), byId<HTMLDataListElement>('symbol-suggestions'), byId('add-message'), api, (symbol) => {
  void refreshList().then(() => select(symbol));
});

for (const interval of Object.keys(INTERVAL_MS)) {
  intervalSelect.add(new Option(interval, interval, interval === '1m', interval === '1m'));
}
intervalSelect.addEventListener('change', () => void chart.show(selected, currentInterval()));

function currentInterval(): Interval {
  return isInterval(intervalSelect.value) ? intervalSelect.value : '1m';
}

function select(symbol: string | null): void {
  selected = symbol;
  board.markSelected(symbol);
  byId('chart-heading').textContent = symbol ? `Chart · ${symbol}` : 'Chart';
  byId('tape-heading').textContent = symbol ? `Recent trades · ${symbol}` : 'Recent trades';
  byId('health-heading').textContent = symbol ? `History health · ${symbol}` : 'History health';
  if (symbol && location.hash !== `#${symbol}`) history.replaceState(null, '', `#${symbol}`);
  void chart.show(symbol, currentInterval());
  tape.show(symbol, null);
  void gaps.show(symbol);
}

async function removeSymbol(symbol: string): Promise<void> {
  try {
    await api.change<null>({ method: 'DELETE', path: `/api/currency/${encodeURIComponent(symbol)}`, context: { action: 'remove', symbol } });
    addForm.say(`${symbol} is no longer tracked; its history is kept.`, false);
    forget(symbol);
  } catch (error) {
    addForm.say((error as Error).message, true);
  }
}

function forget(symbol: string): void {
  board.remove(symbol);
  dayStatsReadAt.delete(symbol);
  if (selected === symbol) select(board.symbols()[0] ?? null);
}

async function refreshList(): Promise<void> {
  const list = await api.get<SymbolAnswer[]>('/api/currencies');
  const before = new Set(board.symbols());
  board.sync(list);
  for (const symbol of before) if (!board.has(symbol)) forget(symbol);
  if (selected === null || !board.has(selected)) {
    const wanted = decodeURIComponent(location.hash.slice(1));
    select(board.has(wanted) ? wanted : (board.symbols()[0] ?? null));
  }
  if (board.symbols().some((symbol) => !dayStatsReadAt.has(symbol))) dayStatsLoop.now();
}

/** Each symbol's 24 h candles, one request at a time: a page of many symbols never floods the candles queue. */
const dayStatsReadAt = new Map<string, number>();
async function refreshDayStats(): Promise<void> {
  for (const symbol of board.symbols()) {
    if (Date.now() - (dayStatsReadAt.get(symbol) ?? 0) < DAY_STATS_REFRESH_MS) continue;
    const query = new URLSearchParams({ interval: '15m', startTime: String(Date.now() - DAY_WINDOW_MS), limit: '100' });
    const candles = await api.get<CandleAnswer[]>(`/api/currency/${encodeURIComponent(symbol)}/candles?${query}`);
    dayStatsReadAt.set(symbol, Date.now());
    board.setDayCandles(symbol, candles.map(toCandle));
  }
}

function showFeedState(state: FeedState): void {
  const words: Record<FeedState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };
  connection.textContent = words[state];
  connection.dataset['state'] = state;
}

const dayStatsLoop = repeat(refreshDayStats, 10_000);
const list = repeat(refreshList, LIST_REFRESH_MS);
repeat(() => gaps.refresh(), GAPS_REFRESH_MS);
repeat(async () => renderCluster(byId('cluster'), await api.get<ClusterAnswer>('/api/cluster')), CLUSTER_REFRESH_MS);
setInterval(() => board.tick(), 500);

new PriceFeed('/api/currencies/stream', {
  price: (push) => {
    const known = board.has(push.symbol);
    board.applyPrice(push);
    if (!known) list.now();
    chart.applyPrice(push.symbol, push.price, push.tradeTime);
    tape.pushed(push.symbol, push.tradeId);
  },
  removed: (symbol) => forget(symbol),
  state: showFeedState,
  reconnected: () => list.now(),
}).start();
