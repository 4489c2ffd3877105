import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveImportRecord } from '@binance-rates/storage';
import { ArchiveImportExecution, type ArchiveImportExecutionParams } from './archive-import.execution';

export type RunArchiveImportParams = Omit<ArchiveImportExecutionParams, 'dir'> & {
  job: ArchiveImportRecord;
  signal: AbortSignal;
};

/** How a claimed import's run ended, once its row says so. */
export type ArchiveImportEnd = { status: 'done' | 'released' | 'lost' } | { status: 'failed'; error: string };

/**
 * Runs a claimed import to its end and records it: `done` once every file is read; `failed` with the error of the file
 * that failed (a checksum mismatch, a malformed file, the archive unreachable after retries); given back (`released`,
 * queued again for any instance) when `signal` stops it; nothing to record when its claim was lost (cancelled, or
 * taken over after its lease ran out). The service's runner and the CLI both run imports through here.
 */
export async function runArchiveImport({ job, signal, ...params }: RunArchiveImportParams): Promise<ArchiveImportEnd> {
  const dir = await mkdtemp(join(tmpdir(), `binance-rates-import-${job.id}-`));
  const { imports, owner } = params;
  try {
    const outcome = await new ArchiveImportExecution(job, { ...params, dir }).run(signal);
    if (outcome === 'done') {
      return { status: (await imports.finish({ id: job.id, owner, status: 'done' })) ? 'done' : 'lost' };
    }
    if (outcome === 'stopped') {
      await imports.release({ id: job.id, owner });
      return { status: 'released' };
    }
    return { status: 'lost' };
  } catch (error) {
    const message = (error as Error).message;
    const recorded = await imports.finish({ id: job.id, owner, status: 'failed', error: message });
    return recorded ? { status: 'failed', error: message } : { status: 'lost' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
