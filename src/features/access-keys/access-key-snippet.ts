import { API_VERSION, endpoints } from '@/shared/api-paths';

/** The environment variable the snippet reads the secret from (Alibaba Cloud's SDKs' own name). */
export const SECRET_ENV = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET';

/**
 * A ready-to-run Node.js script that lists the code sources of `workspaceId` with Alibaba Cloud's client against
 * this server (`origin`: the page's own address). The key id is filled in; the secret never is.
 */
export function nodeSnippet({ accessKeyId, origin, workspaceId }: { accessKeyId: string; origin: URL; workspaceId: string }): string {
  const protocol = origin.protocol === 'https:' ? 'https' : 'http';
  return `// npm install @alicloud/openapi-client @alicloud/tea-util
const OpenApi = require('@alicloud/openapi-client');
const { RuntimeOptions } = require('@alicloud/tea-util');

const client = new OpenApi.default(
  new OpenApi.Config({
    accessKeyId: ${JSON.stringify(accessKeyId)},
    accessKeySecret: process.env.${SECRET_ENV},
    protocol: ${JSON.stringify(protocol)},
    endpoint: ${JSON.stringify(origin.host)},
  }),
);
const params = new OpenApi.Params({
  action: 'ListCodeSources',
  version: ${JSON.stringify(API_VERSION)},
  protocol: ${JSON.stringify(protocol.toUpperCase())},
  pathname: ${JSON.stringify(endpoints.ListCodeSources.path)},
  method: 'GET',
  authType: 'AK',
  style: 'ROA',
  reqBodyType: 'json',
  bodyType: 'json',
});
const request = new OpenApi.OpenApiRequest({ query: { WorkspaceId: ${JSON.stringify(workspaceId)} } });
client
  .callApi(params, request, new RuntimeOptions({}))
  .then((res) => console.log(JSON.stringify(res.body, null, 2)))
  .catch((err) => console.error(err.code, err.message));
`;
}
