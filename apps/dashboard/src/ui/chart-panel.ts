import {
  CandlestickData,
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramData,
  HistogramSeries,
  IChartApi,
  ISeriesApi,
  MouseEventParams,
  Time,
  UTCTimestamp,
  createChart,
} from 'lightweight-charts';
import type { ApiClient } from '../api/api-client';
import { Candle, CandleAnswer, applyPrice, mergeCandles, toCandle } from '../model/candles';
import { INTERVAL_MS, Interval } from '../model/intervals';

/** Candles asked at once: the API's most per page. */
const PAGE = 500;
/** Fewer bars than this left of the view, and older ones are asked for. */
const LOAD_OLDER_WITHIN_BARS = 10;
/** A range asked for by a key is built on by the next key for this long; after it, the chart's own range is read. */
const KEY_RANGE_FRESH_MS = 1_000;
/** The newest candles are asked again this often: the push carries prices, not volume, and coalesces highs and lows. */
const REFRESH_NEWEST_MS = 5_000;

export interface ChartText {
  legend: HTMLElement;
  status: HTMLElement;
}

/**
 * The selected symbol's candles (lightweight-charts): candlesticks and volume bars, a crosshair legend with OHLCV,
 * older candles loaded as the view nears its left edge, the newest one extended by each pushed price. Keyboard: arrows
 * scroll, + and − zoom, Home goes back to the newest candle.
 */
