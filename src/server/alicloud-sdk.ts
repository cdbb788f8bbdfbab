import { createRequire } from 'node:module';

// Alibaba Cloud's own OpenAPI client (ACS3-HMAC-SHA256 signing), for upstream mode and the tests that call this
// service as Alibaba Cloud's SDKs do. It is CommonJS and imports differently under tsx, vitest and Playwright;
// createRequire works in all three (toolchain.md).
const require = createRequire(import.meta.url);
const openApi = require('@alicloud/openapi-client') as typeof import('@alicloud/openapi-client');
const teaUtil = require('@alicloud/tea-util') as typeof import('@alicloud/tea-util');

export const Client = openApi.default;
export const { Config, Params, OpenApiRequest } = openApi;
export const { RuntimeOptions } = teaUtil;
