import type { z } from 'zod';
import { pathPattern } from '@/shared/api-paths';
import { apiErrorBodySchema, routes } from '@/shared/api-routes';

const table = Object.entries(routes).map(([name, r]) => ({
  name,
  method: r.method.toUpperCase(),
  pattern: pathPattern(r.path),
  responses: r.responses as Record<string, { content?: Record<string, { schema: z.ZodType }> }>,
}));

/** The route of the table that serves `method path` (HEAD is served by the GET route), if any. */
export function routeFor(method: string, path: string) {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return table.find((r) => r.method === m && r.pattern.test(path));
}

/**
 * Fails when a response is not what the route table documents: a status the route does not list, or a body that
 * does not match the schema of that status. Requests outside the table must answer PAI's error shape. Every
 * route test's response goes through this (see `createTestApp`), so the OpenAPI document cannot drift.
 */
export async function assertDocumentedResponse(method: string, url: string, response: Response): Promise<void> {
  const path = new URL(url, 'http://localhost').pathname;
  const route = routeFor(method, path);
  const type = response.headers.get('content-type') ?? '';
  if (method.toUpperCase() === 'HEAD' || !type.startsWith('application/json')) {
    if (route && response.status !== 200 && !(String(response.status) in route.responses)) {
      throw new Error(`${method} ${path} answered ${response.status}, which ${route.name} does not document`);
    }
    return;
  }
  const body: unknown = await response.clone().json();
  if (!route) {
    const result = apiErrorBodySchema.safeParse(body);
    if (!result.success)
      throw new Error(`${method} ${path} (no route) answered a body that is not PAI's error shape: ${result.error.message}`);
    return;
  }
  const documented = route.responses[String(response.status)];
  if (!documented) {
    throw new Error(`${method} ${path} answered ${response.status} (${JSON.stringify(body)}), which ${route.name} does not document`);
  }
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${route.name} documents ${response.status} without a JSON body, but answered JSON`);
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(
      `${route.name} ${response.status}: the body does not match its documented schema: ${result.error.message}\n${JSON.stringify(body)}`,
    );
  }
}
