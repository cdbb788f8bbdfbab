import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './env';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      logLevel: 'info',
      sessionIdleMinutes: 60,
      seedFile: undefined,
      secretKey: undefined,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/x',
      SEED_FILE: 'seed.json',
      LOG_LEVEL: 'debug',
      SECRET_KEY: 'ab'.repeat(32),
      SESSION_IDLE_MINUTES: '5',
    });
    expect(c).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      seedFile: path.resolve('seed.json'),
      logLevel: 'debug',
      sessionIdleMinutes: 5,
    });
    expect(c.secretKey?.length).toBe(32);
  });

  it('reads TRUST_PROXY as a hop count or a CIDR list; unset, no proxy is trusted', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,::1' }).trustProxy).toMatchObject({ cidrs: ['10.0.0.0/8', '::1/128'] });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY'],
    [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '0' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/40' }, 'TRUST_PROXY'],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});

/** Starts the real entry point with `env`, expecting it to refuse to start. */
function startExpectingFailure(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-start-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim(), dataDir };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('start-up failures are one clear line, not a stack trace', () => {
  it('bad environment', () => {
    const r = startExpectingFailure({ PORT: 'abc' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Invalid configuration: PORT must be a whole number');
    const proxy = startExpectingFailure({ TRUST_PROXY: 'nginx' });
    expect(proxy.status).toBe(1);
    expect(proxy.stderr).toMatch(
      /^Invalid configuration: TRUST_PROXY must be a hop count \(1-10\) or a comma-separated list of proxy addresses or CIDRs/,
    );
    expect(proxy.stderr.split('\n')).toHaveLength(1);
  });

  it('bad seed file: not JSON, and a rule broken', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-seed-'));
    try {
      const notJson = path.join(dir, 'a.json');
      fs.writeFileSync(notJson, '{nope');
      const a = startExpectingFailure({ SEED_FILE: notJson });
      expect(a.status).toBe(1);
      expect(a.stderr.split('\n')).toHaveLength(1);
      expect(a.stderr).toMatch(/^Invalid SEED_FILE .*a\.json: /);

      const badRepo = path.join(dir, 'b.json');
      fs.writeFileSync(
        badRepo,
        JSON.stringify({
          workspaces: [{ WorkspaceId: '1', WorkspaceName: 'w' }],
          users: [{ UserId: '2', UserName: 'u' }],
          members: [{ WorkspaceId: '1', UserId: '2', Roles: ['PAI.AlgoDeveloper'] }],
          codeSources: [{ UserId: '2', WorkspaceId: '1', DisplayName: 'x', CodeRepo: 'http://insecure/x.git' }],
        }),
      );
      const b = startExpectingFailure({ SEED_FILE: badRepo });
      expect(b.status).toBe(1);
      expect(b.stderr).toMatch(/^Invalid SEED_FILE .*b\.json: codeSources\.0\.CodeRepo must be an https:\/\/ or SSH/);
      expect(b.stderr.split('\n')).toHaveLength(1);

      const missing = startExpectingFailure({ SEED_FILE: path.join(dir, 'none.json') });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/^Invalid SEED_FILE .*none\.json: ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
