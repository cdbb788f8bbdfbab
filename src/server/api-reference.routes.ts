import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { API_VERSION, CSRF_HEADER, endpoints } from '@/shared/api-paths';
import { routes, securitySchemes } from '@/shared/api-routes';
import { createRouter, tableRoute, type AppEnv } from './http';
import { compressInBackground, type StaticFile } from './static-files';

/** Where the reference page's files are served; not API routes, so not in the document. */
const ASSET_BASE = '/api-reference/';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · Code Configuration</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_BASE}swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="${ASSET_BASE}swagger-ui-bundle.js"></script>
<script src="${ASSET_BASE}init.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on the generated document. "Try it out" runs as the signed-in console user: the session
 * cookie goes along, and writes carry the session's CSRF token. No validator badge (it would call out).
 */
const INIT_SCRIPT = `'use strict';
let csrfToken;
fetch(${JSON.stringify(endpoints.GetSession.path)}, { credentials: 'same-origin' })
  .then((r) => r.json())
  .then((s) => { csrfToken = s.CsrfToken; }, () => undefined);
window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(endpoints.GetOpenApiDocument.path)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayOperationId: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  requestInterceptor: (request) => {
    if (csrfToken && request.method !== 'GET') request.headers[${JSON.stringify(CSRF_HEADER)}] = csrfToken;
    return request;
  },
});
`;

let assets: Map<string, StaticFile> | undefined;
/** Swagger UI's files from its package and the start script, read on first use (only this page needs them). */
export function apiReferenceAsset(urlPath: string): StaticFile | undefined {
  if (!urlPath.startsWith(ASSET_BASE)) return undefined;
  if (!assets) {
    const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    const read = (name: string) => fs.readFileSync(path.join(dist, name));
    const files: [string, Buffer, string][] = [
      ['swagger-ui-bundle.js', read('swagger-ui-bundle.js'), 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', read('swagger-ui.css'), 'text/css; charset=utf-8'],
      ['init.js', Buffer.from(INIT_SCRIPT), 'text/javascript; charset=utf-8'],
    ];
    assets = new Map(files.map(([name, body, type]) => [ASSET_BASE + name, compressInBackground({ body, type, immutable: false })]));
  }
  return assets.get(urlPath);
}

/** The OpenAPI 3.1 document generated from the route table, and the page that renders it. */
export function apiReferenceRoutes(root: OpenAPIHono<AppEnv>) {
  const app = createRouter();
  let document: unknown;
  const documentOf = () => {
    if (document) return document;
    for (const [name, scheme] of Object.entries(securitySchemes)) root.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
    document = root.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Code Configuration — PAI CodeSource API',
        version: API_VERSION,
        description:
          "Alibaba Cloud PAI's CodeSource operations (tag **PAI CodeSource**, named as PAI names them) and this " +
          "service's extensions (tag **Extensions**). Every response carries `RequestId`; every error is PAI's " +
          'error shape with `Field` and `Rule` for a field error. The access token is write-only.',
      },
      tags: [
        { name: 'PAI CodeSource', description: "PAI's operations, version " + API_VERSION },
        { name: 'Extensions', description: "Operations this service adds to PAI's" },
      ],
    });
    return document;
  };

  app.openapi(tableRoute(routes.GetOpenApiDocument), (c) => c.json(documentOf() as { openapi: string }, 200));
  app.openapi(tableRoute(routes.GetApiReference), (c) => c.html(PAGE, 200));
  return app;
}
