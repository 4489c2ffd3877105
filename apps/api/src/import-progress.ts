import { SingleBar } from 'cli-progress';
import type { ArchiveImportSnapshot } from '@binance-rates/ingestion';

/** Shows how an import from the command line gets on: a bar on a terminal, a plain line every few seconds otherwise. */
export interface ImportProgressView {
  update(snapshot: ArchiveImportSnapshot): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 5_000;

export function importProgressView({ tty, write }: { tty: boolean; write: (line: string) => void }): ImportProgressView {
  const startedAt = Date.now();
  let firstStored: number | null = null;
  const rate = (snapshot: ArchiveImportSnapshot) => {
    firstStored ??= snapshot.tradesStored;
    const seconds = (Date.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round((snapshot.tradesStored - firstStored) / seconds) : 0;
  };
  if (tty) {
    const bar = new SingleBar({
      format: 'files {bar} {value}/{total} | {trades} trades | {rate} trades/s | ETA {eta_formatted} | {file}',
      hideCursor: true,
      etaBuffer: 20,
    });
    let started = false;
    return {
      update(snapshot) {
        const payload = { trades: snapshot.tradesStored.toLocaleString('en'), rate: rate(snapshot).toLocaleString('en'), file: snapshot.currentFile ?? '' };
        if (!started) {
          bar.start(snapshot.filesTotal, snapshot.filesDone, payload);
          started = true;
        }
        bar.setTotal(snapshot.filesTotal);
        bar.update(snapshot.filesDone, payload);
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update(snapshot) {
      const now = Date.now();
      if (now - lastLine < PLAIN_EVERY_MS && snapshot.filesDone < snapshot.filesTotal) return;
      lastLine = now;
      const perSecond = rate(snapshot);
      const filesPerSecond = snapshot.filesDone / Math.max(1, (now - startedAt) / 1000);
      const eta = filesPerSecond > 0 ? Math.round((snapshot.filesTotal - snapshot.filesDone) / filesPerSecond) : null;
      write(
        `files ${snapshot.filesDone}/${snapshot.filesTotal}, ${snapshot.tradesStored} trades stored, ${perSecond} trades/s` +
          `${eta === null ? '' : `, ETA ${eta} s`}${snapshot.missingFiles.length > 0 ? `, ${snapshot.missingFiles.length} missing` : ''}`,
      );
    },
    stop: () => undefined,
  };
}
