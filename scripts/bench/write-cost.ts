/**
 * Write cost of the storage alone at the bench's data shape: 100,000 code sources in one workspace, then creates,
 * updates that do not rename (Description) and renames, one transaction each with synchronous=FULL, as the service
 * writes them. `node --import tsx scripts/bench/write-cost.ts [dir]`; WRITE_COST_SECONDS (default 3) per kind.
 * Run it on two checkouts to compare a change's write cost before and after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCodeSourcesRepository, type CodeSourceFields, type EventInput } from '@/server/code-sources.repository';
import { createKeyring } from '@/server/crypto';
import { openDatabase } from '@/server/db';
import { createIdentityRepository } from '@/server/identity.repository';
import { foldName } from '@/shared/text';
import { generatedName } from '@/testing/generated-names';

const SECONDS = Number(process.env.WRITE_COST_SECONDS ?? 3);
const ROWS = 100_000;
const WS = '3001';
const USER = '900001';

const fields = (displayName: string, i: number): CodeSourceFields => ({
  displayName,
  nameFold: foldName(displayName),
  description: `Training code for ${displayName}`,
  codeRepo: 'https://github.com/example/bench.git',
  codeBranch: 'master',
  codeCommit: '',
  codeRepoUserName: '',
  accessToken: '',
  mountPath: '/root/code/',
  accessibility: i % 3 === 0 ? 'PUBLIC' : 'PRIVATE',
  cloneType: 0,
});
const event = (action: EventInput['action'], displayName: string): EventInput => ({
  action,
  displayName,
  userId: USER,
  userName: 'bench',
  via: 'Seed',
  requestId: 'write-cost',
  changes: [],
});

/** Runs `write` for SECONDS and answers writes per second. */
function rate(write: (k: number) => void): number {
  let k = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) write(k++);
  return Math.round((k * 1000) / (performance.now() - started));
}

const dir = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'write-cost-'));
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'code-config.sqlite');
const fresh = !fs.existsSync(file);
const db = openDatabase(file);
const keyring = createKeyring(Buffer.alloc(32, 42));
const repo = createCodeSourcesRepository(db, keyring);
if (fresh) {
  const identity = createIdentityRepository(db, keyring);
  const started = performance.now();
  identity.transaction(() => {
    identity.insertWorkspace(WS, 'bench-100k');
    identity.insertUser(USER, 'bench', null);
    identity.insertMember(WS, USER, ['PAI.WorkspaceAdmin']);
    for (let i = 0; i < ROWS; i++)
      repo.create({ ...fields(generatedName(i), i), workspaceId: WS, userId: USER }, event('Create', generatedName(i)));
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`seeded ${ROWS} rows in ${Math.round(performance.now() - started) / 1000} s`);
}
console.log(`synchronous=${String(db.pragma('synchronous', { simple: true }))} (2 = FULL), ${SECONDS} s per kind`);

const tag = `${process.pid}-${Date.now()}`;
const created: string[] = [];
const creates = rate((k) => {
  const name = `bench-write-${tag}-${k}`;
  const r = repo.create({ ...fields(name, k), workspaceId: WS, userId: USER }, event('Create', name));
  if (r !== 'token-mismatch') created.push(r.codeSourceId);
});
const updateOne = (k: number, rename: boolean) => {
  const id = created[k % created.length] ?? '';
  const current = repo.findById(id);
  if (!current) throw new Error(`missing ${id}`);
  const name = rename ? `bench-rename-${tag}-${k}` : current.displayName;
  const next = { ...fields(name, k), description: `update ${k}`, accessibility: current.accessibility, accessToken: undefined };
  repo.update(current, next, event('Update', name));
};
const updates = rate((k) => updateOne(k, false));
const renames = rate((k) => updateOne(k, true));
console.log(JSON.stringify({ creates, updatesNoRename: updates, renames, rowsAfter: ROWS + created.length }));
db.close();
