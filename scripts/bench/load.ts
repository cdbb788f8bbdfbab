/** One autocannon run and the figures every load row prints (including what went wrong). */
import autocannon from 'autocannon';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
export const ms = (n: number) => Math.round(n * 100) / 100;

export interface LoadResult {
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  non2xx: number;
  errors: number;
  /** Responses by status code, e.g. "200:5120 401:3" (every status, so a row with errors shows which). */
  statuses: string;
}

/** `url`: one server, or several that the connections are spread over in turn (autocannon 9 takes a list; its types do not say so). */
export async function load(url: string | string[], connections: number, options: Partial<autocannon.Options> = {}): Promise<LoadResult> {
  const result = await autocannon({ url: url as string, connections, duration: SECONDS, ...options });
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    // autocannon records whole milliseconds, so its sub-millisecond percentiles read 0. Little's law gives the mean
    // round trip exactly for a closed loop: connections / throughput.
    mean: ms((1000 * connections) / Math.max(1, result.requests.average)),
    rps: Math.round(result.requests.average),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses: Object.entries(stats)
      .map(([code, s]) => `${code}:${s.count}`)
      .join(' '),
  };
}

/** The columns of a load row: latency, throughput, and the responses that were not 2xx. */
export function loadColumns(r: LoadResult): Record<string, string | number> {
  return { 'p50 ms': r.p50, 'p99 ms': r.p99, 'req/s': r.rps, non2xx: r.non2xx, errors: r.errors, statuses: r.statuses };
}
