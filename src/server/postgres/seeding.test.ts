import { expect, it } from 'vitest';
import { createKeyring } from '@/server/crypto';
import { applySeed, parseSeed } from '@/server/seed';
import { createDatabase } from '@/testing/postgres-fixture';
import { testSeed } from '@/testing/test-seed';
import { openPostgresStorage } from './storage';

it('replicas starting together on an empty database seed it once; the others find it seeded, none fails', async () => {
  const url = await createDatabase('seed race');
  const keyring = createKeyring(Buffer.alloc(32, 7));
  const replicas = await Promise.all([1, 2, 3].map(() => openPostgresStorage({ url, keyring })));
  try {
    // Without passwords there is no hashing first: the three transactions start together.
    const seed = parseSeed({ ...testSeed, users: (testSeed.users ?? []).map(({ Password: _password, ...user }) => user) });
    const seeded = await Promise.all(replicas.map((storage) => applySeed(seed, 'test seed', { storage, keyring })));
    expect(seeded.filter(Boolean)).toHaveLength(1);
    const members = await replicas[0]!.identity.memberships(testSeed.users?.[0]?.UserId ?? '');
    expect(members.length).toBeGreaterThan(0);
    expect(await replicas[1]!.identity.meta('seed')).toBe('test seed');
  } finally {
    await Promise.all(replicas.map((storage) => storage.close()));
  }
});
