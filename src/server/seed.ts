import fs from 'node:fs';
import { seedSchema, type Seed, type SeedInput } from '@/shared/seed.schema';
import { hashPassword, type Keyring } from './crypto';
import { createCodeSourcesService } from './code-sources.service';
import type { Storage } from './storage';

export class SeedError extends Error {}

/** Reads and validates a seed file; any problem is one line naming the file, the place and the rule. */
export function readSeedFile(file: string): Seed {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedError(`Invalid SEED_FILE ${file}: ${(error as Error).message}`);
  }
  return parseSeed(raw, `SEED_FILE ${file}`);
}

export function parseSeed(raw: unknown, source = 'seed'): Seed {
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SeedError(`Invalid ${source}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/**
 * Applies a seed to an empty database, in one transaction: all of it or none. Passwords are hashed first (slow),
 * then every row is written through the same repositories and service rules the API uses.
 */
export async function applySeed(seed: Seed, source: string, deps: { storage: Storage; keyring: Keyring }): Promise<boolean> {
  const hashes = new Map<string, string>();
  for (const user of seed.users) if (user.Password !== undefined) hashes.set(user.UserId, await hashPassword(user.Password));
  return deps.storage.transaction(async (tx) => {
    const { identity } = tx;
    // Checked again inside the write transaction, under the seeding lock: processes starting together on one empty
    // database seed it once.
    await identity.lockForSeeding();
    if (!(await identity.isEmpty())) return false;
    const service = createCodeSourcesService({ ...tx, keyring: deps.keyring });
    await identity.setMeta('seed', source);
    for (const w of seed.workspaces) await identity.insertWorkspace(w.WorkspaceId, w.WorkspaceName);
    for (const u of seed.users) {
      await identity.insertUser(u.UserId, u.UserName, hashes.get(u.UserId) ?? null);
      if (u.AccessKeyId !== undefined && u.AccessKeySecret !== undefined)
        await identity.insertAccessKey(u.AccessKeyId, u.UserId, u.AccessKeySecret);
    }
    for (const m of seed.members) await identity.insertMember(m.WorkspaceId, m.UserId, m.Roles);
    for (const [i, cs] of seed.codeSources.entries()) {
      const user = await identity.findUserById(cs.UserId);
      if (!user) throw new SeedError(`Invalid seed: codeSources.${i}.UserId ${cs.UserId} is not a user`);
      const { UserId: _userId, ...fields } = cs;
      try {
        await service.create(fields, fields, { userId: user.userId, userName: user.userName, via: 'Seed', requestId: `seed:${source}` });
      } catch (error) {
        throw new SeedError(`Invalid seed: codeSources.${i} (${cs.DisplayName}): ${(error as Error).message}`);
      }
    }
    return true;
  });
}

export type { SeedInput };
