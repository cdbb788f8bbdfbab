import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { SessionInfo } from '@/shared/session.schema';
import { sessionKeys } from '@/lib/session.api';
import { currentUrl, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_ENDPOINT } from '@/testing/upstream-api';
import { SignInPage } from './sign-in-page';

const returnTo = '/code-sources?workspace=2001';
const url = `/sign-in?returnTo=${encodeURIComponent(returnTo)}`;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/**
 * The server's session routes in upstream mode, as the contract says (GET answers signed out with the mode and the
 * endpoint; POST answers `signIn`): the sign-in page talks to nothing else.
 */
function upstreamSessionServer(signIn: (body: unknown) => Answer, mode: 'Upstream' | 'Local' = 'Upstream') {
  const sent: Sent[] = [];
  const json = ({ status, body, headers }: Answer) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://localhost').pathname;
      const method = (init?.method ?? 'GET').toUpperCase();
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      sent.push({ method, path, body });
      if (path === apiPaths.session && method === 'GET') {
        const info: SessionInfo = {
          SignedIn: false,
          Mode: mode,
          ...(mode === 'Upstream' ? { UpstreamEndpoint: TEST_ENDPOINT } : {}),
          RequestId: 'r-1',
        };
        return json({ status: 200, body: info });
      }
      if (path === apiPaths.session && method === 'POST') return json(signIn(body));
      return json({ status: 404, body: { RequestId: 'r-x', HostId: 'localhost', Code: 'NotFound', Message: 'No such route' } });
    }),
  );
  return sent;
}

const paiError = (status: number, Code: string, Message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { RequestId: 'r-2', HostId: TEST_ENDPOINT, Code, Message },
  headers,
});

async function renderSignIn(signIn: (body: unknown) => Answer = () => paiError(500, 'InternalError', 'unexpected')) {
  const sent = upstreamSessionServer(signIn);
  const queryClient = testQueryClient();
  renderConsole(<SignInPage />, { url, queryClient });
  const user = userEvent.setup();
  await screen.findByLabelText('AccessKey ID');
  return { sent, queryClient, user };
}

