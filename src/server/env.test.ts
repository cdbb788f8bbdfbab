import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificateArgs } from '@/testing/git-fixture';
import { loadConfig, redactedDatabaseUrl } from './env';

describe('DATABASE_URL', () => {
  it('takes a PostgreSQL URL with the key every replica shares; refuses other values without repeating them', () => {
    const key = 'ab'.repeat(32);
    expect(loadConfig({ DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:5432/cc', SECRET_KEY: key }).databaseUrl).toBe(
      'postgres://app:s3cret@127.0.0.1:5432/cc',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@db/cc', SECRET_KEY: key }).databaseUrl).toBe('postgresql://app@db/cc');
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:5432/cc' })).toThrow(
      'Invalid configuration: SECRET_KEY is required with DATABASE_URL (the same key on every replica)',
    );
    for (const bad of ['mysql://app:s3cret@127.0.0.1/cc', 'postgres://app:s3cret@127.0.0.1:5432/', 'not a url s3cret']) {
      let message = '';
      try {
        loadConfig({ DATABASE_URL: bad, SECRET_KEY: key });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Invalid configuration: DATABASE_URL must be a PostgreSQL URL/);
      expect(message).not.toContain('s3cret');
    }
    expect(redactedDatabaseUrl('postgres://app:s3cret@127.0.0.1:5432/cc')).toBe('postgres://app:***@127.0.0.1:5432/cc');
    expect(redactedDatabaseUrl('postgres://app@127.0.0.1:5432/cc')).toBe('postgres://app@127.0.0.1:5432/cc');
    // The driver also takes the password as a query option.
    expect(redactedDatabaseUrl('postgres://app@127.0.0.1:5432/cc?password=s3cret&sslmode=disable')).toBe(
      'postgres://app@127.0.0.1:5432/cc?password=***&sslmode=disable',
    );
  });

  it('a database that cannot be reached stops the start with one line that names it without its password', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: path.join(os.tmpdir(), `cc-no-data-dir-${process.pid}`),
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        DATABASE_URL: 'postgres://app:s3cret-password@127.0.0.1:1/cc',
        SECRET_KEY: 'ab'.repeat(32),
      },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Cannot use DATABASE_URL postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/cc: .*ECONNREFUSED/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret-password');
    // Nothing is kept in DATA_DIR on PostgreSQL, so nothing was made there.
    expect(fs.existsSync(path.join(os.tmpdir(), `cc-no-data-dir-${process.pid}`))).toBe(false);
  });
});

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
      gitAllowedNetworks: [],
      gitCaFile: undefined,
      gitCaPem: undefined,
      gitCheckTimeoutMs: 10_000,
      workers: 1,
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
      WORKERS: '4',
    });
    expect(c).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      seedFile: path.resolve('seed.json'),
      logLevel: 'debug',
      sessionIdleMinutes: 5,
      workers: 4,
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
    [{ GIT_ALLOWED_NETWORKS: 'localhost' }, 'GIT_ALLOWED_NETWORKS'],
    [{ GIT_ALLOWED_NETWORKS: '10.0.0.0/33' }, 'GIT_ALLOWED_NETWORKS'],
    [{ GIT_ALLOWED_NETWORKS: '127.1' }, 'GIT_ALLOWED_NETWORKS'],
    [{ GIT_ALLOWED_NETWORKS: '10.0.0.0/8,' }, 'GIT_ALLOWED_NETWORKS'],
    [{ GIT_CHECK_TIMEOUT_MS: '999' }, 'GIT_CHECK_TIMEOUT_MS'],
    [{ GIT_CHECK_TIMEOUT_MS: '120001' }, 'GIT_CHECK_TIMEOUT_MS'],
    [{ GIT_CHECK_TIMEOUT_MS: '10s' }, 'GIT_CHECK_TIMEOUT_MS'],
    [{ GIT_CHECK_TIMEOUT_MS: '1e4' }, 'GIT_CHECK_TIMEOUT_MS'],
    [{ GIT_CHECK_TIMEOUT_MS: '-5000' }, 'GIT_CHECK_TIMEOUT_MS'],
    [{ WORKERS: '0' }, 'WORKERS'],
    [{ WORKERS: '65' }, 'WORKERS'],
    [{ WORKERS: 'two' }, 'WORKERS'],
    [{ WORKERS: '1.5' }, 'WORKERS'],
    [{ WORKERS: '-2' }, 'WORKERS'],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});