export class ChartPanel {
  private readonly chart: IChartApi;
  private readonly candleSeries: ISeriesApi<'Candlestick'>;
  private readonly volumeSeries: ISeriesApi<'Histogram'>;
  private symbol: string | null = null;
  private interval: Interval = '1m';
  private candles: Candle[] = [];
  /** Bumped on every symbol or interval change: answers to an older selection are dropped. */
  private generation = 0;
  /** The older page being asked for, by the selection it is for: a load for an older selection never blocks a new one. */
  private olderLoad: { generation: number } | null = null;
  private noOlder = false;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private volumeColors = { up: '', down: '' };
  /** The first page of the selection has been drawn: pushes before it would only be replaced by it. */
  private loaded = false;
  /** The crosshair is on a candle: the legend shows that one, not the newest. */
  private hovering = false;
  /** The visible range the last key asked for, and when. */
  private keyRange: { range: { from: number; to: number }; at: number } | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly text: ChartText,
    private readonly api: ApiClient,
  ) {
    // The library lays its canvases out in a table of its own: hidden from assistive technology, which gets the
    // container's label (what is drawn) and the legend instead.
    const canvasHost = document.createElement('div');
    canvasHost.className = 'chart-canvas';
    canvasHost.setAttribute('aria-hidden', 'true');
    container.append(canvasHost);
    this.chart = createChart(canvasHost, {
      autoSize: true,
      layout: { attributionLogo: false, fontFamily: 'inherit' },
      crosshair: { mode: CrosshairMode.Normal },
      timeScale: { timeVisible: true, secondsVisible: true, rightOffset: 3 },
      rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.25 } },
    });
    this.candleSeries = this.chart.addSeries(CandlestickSeries, { priceLineVisible: true });
    this.volumeSeries = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: '', lastValueVisible: false, priceLineVisible: false });
    this.volumeSeries.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.applyTheme();
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.applyTheme());
    this.chart.subscribeCrosshairMove((param) => {
      this.hovering = param.time !== undefined;
      this.showLegend(param);
    });
    this.chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (range && range.from < LOAD_OLDER_WITHIN_BARS) void this.loadOlder();
    });
    container.tabIndex = 0;
    container.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight + - Home');
    container.addEventListener('keydown', (event) => this.onKey(event));
  }

  async show(symbol: string | null, interval: Interval): Promise<void> {
    this.symbol = symbol;
    this.interval = interval;
    const generation = ++this.generation;
    this.candles = [];
    this.loaded = false;
    this.noOlder = false;
    this.candleSeries.setData([]);
    this.volumeSeries.setData([]);
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    if (symbol === null) {
      this.describe('No symbol selected');
      this.text.legend.textContent = '';
      return;
    }
    this.describe(`Loading ${symbol} candles…`);
    try {
      const answer = await this.api.get<CandleAnswer[]>(this.candlesPath({ limit: PAGE }));
      if (generation !== this.generation) return;
      this.candles = answer.map(toCandle);
      this.loaded = true;
      this.draw();
      this.chart.timeScale().scrollToRealTime();
      this.refreshTimer = setInterval(() => void this.refreshNewest(generation), REFRESH_NEWEST_MS);
    } catch (error) {
      if (generation === this.generation) this.describe(`Candles of ${symbol} could not be loaded: ${(error as Error).message}`);
    }
  }

  /** A pushed price of the shown symbol extends the newest candle or opens the next. */
  applyPrice(symbol: string, price: string, tradeTime: number): void {
    if (symbol !== this.symbol || !this.loaded) return;
    const newest = this.candles[this.candles.length - 1];
    const next = applyPrice(newest, Number(price), tradeTime, INTERVAL_MS[this.interval]);
    if (next === null) return;
    if (newest !== undefined && next.openTime === newest.openTime) {
      this.candles[this.candles.length - 1] = next;
    } else {
      this.candles.push(next);
    }
    this.candleSeries.update(toBar(next));
    this.volumeSeries.update(this.toVolume(next));
    this.describeLoaded();
    if (!this.hovering) this.showLegend(null);
  }

  private async refreshNewest(generation: number): Promise<void> {
    if (this.candles.length === 0) return;
    try {
      const answer = await this.api.get<CandleAnswer[]>(this.candlesPath({ limit: 2 }));
      if (generation !== this.generation) return;
      this.candles = mergeCandles(this.candles, answer.map(toCandle));
      this.draw();
    } catch {
      // The next refresh tries again; the push keeps the newest candle moving meanwhile.
    }
  }

  private async loadOlder(): Promise<void> {
    if (this.olderLoad?.generation === this.generation || this.noOlder || this.candles.length === 0 || this.symbol === null) return;
    const generation = this.generation;
    const load = { generation };
    this.olderLoad = load;
    let loaded = false;
    try {
      const endTime = this.candles[0].openTime - 1;
      const answer = await this.api.get<CandleAnswer[]>(this.candlesPath({ limit: PAGE, endTime }));
      if (generation !== this.generation) return;
      if (answer.length === 0) {
        this.noOlder = true;
        return;
      }
      this.candles = mergeCandles(answer.map(toCandle), this.candles);
      this.draw();
      loaded = true;
    } catch {
      // Scrolling again asks again.
    } finally {
      if (this.olderLoad === load) this.olderLoad = null;
    }
    // The view may still be at the edge (a range event during the load was not acted on): keep going.
    const range = this.chart.timeScale().getVisibleLogicalRange();
    if (loaded && range && range.from < LOAD_OLDER_WITHIN_BARS) void this.loadOlder();
  }

  private draw(): void {
    this.candleSeries.setData(this.candles.map(toBar));
    this.volumeSeries.setData(this.candles.map((candle) => this.toVolume(candle)));
    this.describeLoaded();
    this.showLegend(null);
  }

  private describeLoaded(): void {
    const count = this.candles.length;
    const what = count === 0 ? `No stored trades of ${this.symbol} yet` : `${count} candle${count === 1 ? '' : 's'} of ${this.symbol}, ${this.interval}`;
    this.describe(what);
  }

  private describe(what: string): void {
    this.text.status.textContent = what;
    this.container.setAttribute('aria-label', `Candle chart: ${what}`);
  }

  private showLegend(param: MouseEventParams<Time> | null): void {
    const bar = param?.time !== undefined ? (param.seriesData.get(this.candleSeries) as CandlestickData | undefined) : undefined;
    const volume = param?.time !== undefined ? (param.seriesData.get(this.volumeSeries) as HistogramData | undefined) : undefined;
    const candle = bar ? { openTime: Number(bar.time) * 1000, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: volume?.value ?? 0 } : this.candles[this.candles.length - 1];
    if (!candle) {
      this.text.legend.textContent = '';
      return;
    }
    const time = new Date(candle.openTime).toISOString().replace('T', ' ').slice(0, 19);
    this.text.legend.textContent = `${this.symbol} ${this.interval} · ${time} UTC · O ${fmt(candle.open)} H ${fmt(candle.high)} L ${fmt(candle.low)} C ${fmt(candle.close)} V ${fmt(candle.volume)}`;
  }

  /**
   * Keys move the visible range by logical bars. The chart applies a range on its next frame and reads back the old
   * one until then, so a burst of key presses builds on the range the last press asked for, not on the one read back.
   */
  private onKey(event: KeyboardEvent): void {
    const timeScale = this.chart.timeScale();
    const asked = this.keyRange && performance.now() - this.keyRange.at < KEY_RANGE_FRESH_MS ? this.keyRange.range : null;
    const range = asked ?? timeScale.getVisibleLogicalRange();
    if (event.key === 'Home') {
      event.preventDefault();
      this.keyRange = null;
      timeScale.scrollToRealTime();
      return;
    }
    if (range === null) return;
    const width = range.to - range.from;
    const step = Math.max(1, Math.round(width / 10));
    const moves: Record<string, { from: number; to: number }> = {
      ArrowLeft: { from: range.from - step, to: range.to - step },
      ArrowRight: { from: range.from + step, to: range.to + step },
      '+': { from: range.to - Math.max(10, width / 1.25), to: range.to },
      '=': { from: range.to - Math.max(10, width / 1.25), to: range.to },
      '-': { from: range.to - width * 1.25, to: range.to },
    };
    const next = moves[event.key];
    if (next) {
      event.preventDefault();
      this.keyRange = { range: next, at: performance.now() };
      timeScale.setVisibleLogicalRange(next);
    }
  }

  /** A volume bar coloured like its candle, faintly. */
  private toVolume(candle: Candle): HistogramData<UTCTimestamp> {
    const color = candle.close >= candle.open ? this.volumeColors.up : this.volumeColors.down;
    return { time: (candle.openTime / 1000) as UTCTimestamp, value: candle.volume, color };
  }

  private candlesPath({ limit, endTime }: { limit: number; endTime?: number }): string {
    const query = new URLSearchParams({ interval: this.interval, limit: String(limit) });
    if (endTime !== undefined) query.set('endTime', String(endTime));
    return `/api/currency/${encodeURIComponent(this.symbol ?? '')}/candles?${query}`;
  }

  /** Colours from the page's CSS variables, so the chart follows the system's light or dark theme. */
  private applyTheme(): void {
    const style = getComputedStyle(document.documentElement);
    const color = (name: string) => style.getPropertyValue(name).trim();
    this.chart.applyOptions({
      layout: { background: { type: ColorType.Solid, color: color('--surface') }, textColor: color('--text-muted') },
      grid: { vertLines: { color: color('--grid') }, horzLines: { color: color('--grid') } },
      rightPriceScale: { borderColor: color('--border') },
      timeScale: { borderColor: color('--border') },
    });
    const up = color('--up');
    const down = color('--down');
    this.candleSeries.applyOptions({ upColor: up, downColor: down, borderUpColor: up, borderDownColor: down, wickUpColor: up, wickDownColor: down });
    this.volumeColors = { up: color('--volume-up'), down: color('--volume-down') };
    if (this.candles.length > 0) this.volumeSeries.setData(this.candles.map((candle) => this.toVolume(candle)));
  }
}

function fmt(value: number): string {
  return Number(value.toPrecision(8)).toString();
}

function toBar(candle: Candle): CandlestickData<UTCTimestamp> {
  return { time: (candle.openTime / 1000) as UTCTimestamp, open: candle.open, high: candle.high, low: candle.low, close: candle.close };
}
