import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { z } from 'zod';
import { MAX_PROXY_HOPS, parseTrustProxy, type TrustProxy } from './client-address';
import { parseAllowedNetworks } from './git/address-policy';

const port = z
  .string()
  .regex(/^\d+$/, { error: 'must be a whole number' })
  .transform(Number)
  .refine((n) => n >= 0 && n <= 65535, { error: 'must be between 0 and 65535' });

/** Every setting the server reads from the environment; nothing else reads process.env. */
const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => parseDatabaseUrl(v) !== null, {
      error: 'must be a PostgreSQL URL: postgres://user:password@host:port/database (unset: SQLite in DATA_DIR)',
    })
    .optional(),
  SEED_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be one of debug, info, warn, error, silent' })
    .default('info'),
  SECRET_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, { error: 'must be 32 bytes as 64 hex characters or base64' })
    .optional(),
  SESSION_IDLE_MINUTES: z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number of minutes' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 10_080, { error: 'must be between 1 and 10080 minutes' })
    .default(60),
  TRUST_PROXY: z
    .string()
    .refine((v) => parseTrustProxy(v) !== null, {
      error: `must be a hop count (1-${MAX_PROXY_HOPS}) or a comma-separated list of proxy addresses or CIDRs (e.g. 10.0.0.0/8,::1)`,
    })
    .optional(),
  GIT_ALLOWED_NETWORKS: z
    .string()
    .refine((v) => parseAllowedNetworks(v) !== null, {
      error: 'must be a comma-separated list of addresses or CIDRs (e.g. 127.0.0.0/8,10.20.0.0/16,fd00::/8)',
    })
    .optional(),
  GIT_CA_FILE: z.string().min(1).optional(),
  GIT_CHECK_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number of milliseconds' })
    .transform(Number)
    .refine((n) => n >= 1000 && n <= 120_000, { error: 'must be between 1000 and 120000 milliseconds' })
    .default(10_000),
  PAI_ENDPOINT: z
    .string()
    .regex(/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/, {
      error: 'must be a host name with an optional port, without scheme or path (e.g. aiworkspace.cn-hangzhou.aliyuncs.com)',
    })
    .refine((v) => Number(/:(\d+)$/.exec(v)?.[1] ?? 443) <= 65535, { error: 'has a port above 65535' })
    .optional(),
  PAI_PROTOCOL: z.enum(['https', 'http'], { error: 'must be https or http' }).default('https'),
  PAI_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number of milliseconds' })
    .transform(Number)
    .refine((n) => n >= 1000 && n <= 120_000, { error: 'must be between 1000 and 120000 milliseconds' })
    .default(15_000),
  WORKERS: z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number of processes' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 64, { error: 'must be between 1 and 64 processes' })
    .default(1),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `DATABASE_URL`: PostgreSQL when set (it may hold a password: never logged), else SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  seedFile: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  secretKey: Buffer | undefined;
  sessionIdleMinutes: number;
  /** Which proxies' X-Forwarded-For / -Proto / -Host count; undefined: none (the socket address is the client). */
  trustProxy: TrustProxy | undefined;
  /** Networks an outgoing Git check may reach although they are not public (normalized CIDRs); [] by default. */
  gitAllowedNetworks: string[];
  /** A PEM bundle trusted for Git remotes in addition to the system's CAs: its resolved path and its content. */
  gitCaFile: string | undefined;
  gitCaPem: string | undefined;
  /** How long one Git check may take, all of it. */
  gitCheckTimeoutMs: number;
  /** Server processes sharing the port (node:cluster) and the database file; 1 = no cluster. */
  workers: number;
  /** `PAI_ENDPOINT`: upstream mode, the code sources are PAI's at this endpoint (see `upstream/upstream.ts`). */
  upstream: { endpoint: string; protocol: 'https' | 'http'; timeoutMs: number } | undefined;
}

/** Loopback only: `PAI_PROTOCOL=http` is for a test's stand-in PAI on this machine, never for a real endpoint. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = endpoint.startsWith('[') ? endpoint.slice(1, endpoint.indexOf(']')) : endpoint.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export class ConfigError extends Error {}

/** A 32-byte key from 64 hex characters or from base64; null when it is neither. */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

