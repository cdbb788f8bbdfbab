import fs from 'node:fs';
import type { LookupAddress } from 'node:dns';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { Workspace } from '@/lib/session.api';
import type { CodeSource } from '@/shared/code-source.schema';
import type { GitCheckResponse } from '@/shared/git-remote.schema';
import { startGitFixture, type GitFixture } from '@/testing/git-fixture';
import { serveInProcess, type InProcessApi, type RecordedRequest } from '@/testing/in-process-api';
import { adminWorkspace, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';
import CodeSourceDetailsDrawer from './code-source-details-drawer';
import CodeSourceFormDrawer from './code-source-form-drawer';
import type { FormRoute } from './drawer-route';

/**
 * The console's Git features against the real server in-process and a real Git smart-HTTP server (git
 * http-backend behind Node https, certificate made by openssl for this run) on 127.0.0.1. Nothing answers but the
 * real routes and the real remote. Names resolve through a table that knows none: no test reaches a resolver.
 */

/** The server's Git settings, as the in-process harness takes them. */
type GitOptions = NonNullable<NonNullable<Parameters<typeof serveInProcess>[1]>['git']>;

let fixture: GitFixture;
let caPem: string;

beforeAll(async () => {
  fixture = await startGitFixture();
  caPem = fs.readFileSync(fixture.caFile, 'utf8');
}, 180_000);
afterAll(async () => {
  await fixture?.stop();
});

/** Every name is unknown; the names asked for are recorded. */
const lookups: string[] = [];
function noResolver(hostname: string): Promise<LookupAddress[]> {
  lookups.push(hostname);
  return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
}

/** The app in-process, trusting the fixture's certificate and allowed to reach loopback. */
function serve(user: TestUser = 'admin', git: Partial<GitOptions> = {}) {
  return serveInProcess(user, { git: { caPem, allowedNetworks: ['127.0.0.0/8'], timeoutMs: 5000, resolve: noResolver, ...git } });
}

/** The drawer's page context: workspace 2001 as its admin, ada. */
const asAdmin = { workspaceId: WS, workspace: adminWorkspace, userId: TEST_USERS.admin.UserId, onOtherWorkspace: () => {} };

async function renderForm(api: InProcessApi, target: FormRoute = { kind: 'create' }) {
  const onSaved = vi.fn();
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  renderConsole(<CodeSourceFormDrawer route={target} {...asAdmin} onClose={() => {}} onSaved={onSaved} />, { queryClient });
  return { onSaved, user: userEvent.setup() };
}

const gitChecks = (api: InProcessApi) => api.requests.filter((r) => r.method === 'POST' && r.url.pathname === apiPaths.gitCheck);
const gitRefs = (api: InProcessApi) => api.requests.filter((r) => r.method === 'POST' && r.url.pathname === apiPaths.gitRefs);
const creates = (api: InProcessApi) => api.requests.filter((r) => r.method === 'POST' && r.url.pathname === apiPaths.codeSources);
const answerOf = (request: RecordedRequest | undefined) => request?.response?.body as GitCheckResponse;

/** Replaces a field's text, as a person selecting it and pasting does. */
async function fill(user: ReturnType<typeof userEvent.setup>, label: string, value: string) {
  const input = await screen.findByLabelText(label);
  await user.clear(input);
  if (value !== '') {
    await user.click(input);
    await user.paste(value);
  }
}

/** The live region under "Test connection", once it holds an answer (it stays in the page, so it is announced). */
async function connectionResult(): Promise<HTMLElement> {
  let region: HTMLElement | null = null;
  await waitFor(() => {
    region = document.querySelector<HTMLElement>('.git-connection [role="status"]');
    expect(region?.querySelector('.ant-alert')).toBeTruthy();
  });
  return region!;
}

/**
 * The "Save anyway?" dialog. (Found by its title's text: under NODE_ENV=test antd gives every generated id the
 * value "test-id", so the modal's aria-labelledby names the drawer's title instead.)
 */
async function saveAnyway(): Promise<HTMLElement> {
  const title = await screen.findByText('Save anyway?');
  const dialog = title.closest<HTMLElement>('[role="dialog"]');
  expect(dialog).toBeTruthy();
  return dialog!;
}

/**
 * Answers the dialog. jsdom plays no CSS animation, so the end of the closing one is signalled here, as the browser
 * would; the dialog then leaves the page (and stops hiding the form from the accessibility tree).
 */
async function answer(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement, button: 'Keep editing' | 'Save anyway') {
  await user.click(within(dialog).getByRole('button', { name: button }));
  await waitFor(() => {
    for (const element of document.querySelectorAll('.ant-modal, .ant-modal-mask')) {
      fireEvent.animationEnd(element);
      fireEvent.transitionEnd(element);
    }
    expect(dialog.isConnected).toBe(false);
  });
}

/**
 * The form's submit button. After a save was answered its name may still start with "loading": jsdom never ends
 * the spinner's leaving animation, so its icon stays in the tree (and, with no antd styles in jsdom, its label runs
 * into the button's text: "loadingCreate").
 */
function submitButton(name: 'Create' | 'Save'): HTMLElement {
  return screen.getByRole('button', { name: new RegExp(`^(loading ?)?${name}$`) });
}

/** An option of the open branch picker. */
function option(name: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`.ant-select-item-option[title="${name}"]`);
  expect(found).toBeTruthy();
  return found!;
}

