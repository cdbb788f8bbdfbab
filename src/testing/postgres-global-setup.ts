import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-fixture';

/**
 * vitest global setup of the node project: one PostgreSQL cluster for the whole run, started in vitest's main process
 * before any worker exists, so workers starting at once never race to create it; each test file then takes a database
 * of its own (`createDatabase`). vitest runs this only when a node test file is queued.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  project.provide('postgres', cluster.info);
  return () => cluster.stop();
}