/**
 * A PostgreSQL URL (`postgres://` or `postgresql://`, with a host and a database name), or null. The password, if any,
 * stays inside the URL: messages about a bad value never repeat the value.
 */
export function parseDatabaseUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return null;
  if (url.hostname === '' && !url.searchParams.has('host')) return null;
  if (url.pathname.replace(/^\//, '') === '') return null;
  return url;
}

/** Query parameters the PostgreSQL driver takes as connection options that are secrets. */
export const SECRET_URL_PARAMETERS = ['password', 'sslpassword', 'sslkey'];

/** The URL without its password (in the authority or as a `?password=` option), for a log line. */
export function redactedDatabaseUrl(value: string): string {
  const url = parseDatabaseUrl(value);
  if (!url) return '(invalid)';
  if (url.password !== '') url.password = '***';
  for (const name of SECRET_URL_PARAMETERS) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

/** A CA bundle is a few hundred kB; a bigger file is a mistake, and reading a huge one would stall the start. */
const MAX_CA_FILE_BYTES = 10 * 1024 * 1024;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Reads `GIT_CA_FILE` at boot: a readable regular file holding at least one PEM certificate, each of them parsable
 * and the whole accepted by TLS as CAs. Returns the content, or what is wrong with it (one line, no stack).
 */
export function readCaFile(file: string): { pem: string } | { problem: string } {
  let pem: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { problem: `${file} is not a file` };
    if (stat.size > MAX_CA_FILE_BYTES) return { problem: `${file} is larger than 10 MiB: not a CA bundle` };
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const certificates = pem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) return { problem: `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
  for (const [i, certificate] of certificates.entries()) {
    try {
      new X509Certificate(certificate);
    } catch {
      return { problem: `${file}: certificate ${i + 1} of ${certificates.length} is not a valid certificate` };
    }
  }
  try {
    tls.createSecureContext({ ca: pem });
  } catch {
    return { problem: `${file} is not accepted by TLS as a CA bundle` };
  }
  return { pem };
}

/** Reads the environment once, at boot; a bad value throws a ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  // Every replica on one database must seal and MAC with the same key: a key made up in one replica's DATA_DIR would
  // leave the others unable to open its sessions and secrets.
  if (e.DATABASE_URL !== undefined && e.SECRET_KEY === undefined) {
    throw new ConfigError('Invalid configuration: SECRET_KEY is required with DATABASE_URL (the same key on every replica)');
  }
  if (e.PAI_PROTOCOL === 'http' && (e.PAI_ENDPOINT === undefined || !isLoopbackEndpoint(e.PAI_ENDPOINT))) {
    throw new ConfigError(
      'Invalid configuration: PAI_PROTOCOL=http is allowed only for a loopback PAI_ENDPOINT (tests); a real PAI endpoint takes https',
    );
  }
  const gitCaFile = e.GIT_CA_FILE === undefined ? undefined : path.resolve(e.GIT_CA_FILE);
  const ca = gitCaFile === undefined ? undefined : readCaFile(gitCaFile);
  if (ca && 'problem' in ca) throw new ConfigError(`Invalid configuration: GIT_CA_FILE ${ca.problem}`);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    seedFile: e.SEED_FILE === undefined ? undefined : path.resolve(e.SEED_FILE),
    logLevel: e.LOG_LEVEL,
    secretKey: e.SECRET_KEY === undefined ? undefined : (decodeKey(e.SECRET_KEY) ?? undefined),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    trustProxy: e.TRUST_PROXY === undefined ? undefined : (parseTrustProxy(e.TRUST_PROXY) ?? undefined),
    gitAllowedNetworks: e.GIT_ALLOWED_NETWORKS === undefined ? [] : (parseAllowedNetworks(e.GIT_ALLOWED_NETWORKS) ?? []),
    gitCaFile,
    gitCaPem: ca?.pem,
    gitCheckTimeoutMs: e.GIT_CHECK_TIMEOUT_MS,
    workers: e.WORKERS,
    upstream:
      e.PAI_ENDPOINT === undefined ? undefined : { endpoint: e.PAI_ENDPOINT, protocol: e.PAI_PROTOCOL, timeoutMs: e.PAI_TIMEOUT_MS },
  };
}