/** The options the branch picker shows now, in order. */
function pickerOptions(): string[] {
  return Array.from(document.querySelectorAll('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')).map(
    (option) => option.getAttribute('title') ?? '',
  );
}

describe('Test connection: one message per Result, from the real remote', { timeout: 60_000 }, () => {
  type Case = {
    name: string;
    address: () => string;
    branch?: string;
    credentials?: () => { user: string; token: string };
    git?: Partial<GitOptions>;
    result: GitCheckResponse['Result'];
    message: string | RegExp | (() => RegExp);
  };
  const cases: Case[] = [
    {
      name: 'a public repository, its default branch',
      address: () => fixture.repos.public.url,
      branch: 'trunk',
      result: 'Ok',
      message: 'Connected. Default branch: trunk. Branches: 4.',
    },
    {
      name: 'an empty repository (a warning, not an error)',
      address: () => fixture.repos.empty.url,
      result: 'Empty',
      message: /^Connected, but the repository is empty: it has no branches yet\. You can save it/,
    },
    {
      name: 'a private repository with a wrong token',
      address: () => fixture.repos.private.url,
      credentials: () => ({ user: fixture.user, token: 'wrong-token' }),
      result: 'AuthFailed',
      message: /^The token was refused — check the user name, and that the token has read access to this repository/,
    },
    {
      name: 'a repository that does not exist',
      address: () => fixture.urls.missing,
      result: 'NotFound',
      message: /^Repository not found, or these credentials have no access to it\./,
    },
    {
      name: 'a login page',
      address: () => fixture.urls.html,
      result: 'NotGitServer',
      message: /^The address answered with a web page, not a Git repository\. Use the clone address/,
    },
    {
      name: 'a redirect (named, not followed)',
      address: () => fixture.urls.redirect,
      result: 'Redirected',
      message: () =>
        new RegExp(`^The server redirects to ${fixture.origin.replace(/\./g, '\\.')}/public\\.git.*\\. If that is the repository`),
    },
    {
      name: 'a certificate nobody trusts',
      address: () => `${fixture.untrustedOrigin}/public.git`,
      result: 'TlsError',
      message: /^The server's certificate is not trusted\./,
    },
    {
      name: 'a closed port on loopback',
      address: () => 'https://127.0.0.1:1/repo.git',
      result: 'Unreachable',
      message: /^The server refused or dropped the connection\./,
    },
    {
      name: 'a name that does not resolve',
      address: () => 'https://git.example.invalid/org/repo.git',
      result: 'HostNotFound',
      message: 'The host name could not be found. Check the address for typos.',
    },
    {
      name: 'loopback, when the operator has not allowed it',
      address: () => fixture.repos.public.url,
      git: { allowedNetworks: [] },
      result: 'AddressNotAllowed',
      message: /^This address points into a private or internal network, which this service may not contact\./,
    },
    {
      name: 'a remote that never answers',
      address: () => fixture.urls.hang,
      git: { timeoutMs: 1500 },
      result: 'Timeout',
      message: /^The server did not answer in time\./,
    },
    {
      name: 'a remote that sends too much',
      address: () => fixture.urls.huge,
      git: { maxBytes: 256 * 1024 },
      result: 'TooLarge',
      message: /^The remote sent more than a check may read\./,
    },
    {
      name: 'the form’s default branch, which this repository does not have',
      address: () => fixture.repos.public.url,
      result: 'BranchNotFound',
      message: 'Connected, but branch "master" does not exist on the remote. Pick one from the list.',
    },
    {
      name: 'an SSH address (never contacted)',
      address: () => 'git@github.com:org/repo.git',
      result: 'Unsupported',
      message: /^SSH addresses cannot be checked: this service holds no SSH key\./,
    },
  ];
  it.each(cases)('$name → $result', async ({ address, branch, credentials, git, result, message }) => {
    const api = await serve('admin', git);
    const { user } = await renderForm(api);
    await fill(user, 'Git Address', address());
    if (credentials) {
      await fill(user, 'Git Username', credentials().user);
      await fill(user, 'Access Token', credentials().token);
    }
    if (branch !== undefined) await fill(user, 'Code Branch', branch);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const region = await connectionResult();
    const expected = typeof message === 'function' ? message() : message;
    if (typeof expected === 'string') expect(within(region).getByText(expected)).toBeInTheDocument();
    else expect(within(region).getByText(expected)).toBeInTheDocument();
    expect(answerOf(gitChecks(api)[0])?.Result).toBe(result);
    // The answer's time, in the user's zone; the exact instant on the element.
    if (result !== 'Unsupported')
      expect(region.querySelector('time')?.getAttribute('datetime')).toBe(answerOf(gitChecks(api)[0]).CheckedAt);
    expect(creates(api)).toHaveLength(0);
    expect(lookups.filter((name) => name !== 'git.example.invalid')).toEqual([]);
  });
});

