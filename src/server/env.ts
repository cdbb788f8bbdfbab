import path from 'node:path';
import { z } from 'zod';
import { MAX_PROXY_HOPS, parseTrustProxy, type TrustProxy } from './client-address';

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
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  seedFile: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  secretKey: Buffer | undefined;
  sessionIdleMinutes: number;
  /** Which proxies' X-Forwarded-For / -Proto / -Host count; undefined: none (the socket address is the client). */
  trustProxy: TrustProxy | undefined;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    seedFile: e.SEED_FILE === undefined ? undefined : path.resolve(e.SEED_FILE),
    logLevel: e.LOG_LEVEL,
    secretKey: e.SECRET_KEY === undefined ? undefined : (decodeKey(e.SECRET_KEY) ?? undefined),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    trustProxy: e.TRUST_PROXY === undefined ? undefined : (parseTrustProxy(e.TRUST_PROXY) ?? undefined),
  };
}
