import type { createCodeSourcesRepository } from './code-sources.repository';
import type { createIdentityRepository } from './identity.repository';

/** The same methods, each answering a Promise: what routes and services see of either engine. */
export type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/**
 * Code sources, their history and the kept counts. The methods and their rules are documented on the SQLite
 * implementation (`code-sources.repository.ts`); the PostgreSQL one (`postgres/`) keeps the same contract.
 */
export type CodeSourcesRepository = Promised<ReturnType<typeof createCodeSourcesRepository>>;

/** Users, workspaces, memberships, AccessKeys, sessions, nonces, sign-in failures and Git-check usage. */
export type IdentityRepository = Promised<Omit<ReturnType<typeof createIdentityRepository>, 'transaction'>>;

export interface Repositories {
  codeSources: CodeSourcesRepository;
  identity: IdentityRepository;
}

/** Which database is underneath: only start-up, the health check and tests ask. */
export type Engine = 'sqlite' | 'postgres';

/**
 * The service's database, whichever engine: routes and services know only this. Every method of the
 * repositories is one atomic step (its own transaction where it writes more than one row).
 */
export interface Storage extends Repositories {
  readonly engine: Engine;
  /**
   * Runs `fn` with repositories bound to one write transaction: everything `fn` writes commits together or not at
   * all, and two such transactions on the same rows (in any process) run one after the other. `fn` must await only
   * these repositories (no network, no timers): on SQLite the transaction holds the connection while it runs.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query (the health check); rejects otherwise. */
  ping(): Promise<void>;
  /** Closes every connection; in-flight calls finish first on PostgreSQL. */
  close(): Promise<void>;
}

/** Node's and PostgreSQL's ways of saying the database is not there (refused, reset, shutting down, cannot connect). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True when `error` says the database cannot be reached (answered 503), as opposed to a fault of ours (500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect)/.test(e.message);
}
