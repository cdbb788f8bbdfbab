import { API_VERSION, endpoints } from '@/shared/api-paths';

/** The environment variable the snippet reads the secret from (Alibaba Cloud's SDKs' own name). */
export const SECRET_ENV = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET';

/**
 * A ready-to-run Node.js script that lists the code sources of `workspaceId` with Alibaba Cloud's client against
 * this server (`origin`: the page's own address). The key id is filled in; the secret never is.
 */
/** A JavaScript string literal in single quotes. */
const js = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function nodeSnippet({ accessKeyId, origin, workspaceId }: { accessKeyId: string; origin: URL; workspaceId: string }): string {
  const protocol = origin.protocol === 'https:' ? 'https' : 'http';
  return `// npm install @alicloud/openapi-client @alicloud/tea-util
const OpenApi = require('@alicloud/openapi-client');
const { RuntimeOptions } = require('@alicloud/tea-util');

const client = new OpenApi.default(
  new OpenApi.Config({
    accessKeyId: ${js(accessKeyId)},
    accessKeySecret: process.env.${SECRET_ENV},
    protocol: ${js(protocol)},
    endpoint: ${js(origin.host)},
  }),
);
const params = new OpenApi.Params({
  action: 'ListCodeSources',
  version: ${js(API_VERSION)},
  protocol: ${js(protocol.toUpperCase())},
  pathname: ${js(endpoints.ListCodeSources.path)},
  method: 'GET',
  authType: 'AK',
  style: 'ROA',
  reqBodyType: 'json',
  bodyType: 'json',
});
const request = new OpenApi.OpenApiRequest({ query: { WorkspaceId: ${js(workspaceId)} } });
client
  .callApi(params, request, new RuntimeOptions({}))
  .then((res) => console.log(JSON.stringify(res.body, null, 2)))
  .catch((err) => console.error(err.code, err.message));
`;
}
