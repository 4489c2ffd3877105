import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { TradeRunBatch } from '@binance-rates/domain';
import { AggTradeCsvDecoder } from './agg-trade-csv.decoder';
import { ArchiveFormatError } from './archive.errors';
import type { TradeBatchesRequest, TradeBatchesMessage } from './trade-batches.reader';
import { csvChunksOfZip } from './zip-entries.reader';

// Runs in a worker thread (see tradeBatchesOfZip): unzips and decodes one file, posting its trades batch by batch.

// On Linux a thread has its own nice value (pid 0 is this thread): the decoding takes the cores the live path leaves.
setPriority(0, constants.priority.PRIORITY_LOW);

const port = parentPort as NonNullable<typeof parentPort>;
const request = workerData as TradeBatchesRequest;
/** Batches posted and not yet taken by the reader: the worker stops decoding while it is `request.ahead`. */
let untaken = 0;
let taken: (() => void) | null = null;

port.on('message', () => {
  untaken -= 1;
  taken?.();
  taken = null;
});

function post(message: TradeBatchesMessage): void {
  port.postMessage(message);
}

async function send(batch: TradeRunBatch): Promise<void> {
  const runs = batch.seal();
  if (runs.length === 0) {
    return;
  }
  while (untaken >= request.ahead) {
    await new Promise<void>((resolve) => (taken = resolve));
  }
  untaken += 1;
  post({ kind: 'batch', runs });
}

async function decodeFile(): Promise<void> {
  const decoder = new AggTradeCsvDecoder(request.symbol, request.name);
  const batch = new TradeRunBatch();
  for await (const chunk of csvChunksOfZip(request.path, request.name)) {
    decoder.decode(chunk, batch, request.afterId);
    if (batch.count >= request.batchTrades) {
      await send(batch);
    }
  }
  decoder.end(batch, request.afterId);
  await send(batch);
}

decodeFile().then(
  () => post({ kind: 'end' }),
  (error: unknown) =>
    post(
      error instanceof ArchiveFormatError
        ? { kind: 'error', formatProblem: error.message.slice(`${error.file}: `.length), message: error.message }
        : { kind: 'error', message: error instanceof Error ? error.message : String(error) },
    ),
);
