import cluster from 'node:cluster';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app';
import { createKeyring, loadOrCreateMasterKey } from './crypto';
import { startBackgroundCheckpoints } from './db';
import { DEMO_USERS, demoSeed } from './demo-seed';
import { ConfigError, loadConfig, redactedDatabaseUrl, type Config } from './env';
import { createLogger, type Logger } from './logger';
import { runPrimary } from './workers';
import { applySeed, parseSeed, readSeedFile, SeedError } from './seed';
import { AppError } from './errors';
import { errorBody, newRequestId } from './http';
import { openStorage } from './open-storage';
import { createUpstream } from './upstream/upstream';

const DEMO_SEED_SOURCE = 'built-in demo seed';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    // The primary migrates and seeds once, then forks the workers; it serves nothing itself.
    const logger = createLogger(config.logLevel, undefined, { worker: 'primary', pid: process.pid });
    const { storage } = await prepare(config, logger);
    const seed = await storage.identity.meta('seed');
    await storage.close();
    runPrimary({ workers: config.workers, host: config.host, logger, banner: (url) => banner(url, seed, config.upstream) });
    return;
  }
  const logger = cluster.isWorker
    ? createLogger(config.logLevel, undefined, { worker: cluster.worker?.id, pid: process.pid })
    : createLogger(config.logLevel);
  await serve(config, logger);
}

/** Opens (migrates) the database and seeds an empty one; in a cluster only the primary does this. */
async function prepare(config: Config, logger: Logger) {
  // On PostgreSQL nothing is kept in DATA_DIR (SECRET_KEY is required there), so nothing is made in it.
  if (config.databaseUrl === undefined) fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const keyring = createKeyring(loadOrCreateMasterKey(config.dataDir, config.secretKey));
  const { storage, db } = await openStorage(config, keyring);
  const staticDir = path.join(root, 'dist');
  const { app } = createApp({
    storage,
    keyring,
    logger,
    sessionIdleMinutes: config.sessionIdleMinutes,
    staticDir,
    trustProxy: config.trustProxy,
    git: { allowedNetworks: config.gitAllowedNetworks, caPem: config.gitCaPem, timeoutMs: config.gitCheckTimeoutMs },
    upstream: config.upstream && createUpstream({ ...config.upstream, logger }),
  });

  if (cluster.isWorker) return { storage, db, app, staticDir };
  if (config.upstream) {
    // The code sources, users and workspaces are PAI's: nothing to seed; the database keeps sessions and the like.
    logger.info("upstream mode: code sources are PAI's; SEED_FILE and the demo seed are ignored", {
      endpoint: config.upstream.endpoint,
      ...(config.seedFile ? { seedFile: config.seedFile } : {}),
    });
  } else if (await storage.identity.isEmpty()) {
    // Read only when it will be applied: a seed file that is gone or changed later must not stop a restart.
    const seed = config.seedFile ? readSeedFile(config.seedFile) : parseSeed(demoSeed, DEMO_SEED_SOURCE);
    if (await applySeed(seed, config.seedFile ?? DEMO_SEED_SOURCE, { storage, keyring })) {
      logger.info('database seeded', { source: config.seedFile ?? DEMO_SEED_SOURCE });
    }
  } else if (config.seedFile) {
    logger.info('SEED_FILE ignored: the database is not empty', { seedFile: config.seedFile });
  }
  return { storage, db, app, staticDir };
}

function banner(url: string, seed: string | undefined, upstream: Config['upstream']): void {
  console.log(`\nCode Configuration console: ${url}`);
  if (upstream) {
    console.log(`In front of PAI at ${upstream.protocol}://${upstream.endpoint}: sign in with your own AccessKey ID and secret.`);
  } else if (seed === DEMO_SEED_SOURCE) {
    console.log('Demo sign-in (built-in seed):');
    for (const u of DEMO_USERS) console.log(`  ${u.UserName.padEnd(6)} / ${u.Password.padEnd(16)} ${u.role}`);
  }
  console.log('');
}

/** Serves HTTP until SIGTERM/SIGINT: the whole server with WORKERS=1, one worker of the cluster otherwise. */
async function serve(config: Config, logger: Logger): Promise<void> {
  const { storage, db, app, staticDir } = await prepare(config, logger);
  const checkpoints =
    db &&
    startBackgroundCheckpoints(db, (error) =>
      logger.warn('background checkpoints stopped; SQLite checkpoints on commit again', { error: error.message }),
    );
  if (!fs.existsSync(path.join(staticDir, 'index.html')) && !cluster.isWorker)
    logger.warn('console not built; serving the API only', { staticDir });
  const server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  // Requests Node's parser rejects (bad request line, oversized headers) still get a JSON error body.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify(
      errorBody(
        newRequestId(),
        undefined,
        new AppError('BadRequest', status === 431 ? 'Request headers are too large' : 'The HTTP request is malformed'),
      ),
    );
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (cluster.isWorker) {
    // The primary logs "listening" once every worker is.
    logger.info('worker listening', { port });
  } else {
    logger.info('listening', {
      url,
      ...(config.upstream ? { upstream: config.upstream.endpoint } : {}),
      ...(config.databaseUrl === undefined ? { dataDir: config.dataDir } : { database: redactedDatabaseUrl(config.databaseUrl) }),
    });
    banner(url, await storage.identity.meta('seed'), config.upstream);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    // Stop accepting; in-flight requests finish; idle keep-alive sockets close.
    server.close(() => {
      void (async () => {
        await checkpoints?.stop();
        db?.pragma('wal_checkpoint(TRUNCATE)');
        await storage.close();
      })()
        .catch((error: unknown) => logger.warn('closing the database failed', { error: (error as Error).message }))
        .finally(() => {
          logger.info('stopped');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof SeedError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Cannot start: the port is already in use (${(error as Error).message})`);
  } else {
    console.error(`Cannot start: ${(error as Error).message}`);
  }
  process.exit(1);
});