describe('Git check settings', () => {
  let dir = '';
  let certificate = '';
  let otherCertificate = '';
  /** A self-signed certificate made by openssl now (EC: quick), and its private key. */
  const makeCertificate = (name: string) => {
    const keyFile = path.join(dir, `${name}.key`);
    const certFile = path.join(dir, `${name}.pem`);
    execFileSync('openssl', selfSignedCertificateArgs({ subject: name, keyFile, certFile }), { stdio: 'ignore' });
    return fs.readFileSync(certFile, 'utf8');
  };
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-git-env-'));
    certificate = makeCertificate('one');
    otherCertificate = makeCertificate('two');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the allow-list normalized, the time limit at both ends, and the CA file with its content', () => {
    const file = write('ca.pem', certificate);
    const c = loadConfig({
      GIT_ALLOWED_NETWORKS: '127.0.0.0/8, ::1,10.20.1.0/16',
      GIT_CA_FILE: path.relative(process.cwd(), file),
      GIT_CHECK_TIMEOUT_MS: '1000',
    });
    expect(c.gitAllowedNetworks).toEqual(['127.0.0.0/8', '::1/128', '10.20.0.0/16']);
    expect(c.gitCaFile).toBe(file);
    expect(c.gitCaPem).toBe(certificate);
    expect(c.gitCheckTimeoutMs).toBe(1000);
    expect(loadConfig({ GIT_CHECK_TIMEOUT_MS: '120000' }).gitCheckTimeoutMs).toBe(120_000);
    expect(loadConfig({ GIT_ALLOWED_NETWORKS: '' }).gitAllowedNetworks).toEqual([]);
  });

  it('takes a bundle of several certificates with text between them', () => {
    const bundle = `# Internal root\n${certificate}\n# Internal issuing CA\n${otherCertificate}`;
    expect(loadConfig({ GIT_CA_FILE: write('bundle.pem', bundle) }).gitCaPem).toBe(bundle);
  });

  it('the allow-list error names the variable and shows an example', () => {
    expect(() => loadConfig({ GIT_ALLOWED_NETWORKS: '10.0.0.0/8;192.168.0.0/16' })).toThrow(
      /^Invalid configuration: GIT_ALLOWED_NETWORKS must be a comma-separated list of addresses or CIDRs \(e\.g\. 127\.0\.0\.0\/8,/,
    );
  });

  it.each([
    ['a missing file', () => path.join(dir, 'none.pem'), /none\.pem cannot be read \(ENOENT\)$/],
    ['a directory', () => dir, /is not a file$/],
    ['an empty file', () => write('empty.pem', ''), /holds no PEM certificate/],
    ['a private key alone', () => path.join(dir, 'one.key'), /one\.key holds no PEM certificate/],
    [
      'text that only looks like PEM',
      () => write('fake.pem', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'),
      /certificate 1 of 1 is not a valid certificate$/,
    ],
    [
      'a bundle with one damaged certificate',
      () => write('damaged.pem', certificate + otherCertificate.replace(/[A-Za-z0-9]{20}\n/, 'AAAA\n')),
      /certificate 2 of 2 is not a valid certificate$/,
    ],
  ])('GIT_CA_FILE: %s stops the start with one line naming the variable', (_, file, problem) => {
    let message = '';
    try {
      loadConfig({ GIT_CA_FILE: file() });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration: GIT_CA_FILE /);
    expect(message).toMatch(problem);
    expect(message.split('\n')).toHaveLength(1);
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
    const ca = startExpectingFailure({ GIT_CA_FILE: path.join(os.tmpdir(), 'cc-no-such-ca.pem') });
    expect(ca.status).toBe(1);
    expect(ca.stderr).toBe(`Invalid configuration: GIT_CA_FILE ${path.join(os.tmpdir(), 'cc-no-such-ca.pem')} cannot be read (ENOENT)`);
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

describe('PAI_ENDPOINT (upstream mode)', () => {
  it('takes a host with an optional port; https unless the endpoint is loopback; a bounded timeout', () => {
    expect(loadConfig({}).upstream).toBeUndefined();
    expect(loadConfig({ PAI_ENDPOINT: 'aiworkspace.cn-hangzhou.aliyuncs.com' }).upstream).toEqual({
      endpoint: 'aiworkspace.cn-hangzhou.aliyuncs.com',
      protocol: 'https',
      timeoutMs: 15_000,
    });
    expect(loadConfig({ PAI_ENDPOINT: '127.0.0.1:8081', PAI_PROTOCOL: 'http', PAI_TIMEOUT_MS: '2000' }).upstream).toEqual({
      endpoint: '127.0.0.1:8081',
      protocol: 'http',
      timeoutMs: 2000,
    });
    expect(loadConfig({ PAI_ENDPOINT: '[::1]:8081', PAI_PROTOCOL: 'http' }).upstream?.protocol).toBe('http');
    expect(() => loadConfig({ PAI_ENDPOINT: 'aiworkspace.cn-hangzhou.aliyuncs.com', PAI_PROTOCOL: 'http' })).toThrow(
      /PAI_PROTOCOL=http is allowed only for a loopback PAI_ENDPOINT/,
    );
    expect(() => loadConfig({ PAI_ENDPOINT: 'https://aiworkspace.cn-hangzhou.aliyuncs.com' })).toThrow(/PAI_ENDPOINT must be a host name/);
    expect(() => loadConfig({ PAI_ENDPOINT: 'pai.example.com/api' })).toThrow(/PAI_ENDPOINT must be a host name/);
    expect(() => loadConfig({ PAI_ENDPOINT: 'pai.example.com:99999' })).toThrow(/PAI_ENDPOINT has a port above 65535/);
    expect(() => loadConfig({ PAI_ENDPOINT: 'pai.example.com', PAI_TIMEOUT_MS: '10' })).toThrow(/PAI_TIMEOUT_MS must be between/);
  });
});
