import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'secret.key';

/**
 * The 32-byte master key: SECRET_KEY when set, otherwise `DATA_DIR/secret.key`, created on first start with mode 0600.
 * Losing the key makes stored tokens and AccessKey secrets unreadable, so it is never regenerated over an existing one.
 */
export function loadOrCreateMasterKey(dataDir: string, fromEnv: Buffer | undefined): Buffer {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, KEY_FILE);
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, randomBytes(32).toString('hex'));
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const content = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(content)) throw new Error(`${file} is not a 64-hex-character key`);
  fs.chmodSync(file, 0o600);
  return Buffer.from(content, 'hex');
}

/** Keys derived from the master key, one per purpose, so that no key serves two uses. */
export interface Keyring {
  /** AES-256-GCM for secrets at rest. */
  seal(plaintext: string, binding: string): Buffer;
  open(sealed: Buffer, binding: string): string;
  /** HMAC-SHA256 for values that must be comparable but not reversible (session ids, ClientToken bodies, CSRF). */
  mac(purpose: string, value: string): string;
}

const VERSION = 1;

export function createKeyring(master: Buffer): Keyring {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  const encKey = derive('code-config/aes-256-gcm/v1');
  const macKey = derive('code-config/hmac/v1');
  return {
    seal(plaintext, binding) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      // The binding (table, column, row) is authenticated: a sealed value copied to another row does not open.
      cipher.setAAD(Buffer.from(binding, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, binding) {
      if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('sealed value has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', encKey, sealed.subarray(1, 13));
      decipher.setAAD(Buffer.from(binding, 'utf8'));
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    },
    mac(purpose, value) {
      return createHmac('sha256', macKey).update(purpose).update('\0').update(value).digest('hex');
    },
  };
}

/** scrypt parameters for new password hashes (N = 2^16: ~120 ms a hash on these machines). */
export const PASSWORD_PARAMS = { N: 2 ** 16, r: 8, p: 1 } as const;

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, parameters kept with the hash so they can be raised later. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = PASSWORD_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A stored hash to verify against when the user does not exist, so a wrong name costs as much as a wrong password. */
export const DUMMY_PASSWORD_HASH = `scrypt$${PASSWORD_PARAMS.N}$${PASSWORD_PARAMS.r}$${PASSWORD_PARAMS.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