async function submitKey(user: ReturnType<typeof userEvent.setup>, id = 'LTAI5tExampleKeyId', secret = 'the-secret') {
  await user.type(screen.getByLabelText('AccessKey ID'), id);
  await user.type(screen.getByLabelText('AccessKey secret'), secret);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

const alert = () => screen.findByRole('alert');

describe('the sign-in page in upstream mode (in front of PAI)', () => {
  it('asks for the AccessKey, says where it signs in and how the secret is kept, and offers no password field', async () => {
    await renderSignIn();
    const id = screen.getByLabelText('AccessKey ID');
    const secret = screen.getByLabelText('AccessKey secret');
    expect(id).toHaveAttribute('autocomplete', 'off');
    expect(secret).toHaveAttribute('type', 'password');
    expect(secret).toHaveAttribute('autocomplete', 'off');
    expect(screen.queryByLabelText('User name')).toBeNull();
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(
      screen.getByText(
        `Signing in to PAI at ${TEST_ENDPOINT}. Your AccessKey secret is kept on this server for this session only, sealed, and deleted when you sign out.`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Sign in with your Alibaba Cloud AccessKey to manage your code configurations in PAI.')).toBeInTheDocument();
  });

  it('says beside each empty field that it is required, and sends nothing', async () => {
    const { sent, user } = await renderSignIn();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('AccessKey ID')).toHaveAccessibleDescription('Required');
    expect(screen.getByLabelText('AccessKey secret')).toHaveAccessibleDescription('Required');
    await user.type(screen.getByLabelText('AccessKey ID'), 'LTAI5tExampleKeyId');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('AccessKey ID')).not.toHaveAccessibleDescription('Required');
    expect(screen.getByLabelText('AccessKey secret')).toHaveAccessibleDescription('Required');
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('sends the pair (the ID trimmed), keeps the answer as the session and goes back where the user was', async () => {
    const { sent, queryClient, user } = await renderSignIn(() => ({
      status: 200,
      body: {
        SignedIn: true,
        Mode: 'Upstream',
        UpstreamEndpoint: TEST_ENDPOINT,
        UserId: '1234',
        UserName: 'ram-user',
        CsrfToken: 'c'.repeat(64),
        RequestId: 'r-3',
      },
    }));
    await submitKey(user, '  LTAI5tExampleKeyId ', 'the-secret');
    await waitFor(() => expect(currentUrl().pathname + currentUrl().search).toBe(returnTo));
    expect(sent.find((r) => r.method === 'POST')?.body).toEqual({ AccessKeyId: 'LTAI5tExampleKeyId', AccessKeySecret: 'the-secret' });
    const session = queryClient.getQueryData(sessionKeys.session());
    expect(session).toMatchObject({ SignedIn: true, Mode: 'Upstream', UserName: 'ram-user' });
    // The secret is nowhere in what the console keeps.
    expect(JSON.stringify(session)).not.toContain('the-secret');
  });

  it("a key PAI does not know: the console's words, and PAI's Code and Message", async () => {
    const { user } = await renderSignIn(() => paiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'));
    await submitKey(user);
    const shown = await alert();
    expect(within(shown).getByText('PAI does not know this AccessKey ID.')).toBeInTheDocument();
    expect(within(shown).getByText('InvalidAccessKeyId.NotFound: Specified access key is not found.')).toBeInTheDocument();
    // The fields keep what was typed, for a correction.
    expect(screen.getByLabelText('AccessKey ID')).toHaveValue('LTAI5tExampleKeyId');
  });

  it('a disabled key and a wrong secret each say so', async () => {
    let answer = paiError(400, 'InvalidAccessKeyId.Inactive', 'Specified access key is disabled.');
    const { user } = await renderSignIn(() => answer);
    await submitKey(user);
    expect(await screen.findByText('This AccessKey is disabled. Enable it in the RAM console, or use another one.')).toBeInTheDocument();
    expect(screen.getByText('InvalidAccessKeyId.Inactive: Specified access key is disabled.')).toBeInTheDocument();
    answer = paiError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
    // Again, with Enter (the button's loading icon, still leaving in jsdom, stays part of its name).
    await user.type(screen.getByLabelText('AccessKey secret'), '{Enter}');
    expect(await screen.findByText('The AccessKey secret does not match this AccessKey ID.')).toBeInTheDocument();
  });

  it("a code the console has no words for shows PAI's Message with the Code, not a generic text", async () => {
    const { user } = await renderSignIn(() => paiError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource.'));
    await submitKey(user);
    const shown = await alert();
    expect(shown).toHaveTextContent('User not authorized to operate on the specified resource. (Forbidden.RAM)');
    expect(shown).not.toHaveTextContent('The request failed');
  });

  it('PAI unreachable (502) and too slow (504): the message names the endpoint', async () => {
    let answer = paiError(502, 'Upstream.Unavailable', `Could not reach PAI at ${TEST_ENDPOINT}: connect ECONNREFUSED`);
    const { user } = await renderSignIn(() => answer);
    await submitKey(user);
    const shown = await alert();
    expect(within(shown).getByText(`PAI at ${TEST_ENDPOINT} could not be reached. Try again in a moment.`)).toBeInTheDocument();
    expect(
      within(shown).getByText(`Upstream.Unavailable: Could not reach PAI at ${TEST_ENDPOINT}: connect ECONNREFUSED`),
    ).toBeInTheDocument();
    answer = paiError(504, 'Upstream.Timeout', `PAI at ${TEST_ENDPOINT} did not answer within 10 s`);
    await user.type(screen.getByLabelText('AccessKey secret'), '{Enter}');
    expect(await screen.findByText(`PAI at ${TEST_ENDPOINT} did not answer in time. Try again in a moment.`)).toBeInTheDocument();
  });

  it("PAI's throttling (429) says to wait, not that sign-ins failed too often", async () => {
    const { user } = await renderSignIn(() =>
      paiError(429, 'Throttling.User', 'Request was denied due to user flow control.', { 'retry-after': '5' }),
    );
    await submitKey(user);
    const shown = await alert();
    expect(shown).toHaveTextContent('PAI is limiting requests. Wait a moment and try again. (Throttling.User)');
    expect(shown).not.toHaveTextContent('Too many failed sign-ins');
  });
});

describe('the sign-in page in local mode', () => {
  it('is unchanged: user name and password, no AccessKey, no endpoint', async () => {
    const sent = upstreamSessionServer(
      () => paiError(401, 'Unauthenticated.InvalidCredentials', 'The user name or password is incorrect'),
      'Local',
    );
    renderConsole(<SignInPage />, { url });
    const user = userEvent.setup();
    expect(await screen.findByLabelText('User name')).toHaveAttribute('autocomplete', 'username');
    expect(screen.getByLabelText('Password')).toHaveAttribute('autocomplete', 'current-password');
    expect(screen.queryByLabelText('AccessKey ID')).toBeNull();
    expect(screen.queryByText(/Signing in to PAI/)).toBeNull();
    expect(screen.getByText('Use your workspace account to manage code configurations.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('User name'), 'dev1');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await alert()).toHaveTextContent('The user name or password is incorrect.');
    expect(sent.find((r) => r.method === 'POST')?.body).toEqual({ UserName: 'dev1', Password: 'wrong' });
  });
});
