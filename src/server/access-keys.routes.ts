import { randomBytes } from 'node:crypto';
import { MAX_ACCESS_KEYS_PER_USER, type AccessKey } from '@/shared/access-key.schema';
import { routes } from '@/shared/api-routes';
import type { Caller } from './auth';
import { AppError } from './errors';
import { createRouter, requireCaller, tableRoute, type AppContext } from './http';
import type { AccessKeyRecord } from './identity.repository';
import type { IdentityRepository } from './storage';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters drawn uniformly from base62 with the system's CSPRNG (bytes ≥ 248 are dropped: no bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A new pair in Alibaba Cloud's shape: `LTAI` + 20 characters, and a 30-character secret. */
export function newAccessKeyPair(): { accessKeyId: string; secret: string } {
  return { accessKeyId: `LTAI${randomBase62(20)}`, secret: randomBase62(30) };
}

/** The caller of a browser session; a signed request cannot manage AccessKeys (a key must not mint more keys). */
function requireSessionCaller(c: AppContext): Caller {
  const caller = requireCaller(c);
  if (caller.via !== 'Console') {
    throw new AppError(
      'Forbidden.SessionRequired',
      'AccessKeys can be managed only from a signed-in console session, not with an AccessKey',
    );
  }
  return caller;
}

const notFound = (id: string) => new AppError('InvalidAccessKeyId.NotFound', `You have no AccessKey ${id}`);

const toWire = (k: AccessKeyRecord): AccessKey => ({
  AccessKeyId: k.accessKeyId,
  Status: k.status,
  GmtCreateTime: new Date(k.createdAt).toISOString(),
  GmtLastUsedTime: k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
});

/** Self-service AccessKeys of the signed-in user (`/me/accesskeys`). */
export function accessKeysRoutes(deps: { identity: IdentityRepository; clock: () => number }) {
  const { identity, clock } = deps;
  const app = createRouter();

  app.openapi(tableRoute(routes.CreateAccessKey), async (c) => {
    const caller = requireSessionCaller(c);
    const { accessKeyId, secret } = newAccessKeyPair();
    const outcome = await identity.createAccessKey(caller.userId, accessKeyId, secret, clock(), MAX_ACCESS_KEYS_PER_USER);
    if (outcome === 'limit') {
      throw new AppError(
        'AccessKey.LimitExceeded',
        `You already have ${MAX_ACCESS_KEYS_PER_USER} AccessKeys, the most allowed; delete one before creating another`,
      );
    }
    // Every /api/ answer is `no-store`; said again here because this one carries the secret.
    c.header('Cache-Control', 'no-store');
    return c.json({ AccessKeyId: accessKeyId, AccessKeySecret: secret, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListAccessKeys), async (c) => {
    const caller = requireSessionCaller(c);
    const keys = await identity.accessKeys(caller.userId);
    return c.json({ AccessKeys: keys.map(toWire), RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.UpdateAccessKey), async (c) => {
    const caller = requireSessionCaller(c);
    const { AccessKeyId } = c.req.valid('param');
    const { Status } = c.req.valid('json');
    if (!(await identity.setAccessKeyStatus(caller.userId, AccessKeyId, Status))) throw notFound(AccessKeyId);
    return c.json({ RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.DeleteAccessKey), async (c) => {
    const caller = requireSessionCaller(c);
    const { AccessKeyId } = c.req.valid('param');
    if (!(await identity.deleteAccessKey(caller.userId, AccessKeyId))) throw notFound(AccessKeyId);
    return c.json({ RequestId: c.get('requestId') }, 200);
  });

  return app;
}
