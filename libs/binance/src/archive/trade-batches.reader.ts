import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TradeRun } from '@binance-rates/domain';
import { ArchiveFormatError } from './archive.errors';

export interface TradeBatchesParams {
  /** The verified zip on disk. */
  path: string;
  /** The zip's name, for errors. */
  name: string;
  symbol: string;
  /** Trades with ids at or below this are stored already and left out. */
  afterId: number;
  /** Trades per batch (the last one may hold fewer). */
  batchTrades: number;
}

/** What the worker is asked (its workerData). */
export interface TradeBatchesRequest extends TradeBatchesParams {
  /** Batches the worker may decode ahead of the reader. */
  ahead: number;
}

/** What the worker posts: a batch (the reader answers each one it takes), then the end or the error that stopped it. */
export type TradeBatchesMessage =
  | { kind: 'batch'; runs: TradeRun[] }
  | { kind: 'end' }
  /** `formatProblem` for an ArchiveFormatError (the file is malformed), else the error's message. */
  | { kind: 'error'; formatProblem?: string; message: string };

/** Batches decoded ahead while the one before is stored. */
const AHEAD = 2;

/**
 * Under jest the sources are TypeScript: the worker compiles what it loads with the build's settings. The built
 * service starts the compiled worker beside this file.
 */
function workerScript(): { file: string; execArgv: string[] } {
  const extension = extname(__filename);
  const file = join(__dirname, `trade-batches.worker${extension}`);
  return extension === '.ts' ? { file, execArgv: ['--require', join(__dirname, '../../../../tools/ts-worker.register.js')] } : { file, execArgv: [] };
}

/**
 * The trades of a zip's CSV as sealed batches of runs (TradeRunBatch.seal), unzipped and decoded in a worker thread:
 * a month is about a gigabyte of CSV, and inflating and decoding it on the service's event loop (with the garbage
 * collections its buffers cause) would keep live trades waiting behind it. The worker stays at most two batches
 * ahead of the reader; returning early (or throwing) stops it. A malformed file is an ArchiveFormatError as when
 * decoded here.
 */
export async function* tradeBatchesOfZip(params: TradeBatchesParams): AsyncGenerator<TradeRun[]> {
  const { file, execArgv } = workerScript();
  const worker = new Worker(file, { workerData: { ...params, ahead: AHEAD } satisfies TradeBatchesRequest, execArgv });
  const arrived: TradeBatchesMessage[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: TradeBatchesMessage) => {
    arrived.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = new Error(`the decoding worker failed: ${error.message}`);
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the decoding worker stopped (exit code ${code}) before the end of the file`);
    notify();
  });
  try {
    for (;;) {
      const message = arrived.shift();
      if (message === undefined) {
        if (failure !== null) {
          throw failure;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (message.kind === 'end') {
        return;
      }
      if (message.kind === 'error') {
        throw message.formatProblem === undefined ? new Error(message.message) : new ArchiveFormatError(params.name, message.formatProblem);
      }
      yield message.runs;
      worker.postMessage('taken');
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
