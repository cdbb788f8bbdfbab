/**
 * `npm run db:copy -- --from sqlite:./data --to postgres://user@host:5432/db` (or `--to env` for DATABASE_URL; the
 * password never on the command line: PGPASSWORD). See src/server/postgres/copy-from-sqlite.ts.
 */
import { redactedDatabaseUrl } from '@/server/env';
import { copySqliteToPostgres, parseCopyArgs, UsageError } from '@/server/postgres/copy-from-sqlite';

async function main(): Promise<void> {
  const { from, to } = parseCopyArgs(process.argv.slice(2));
  const started = performance.now();
  console.log(`copying ${from} → ${redactedDatabaseUrl(to)}`);
  await copySqliteToPostgres(from, to);
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; every table verified row by row.`);
  console.log('Start every replica with DATABASE_URL and the same SECRET_KEY as the old server (its DATA_DIR/secret.key, in hex).');
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : `Copy failed, nothing was written: ${(error as Error).message}`);
  process.exit(1);
});