describe('the private repository: wrong token, then the right one', { timeout: 60_000 }, () => {
  it('says the token was refused, then connects; the token travels only in the request body', async () => {
    const api = await serve();
    const { user } = await renderForm(api);
    await fill(user, 'Git Address', fixture.repos.private.url);
    await fill(user, 'Git Username', fixture.user);
    await fill(user, 'Access Token', 'not-the-token');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(within(await connectionResult()).getByText(/^The token was refused/)).toBeInTheDocument();
    // No branch list for a remote that did not let us in.
    expect(screen.getByText("Test the connection to choose from the remote's branches. Defaults to master.")).toBeInTheDocument();

    await fill(user, 'Access Token', fixture.token);
    // The old answer was about other credentials: it is gone as soon as they change.
    expect(screen.queryByText(/^The token was refused/)).toBeNull();
    await fill(user, 'Code Branch', 'main');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(within(await connectionResult()).getByText('Connected. Default branch: main. Branches: 3.')).toBeInTheDocument();
    await screen.findByText('Branches: 3 — type to search.');

    const [wrong, right] = gitChecks(api);
    expect(wrong?.body).toEqual({
      WorkspaceId: WS,
      CodeRepo: fixture.repos.private.url,
      CodeRepoUserName: fixture.user,
      CodeRepoAccessToken: 'not-the-token',
      CodeBranch: 'master',
    });
    expect(right?.body).toMatchObject({ CodeRepoAccessToken: fixture.token, CodeBranch: 'main' });
    for (const request of api.requests) {
      expect(request.url.toString()).not.toContain(fixture.token);
      expect(JSON.stringify(request.response?.body)).not.toContain(fixture.token);
    }
    expect(api.t.logs.join('\n')).not.toContain(fixture.token);
  });
});

