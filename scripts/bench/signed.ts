/**
 * Requests signed as SDK users sign them (ACS3-HMAC-SHA256), every one with its own x-acs-date and nonce. They are
 * signed before the load starts (a pool larger than the run can send; more are signed on the fly if it runs out):
 * SDK users sign on their own machines, so the signing must not take the server's CPU on this shared 2-core machine.
 */
import type autocannon from 'autocannon';
import { signRequest } from '@/testing/sign';

export interface SignedTarget {
  pathname: string;
  query?: Record<string, string>;
  action: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** `host:port` as the client sends it (part of what is signed). */
  host: string;
}

/** An autocannon `requests` list whose one GET is a different, freshly signed request every time it is sent. */
export function signedGets(t: SignedTarget, presign = 0): autocannon.Request[] {
  const sign = () => {
    const s = signRequest({ method: 'GET', ...t });
    return { path: s.url, headers: s.headers };
  };
  const pool = Array.from({ length: presign }, sign);
  let next = 0;
  return [
    {
      method: 'GET',
      setupRequest: (req) => ({ ...req, ...(next < pool.length ? pool[next++] : sign()) }),
    },
  ];
}
