import http from 'node:http';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
}

/**
 * A plain HTTP request to a real server (node:http, so connection errors surface as errors, not retries). A JSON
 * `body` goes with its Content-Length; `pieces` go chunked instead (no Content-Length), written one by one.
 */
export function httpRequest(
  url: string,
  {
    method = 'GET',
    body,
    pieces,
    headers = {},
    agent,
  }: { method?: string; body?: unknown; pieces?: (string | Buffer)[]; headers?: Record<string, string>; agent?: http.Agent } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const framing =
      pieces !== undefined
        ? { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
        : payload !== undefined
          ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
          : {};
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { ...framing, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    for (const piece of pieces ?? []) req.write(piece);
    if (payload !== undefined && pieces === undefined) req.write(payload);
    req.end();
  });
}

/** Signs in through the real API; the cookie and CSRF header for later requests. */
export async function signInOver(url: string, userName: string, password: string): Promise<Record<string, string>> {
  const res = await httpRequest(`${url}/api/v1/session`, { method: 'POST', body: { UserName: userName, Password: password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.body}`);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  return { cookie, 'x-csrf-token': String(res.json().CsrfToken) };
}