describe('the branch picker', { timeout: 60_000 }, () => {
  it('lists the branches once the remote answered (default first and marked), tags under a toggle; a pick fills the field', async () => {
    const api = await serve();
    const { user } = await renderForm(api);
    await fill(user, 'Git Address', fixture.repos.public.url);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    // "master" is the form's default and this repository has none: said so, and the list is offered to fix it.
    expect(within(await connectionResult()).getByText(/branch "master" does not exist/)).toBeInTheDocument();
    await screen.findByText('Branches: 4 — type to search.');
    const picker = screen.getByRole('combobox', { name: 'Code Branch' });
    expect(picker).toHaveAccessibleDescription('Branches: 4 — type to search.');
    await user.click(picker);
    await waitFor(() => expect(pickerOptions()).toEqual(['trunk', 'develop', 'feature/login', 'release/1.0']));
    const trunk = document.querySelector('.ant-select-item-option[title="trunk"]');
    expect(trunk?.textContent).toBe('trunkdefault');
    await user.click(option('release/1.0'));
    expect(picker).toHaveValue('release/1.0');
    // The branch problem was about "master"; it no longer applies.
    await waitFor(() => expect(screen.queryByText(/branch "master" does not exist/)).toBeNull());

    await user.click(screen.getByText('Tags'));
    await screen.findByText('Tags: 4 — type to search.');
    fireEvent.mouseDown(picker);
    await waitFor(() => expect(pickerOptions().sort()).toEqual(['nightly', 'v0.9', 'v1.0', 'v1.1']));
    // A tag carries no "default" mark.
    expect(document.querySelector('.ant-select-item-option[title="v1.1"]')?.textContent).toBe('v1.1');
    expect(gitRefs(api).map((r) => (r.body as { Kind: string }).Kind)).toEqual(['Branch', 'Tag']);
    expect(creates(api)).toHaveLength(0);
  });

  it('20,000 tags: shows 50 of them, searches on the server once typing stops, narrows a complete list without asking', async () => {
    const api = await serve();
    const { user } = await renderForm(api);
    await fill(user, 'Git Address', fixture.repos.manyTags.url);
    await fill(user, 'Code Branch', 'trunk');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(within(await connectionResult()).getByText('Connected. Default branch: trunk. Branches: 2.')).toBeInTheDocument();
    await user.click(screen.getByText('Tags'));
    expect(await screen.findByText('Tags: 50 of 20,000 — type to narrow.')).toBeInTheDocument();
    const picker = screen.getByRole('combobox', { name: 'Code Branch' });
    await user.clear(picker);
    await user.type(picker, 'v19.99.');
    expect(await screen.findByText('Tags containing "v19.99.": 10.')).toBeInTheDocument();
    const searches = gitRefs(api).map((r) => [(r.body as { Kind: string }).Kind, (r.body as { Search?: string }).Search]);
    // The branches, the whole tag list, then what the user stopped typing at — not a request per keystroke.
    expect(searches).toEqual([
      ['Branch', undefined],
      ['Tag', undefined],
      ['Tag', 'v19.99.'],
    ]);
    expect(gitRefs(api).at(-1)?.response?.body).toMatchObject({ TotalCount: 10, Result: 'Ok' });
    await waitFor(() => expect(pickerOptions()).toHaveLength(10));
    expect(pickerOptions()[0]).toBe('v19.99.9');
    // Every match is here: a longer search is filtered in the page, with no request.
    await user.type(picker, '5');
    expect(await screen.findByText('Tags containing "v19.99.5": 1.')).toBeInTheDocument();
    await waitFor(() => expect(pickerOptions()).toEqual(['v19.99.5']));
    expect(gitRefs(api)).toHaveLength(3);
    await user.click(option('v19.99.5'));
    expect(picker).toHaveValue('v19.99.5');
  });

  it('takes a name that is not in the list; saving checks it and asks "Save anyway?"', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'typed-branch');
    await fill(user, 'Git Address', fixture.repos.public.url);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await screen.findByText('Branches: 4 — type to search.');
    await fill(user, 'Code Branch', 'not-pushed-yet');
    expect(
      await screen.findByText('No branch contains "not-pushed-yet". A name not in the list is checked when you save.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Code Branch' })).toHaveValue('not-pushed-yet');
    await user.click(submitButton('Create'));
    const ask = await saveAnyway();
    expect(
      within(ask).getByText('Connected, but branch "not-pushed-yet" does not exist on the remote. Pick one from the list.'),
    ).toBeInTheDocument();
    expect(gitChecks(api).at(-1)?.body).toMatchObject({ CodeBranch: 'not-pushed-yet' });
    await answer(user, ask, 'Keep editing');
    expect(creates(api)).toHaveLength(0);
    // The same fields were just checked: the second attempt asks again without asking the remote again.
    const checksBefore = gitChecks(api).length;
    await user.click(submitButton('Create'));
    await answer(user, await saveAnyway(), 'Save anyway');
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(gitChecks(api)).toHaveLength(checksBefore);
    expect(creates(api)[0]?.body).toMatchObject({ CodeRepo: fixture.repos.public.url, CodeBranch: 'not-pushed-yet' });
  });
});

