import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger';

/** How long the primary waits for the workers to finish their requests on SIGTERM/SIGINT before killing them. */
const STOP_TIMEOUT_MS = 12_000;
/** A worker that dies is started again after this pause (so a worker that crashes at once cannot spin the CPU). */
const RESTART_DELAY_MS = 500;

export interface PrimaryOptions {
  workers: number;
  host: string;
  logger: Logger;
  /** Printed once, when every worker listens. */
  banner: (url: string) => void;
}

/**
 * The cluster's primary (`WORKERS` > 1): forks the workers, which share the port (node:cluster hands connections out
 * in turn) and the SQLite file; logs "listening" once all of them listen; starts a worker again when one dies; on
 * SIGTERM/SIGINT passes the signal on, waits for every worker's graceful stop, and exits.
 */
export function runPrimary({ workers, host, logger, banner }: PrimaryOptions): void {
  let stopping = false;
  let announced = false;
  const listening = new Set<number>();

  const fork = () => {
    const worker = cluster.fork();
    logger.info('worker started', { workerId: worker.id, workerPid: worker.process.pid });
    return worker;
  };

  cluster.on('listening', (worker: Worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < workers) return;
    announced = true;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    logger.info('listening', { url, workers });
    banner(url);
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    listening.delete(worker.id);
    if (stopping) {
      logger.info('worker stopped', { workerId: worker.id, workerPid: worker.process.pid, code });
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('stopped');
        process.exit(process.exitCode ?? 0);
      }
      return;
    }
    if (!announced) {
      // A worker that cannot start (e.g. the port is taken) would fail again: give up instead of looping.
      logger.error('a worker exited before the server was listening', { workerId: worker.id, code, signal });
      process.exitCode = 1;
      stopAll('worker failed');
      return;
    }
    logger.error('worker died; starting another', { workerId: worker.id, workerPid: worker.process.pid, code, signal });
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS);
  });

  const stopAll = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal: reason });
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (alive.length === 0) process.exit(process.exitCode ?? 0);
    for (const w of alive) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
  };
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));

  for (let i = 0; i < workers; i++) fork();
}