describe('Pin to current commit', { timeout: 60_000 }, () => {
  it('fills Code Commit with the branch tip, says which branch and when; saving needs no second check', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'pinned-hotfix');
    await fill(user, 'Git Address', fixture.repos.private.url);
    await fill(user, 'Git Username', fixture.user);
    await fill(user, 'Access Token', fixture.token);
    await fill(user, 'Code Branch', 'hotfix/tokenizer');
    await user.click(screen.getByRole('button', { name: 'Pin to current commit' }));
    const tip = fixture.repos.private.branches['hotfix/tokenizer'];
    await waitFor(() => expect(screen.getByLabelText('Code Commit')).toHaveValue(tip));
    const note = await screen.findByText(/^Pinned to the tip of hotfix\/tokenizer as of/);
    expect(note.closest('[role="status"]')).toBeTruthy();
    expect(note.querySelector('time')?.getAttribute('datetime')).toBe(answerOf(gitChecks(api)[0]).CheckedAt);
    expect(gitChecks(api)[0]?.body).toMatchObject({ CodeBranch: 'hotfix/tokenizer' });
    expect(gitChecks(api)[0]?.body).not.toHaveProperty('CodeCommit');
    // The commit now takes priority over the branch.
    expect(screen.getByText('Ignored: the code commit below takes priority over the branch.')).toBeInTheDocument();

    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(gitChecks(api)).toHaveLength(1);
    expect(creates(api)[0]?.body).toMatchObject({ CodeBranch: 'hotfix/tokenizer', CodeCommit: tip });
  });

  it('pins the default branch when Code Branch is empty; a missing branch says so and fills nothing', async () => {
    const api = await serve();
    const { user } = await renderForm(api);
    await fill(user, 'Git Address', fixture.repos.public.url);
    await fill(user, 'Code Branch', 'gone');
    await user.click(screen.getByRole('button', { name: 'Pin to current commit' }));
    expect(
      await screen.findByText('Connected, but branch "gone" does not exist on the remote. Pick one from the list.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Code Commit')).toHaveValue('');
    await fill(user, 'Code Branch', '');
    await user.click(screen.getByRole('button', { name: 'Pin to current commit' }));
    await waitFor(() => expect(screen.getByLabelText('Code Commit')).toHaveValue(fixture.repos.public.branches.trunk));
    expect(await screen.findByText(/^Pinned to the tip of trunk as of/)).toBeInTheDocument();
    await fill(user, 'Code Commit', fixture.repos.public.olderCommit);
    expect(screen.queryByText(/^Pinned to the tip of/)).toBeNull();
  });
});

describe('a clone URL with credentials pasted into Git Address', { timeout: 60_000 }, () => {
  it('offers to move them into their fields; nothing is sent while they are in the address; the saved address has none', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'from-clone-url');
    const origin = new URL(fixture.repos.private.url);
    await fill(user, 'Git Address', `https://${fixture.user}:${fixture.token}@${origin.host}${origin.pathname}`);
    const offer = await screen.findByRole('alert');
    expect(
      within(offer).getByText('This address contains a user name or token. It would be stored and shown in plain text.'),
    ).toBeInTheDocument();
    // Test connection refuses the address as it is (the field says why); nothing leaves the browser.
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(
      await screen.findByText('Do not put a user name or token in the address; use the Git Username and Access Token fields'),
    ).toBeInTheDocument();
    expect(api.requests).toHaveLength(0);

    await user.click(within(offer).getByRole('button', { name: 'Move them to Git Username and Access Token' }));
    expect(screen.getByLabelText('Git Address')).toHaveValue(fixture.repos.private.url);
    expect(screen.getByLabelText('Git Username')).toHaveValue(fixture.user);
    expect(screen.getByLabelText('Access Token')).toHaveValue(fixture.token);
    expect(screen.queryByRole('alert')).toBeNull();
    await fill(user, 'Code Branch', 'main');
    // Saved with no test made: the check runs first, then the create.
    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const order = api.requests.map((r) => r.url.pathname).filter((path) => path !== apiPaths.gitRefs);
    expect(order).toEqual([apiPaths.gitCheck, apiPaths.codeSources]);
    expect(answerOf(gitChecks(api)[0]).Result).toBe('Ok');
    const id = (creates(api)[0]?.response?.body as { CodeSourceId: string }).CodeSourceId;
    const saved = (await (await api.t.as('admin').get(apiPaths.codeSource(id))).json()) as CodeSource;
    expect(saved.CodeRepo).toBe(fixture.repos.private.url);
    expect(saved.CodeRepoUserName).toBe(fixture.user);
    expect(await api.t.parts.codeSources.readAccessToken(id)).toBe(fixture.token);
  });
});

describe('the check before saving', { timeout: 60_000 }, () => {
  it('does not ask the remote again when the fields have not changed since a good test', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'tested-once');
    await fill(user, 'Git Address', fixture.repos.public.url);
    await fill(user, 'Code Branch', 'develop');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await connectionResult();
    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(gitChecks(api)).toHaveLength(1);
  });

  it('asks the remote again when a field changed since the test', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'changed-after-test');
    await fill(user, 'Git Address', fixture.repos.public.url);
    await fill(user, 'Code Branch', 'develop');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await connectionResult();
    await fill(user, 'Code Commit', fixture.repos.public.olderCommit);
    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(gitChecks(api).map((r) => r.body)).toEqual([
      { WorkspaceId: WS, CodeRepo: fixture.repos.public.url, CodeBranch: 'develop' },
      { WorkspaceId: WS, CodeRepo: fixture.repos.public.url, CodeBranch: 'develop', CodeCommit: fixture.repos.public.olderCommit },
    ]);
    expect(answerOf(gitChecks(api)[1])).toMatchObject({ Result: 'Ok', CommitStatus: 'Found' });
  });

  it('a failing remote asks "Save anyway?"; Cancel keeps the form, Save anyway saves', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'behind-a-login');
    await fill(user, 'Git Address', fixture.urls.html);
    await user.click(submitButton('Create'));
    const ask = await saveAnyway();
    expect(within(ask).getByText(/^The address answered with a web page, not a Git repository/)).toBeInTheDocument();
    // The answer is also in the form, where it stays after the dialog.
    expect(within(await connectionResult()).getByText(/^The address answered with a web page/)).toBeInTheDocument();
    await answer(user, ask, 'Keep editing');
    expect(creates(api)).toHaveLength(0);
    expect(screen.getByLabelText('Name')).toHaveValue('behind-a-login');
    await user.click(submitButton('Create'));
    await answer(user, await saveAnyway(), 'Save anyway');
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(creates(api)).toHaveLength(1);
  });

  it('an empty repository saves without asking (a warning, not a failure)', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'empty-for-now');
    await fill(user, 'Git Address', fixture.repos.empty.url);
    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(answerOf(gitChecks(api)[0]).Result).toBe('Empty');
    expect(screen.queryByText('Save anyway?')).toBeNull();
  });

  it('429: the check is skipped, the user is told, and the code source is saved', async () => {
    const api = await serve();
    // Behind the console's back, the same user spends the minute's budget (failures are not cached, so each counts).
    for (let i = 0; i < 10; i++) {
      const res = await api.t.as('admin').post(apiPaths.gitCheck, { WorkspaceId: WS, CodeRepo: fixture.urls.missing });
      expect(res.status).toBe(200);
    }
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'saved-while-throttled');
    await fill(user, 'Git Address', fixture.repos.public.url);
    await fill(user, 'Code Branch', 'trunk');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(
      within(await connectionResult()).getByText('Too many Git checks in a short time. Wait a minute and try again.'),
    ).toBeInTheDocument();
    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(await screen.findByText('The Git check was skipped (too many checks in a short time); saved without it.')).toBeInTheDocument();
    expect(gitChecks(api).map((r) => r.response?.status)).toEqual([429, 429]);
    expect(gitChecks(api)[1]?.response?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(creates(api)).toHaveLength(1);
  });

  it('an SSH address is saved without a check (nothing would be contacted)', async () => {
    const api = await serve();
    const { user, onSaved } = await renderForm(api);
    await fill(user, 'Name', 'over-ssh');
    await fill(user, 'Git Address', 'git@github.com:org/repo.git');
    await user.click(submitButton('Create'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(gitChecks(api)).toHaveLength(0);
  });
});

describe('editing: the stored token is used, never sent to the browser', { timeout: 60_000 }, () => {
  async function editing() {
    const api = await serve();
    const res = await api.t.as('dev').post(apiPaths.codeSources, {
      WorkspaceId: WS,
      DisplayName: 'private-model',
      CodeRepo: fixture.repos.private.url,
      CodeBranch: 'main',
      CodeRepoUserName: fixture.user,
      CodeRepoAccessToken: fixture.token,
    });
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
    return { api, id, ...(await renderForm(api, { kind: 'edit', id })) };
  }

  it('Test connection with the token field left blank sends CodeSourceId; the server answers with the stored token', async () => {
    const { api, id, user } = await editing();
    await user.click(await screen.findByRole('button', { name: 'Test connection' }));
    expect(within(await connectionResult()).getByText('Connected. Default branch: main. Branches: 3.')).toBeInTheDocument();
    expect(gitChecks(api)[0]?.body).toEqual({
      WorkspaceId: WS,
      CodeRepo: fixture.repos.private.url,
      CodeRepoUserName: fixture.user,
      CodeSourceId: id,
      CodeBranch: 'main',
    });
    // The picker lists with the stored token too.
    await screen.findByText('Branches: 3 — type to search.');
    expect(gitRefs(api)[0]?.body).toMatchObject({ CodeSourceId: id });
    expect(gitRefs(api)[0]?.body).not.toHaveProperty('CodeRepoAccessToken');
  });

  it('a change that leaves the Git fields as stored saves without a check', async () => {
    const { api, user, onSaved } = await editing();
    await fill(user, 'Description', 'Only words');
    await user.click(submitButton('Save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(gitChecks(api)).toHaveLength(0);
  });

  it('a token typed in replaces the stored one for the check; "Remove token" checks without any', async () => {
    const { api, id, user, onSaved } = await editing();
    await fill(user, 'Code Branch', 'experiments');
    await user.click(screen.getByRole('button', { name: 'Remove token' }));
    await user.click(submitButton('Save'));
    const ask = await saveAnyway();
    expect(within(ask).getByText(/^The token was refused/)).toBeInTheDocument();
    expect(gitChecks(api)[0]?.body).toEqual({
      WorkspaceId: WS,
      CodeRepo: fixture.repos.private.url,
      CodeRepoUserName: fixture.user,
      CodeBranch: 'experiments',
    });
    await answer(user, ask, 'Keep editing');
    await fill(user, 'Access Token', fixture.token);
    await user.click(submitButton('Save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(id, 'edit'));
    expect(gitChecks(api)[1]?.body).toMatchObject({ CodeRepoAccessToken: fixture.token, CodeBranch: 'experiments' });
    expect(gitChecks(api)[1]?.body).not.toHaveProperty('CodeSourceId');
    expect(answerOf(gitChecks(api)[1]).Result).toBe('Ok');
  });
});

describe('details: Check now', { timeout: 60_000 }, () => {
  async function details(api: InProcessApi, id: string, who: TestUser) {
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    const workspace: Workspace = who === 'admin' ? adminWorkspace : { ...adminWorkspace, Roles: ['PAI.AlgoDeveloper'], IsAdmin: false };
    renderConsole(
      <CodeSourceDetailsDrawer
        id={id}
        workspaceId={WS}
        workspace={workspace}
        userId={TEST_USERS[who].UserId}
        onClose={() => {}}
        onOtherWorkspace={() => {}}
        onEdit={() => {}}
        onTransfer={() => {}}
        onDuplicate={() => {}}
      />,
      { queryClient },
    );
    return userEvent.setup();
  }
  async function created(api: InProcessApi, body: Record<string, unknown>) {
    const res = await api.t.as('admin').post(apiPaths.codeSources, {
      WorkspaceId: WS,
      DisplayName: 'checked',
      CodeRepo: fixture.repos.private.url,
      CodeRepoUserName: fixture.user,
      CodeRepoAccessToken: fixture.token,
      Accessibility: 'PUBLIC',
      ...body,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
  }

  it('shows the result, the branch tip and that the pinned commit is there, using the stored credentials', async () => {
    const api = await serve('admin');
    const tip = fixture.repos.private.branches.main!;
    const id = await created(api, { CodeBranch: 'main', CodeCommit: tip });
    const user = await details(api, id, 'admin');
    await user.click(await screen.findByRole('button', { name: 'Check now' }));
    const section = screen.getByRole('region', { name: 'Git remote' });
    const status = within(section).getByRole('status');
    expect(await within(status).findByText('Connected. Default branch: main. Branches: 3.')).toBeInTheDocument();
    expect(within(status).getByText(`Branch main is at ${tip}.`)).toBeInTheDocument();
    expect(within(status).getByText(`The pinned commit ${tip} is on the remote.`)).toBeInTheDocument();
    expect(gitChecks(api)[0]?.body).toEqual({
      WorkspaceId: WS,
      CodeRepo: fixture.repos.private.url,
      CodeSourceId: id,
      CodeBranch: 'main',
      CodeCommit: tip,
    });
  });

  it('says when a pinned commit is no longer on the remote', async () => {
    const api = await serve('admin');
    const gone = 'f'.repeat(40);
    const id = await created(api, { CodeBranch: 'main', CodeCommit: gone });
    const user = await details(api, id, 'admin');
    await user.click(await screen.findByRole('button', { name: 'Check now' }));
    const status = within(screen.getByRole('region', { name: 'Git remote' })).getByRole('status');
    expect(
      await within(status).findByText(
        `Connected, but commit ${gone} is not on the remote. Check the hash, or pin the branch's current commit.`,
      ),
    ).toBeInTheDocument();
    expect(within(status).getByText(`The pinned commit ${gone} is no longer on the remote.`)).toBeInTheDocument();
    expect(answerOf(gitChecks(api)[0])).toMatchObject({ Result: 'CommitNotFound', CommitStatus: 'NotFound' });
  });

  it('is not offered to a member who may not edit the code source (its token is not theirs to use)', async () => {
    const api = await serve('dev');
    const id = await created(api, { CodeBranch: 'main' });
    await details(api, id, 'dev');
    expect(await screen.findByText(fixture.repos.private.url)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Check now' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Git remote' })).toBeNull();
  });
});
