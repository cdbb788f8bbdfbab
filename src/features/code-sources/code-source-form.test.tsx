import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { CodeSource } from '@/shared/code-source.schema';
import { requestTo, serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS } from '@/testing/test-seed';
import CodeSourceFormDrawer from './code-source-form-drawer';
import type { FormRoute } from './drawer-route';

/** The drawer's page context: workspace 2001 as its admin, ada. */
const asAdmin = { workspaceId: WS, workspace: adminWorkspace, userId: TEST_USERS.admin.UserId, onOtherWorkspace: () => {} };

// Where these tests save, the address is an SSH one: the check before saving contacts https:// remotes only, and it
// has tests of its own against a real Git server (git-check.test.tsx). No test here may make the server look up a name.

/** The drawer against the real server in-process, signed in as ada (admin of 2001), CSRF token in place. */
async function renderForm(api: InProcessApi, target: FormRoute = { kind: 'create' }) {
  const onSaved = vi.fn();
  const onClose = vi.fn();
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  renderConsole(<CodeSourceFormDrawer route={target} {...asAdmin} onClose={onClose} onSaved={onSaved} />, { queryClient });
  return { onSaved, onClose, user: userEvent.setup() };
}

/** The requests that would change something on the server. */
const writes = (api: InProcessApi) => api.requests.filter((r) => r.method !== 'GET');

/** The code sources the admin sees in the workspace, by name, from the server. */
async function serverItems(api: InProcessApi): Promise<CodeSource[]> {
  const res = await api.t.as('admin').get(`${apiPaths.codeSources}?WorkspaceId=${WS}&PageSize=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { CodeSources: CodeSource[] }).CodeSources;
}

/** One code source as the server has it now, with its ETag. */
async function serverItem(api: InProcessApi, id: string): Promise<{ item: CodeSource; etag: string | null }> {
  const res = await api.t.as('admin').get(apiPaths.codeSource(id));
  expect(res.status).toBe(200);
  const { RequestId: _, ...item } = (await res.json()) as CodeSource & { RequestId: string };
  return { item, etag: res.headers.get('etag') };
}

/** The text a field shows as its problem (antd's help line, linked with aria-describedby). */
async function problemOf(label: string) {
  const input = screen.getByLabelText(label);
  let text: string | undefined;
  // The invalid flag and the message beside the field render in separate passes: wait for both.
  await waitFor(() => {
    expect(input).toHaveAttribute('aria-invalid', 'true');
    text = document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent ?? undefined;
    expect(text).toBeTruthy();
  });
  return text;
}

async function typeAndLeave(user: ReturnType<typeof userEvent.setup>, label: string, value: string) {
  const input = screen.getByLabelText(label);
  await user.clear(input);
  if (value !== '') {
    await user.click(input);
    await user.paste(value);
  } else {
    await user.click(input);
  }
  await user.tab();
}

describe('the create form: each rule of the contract, as the user sees it when leaving the field', { timeout: 90_000 }, () => {
  const cases: [label: string, value: string, message: string][] = [
    ['Name', '', 'Required'],
    ['Name', 'x'.repeat(129), 'At most 128 characters'],
    ['Name', 'bad\u200Bname', 'Contains control, zero-width or bidirectional-override characters'],
    ['Description', 'd'.repeat(1025), 'At most 1024 characters'],
    ['Git Address', '', 'Required'],
    ['Git Address', 'http://github.com/org/repo.git', 'Use an https:// or SSH address (ssh://… or git@host:path)'],
    ['Git Address', 'file:///etc/passwd', 'Use an https:// or SSH address (ssh://… or git@host:path)'],
    [
      'Git Address',
      'https://user:token@github.com/org/repo.git',
      'Do not put a user name or token in the address; use the Git Username and Access Token fields',
    ],
    ['Git Address', 'https://github.com/', 'Not a valid Git address'],
    ['Code Branch', 'bad..branch', 'Not a valid Git branch name'],
    ['Code Commit', 'xyz123', 'A commit hash of 7 to 40 (or 64) hexadecimal characters'],
    ['Git Username', 'two words', 'Must not contain spaces or control characters'],
    ['Access Token', 'tok en', 'Must not contain spaces or control characters'],
    ['Local Storage Path', 'root/code', 'Must be an absolute path starting with /'],
    ['Local Storage Path', '/root/../etc', 'Must not contain . or .. segments'],
  ];
  it.each(cases)('%s = %j → "%s"', async (label, value, message) => {
    const api = await serveInProcess('admin');
    const { user } = await renderForm(api);
    await typeAndLeave(user, label, value);
    expect(await problemOf(label)).toBe(message);
    expect(writes(api)).toHaveLength(0);
  });

  it('shows nothing before the user leaves a field, and clears the message once fixed', async () => {
    const api = await serveInProcess('admin');
    const { user } = await renderForm(api);
    const name = screen.getByLabelText('Name');
    await user.type(name, 'ok');
    expect(name).not.toHaveAttribute('aria-invalid');
    await typeAndLeave(user, 'Git Address', 'http://x.org/a.git');
    expect(await problemOf('Git Address')).toMatch(/https:\/\//);
    await typeAndLeave(user, 'Git Address', 'https://x.org/a.git');
    await waitFor(() => expect(screen.getByLabelText('Git Address')).not.toHaveAttribute('aria-invalid'));
    expect(writes(api)).toHaveLength(0);
  });

  it('marks the branch as ignored while a commit is filled', async () => {
    const api = await serveInProcess('admin');
    const { user } = await renderForm(api);
    expect(screen.queryByText(/Ignored: the code commit below takes priority/)).toBeNull();
    await user.type(screen.getByLabelText('Code Commit'), 'xyz');
    // A typo is not a commit: the branch still counts until the commit is a real hash.
    expect(screen.queryByText(/Ignored: the code commit below takes priority/)).toBeNull();
    await user.clear(screen.getByLabelText('Code Commit'));
    await user.type(screen.getByLabelText('Code Commit'), 'abcdef1');
    expect(screen.getByText('Ignored: the code commit below takes priority over the branch.')).toBeInTheDocument();
    expect(writes(api)).toHaveLength(0);
  });
});

describe('the create form: what it sends, and what the server then has', { timeout: 90_000 }, () => {
  it('sends exactly the contract body, once, with a ClientToken', async () => {
    const api = await serveInProcess('admin');
    // The request reaches the server at once; its answer waits, so the second click lands while it is in flight.
    const held = api.holdAnswers(requestTo('POST', apiPaths.codeSources));
    const { user, onSaved } = await renderForm(api);
    await user.type(screen.getByLabelText('Name'), '  my-repo  ');
    await user.type(screen.getByLabelText('Description'), 'Some code');
    await user.click(screen.getByRole('radio', { name: 'Public' }));
    await user.type(screen.getByLabelText('Git Address'), 'git@github.com:org/my-repo.git');
    await user.type(screen.getByLabelText('Code Commit'), 'ABCDEF1234');
    await user.type(screen.getByLabelText('Git Username'), 'bob');
    await user.type(screen.getByLabelText('Access Token'), 'ghp_secret');
    await user.click(screen.getByText('Advanced'));
    await user.click(screen.getByRole('radio', { name: 'Directly into the storage path' }));
    const submit = screen.getByRole('button', { name: 'Create' });
    await user.click(submit);
    await waitFor(() => expect(submit).toBeDisabled());
    await user.click(submit);
    held.release();
    const posts = writes(api);
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.stringMatching(/^code-/), 'create'));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      WorkspaceId: WS,
      DisplayName: 'my-repo',
      Description: 'Some code',
      Accessibility: 'PUBLIC',
      CodeRepo: 'git@github.com:org/my-repo.git',
      CodeBranch: 'master',
      CodeCommit: 'abcdef1234',
      CodeRepoUserName: 'bob',
      CodeRepoAccessToken: 'ghp_secret',
      MountPath: '/root/code/',
      CloneType: 1,
      ClientToken: expect.stringMatching(/^[\x21-\x7e]{8,64}$/),
    });
    expect(posts[0]?.headers.get('content-type')).toBe('application/json');
    // The id the form reported is the one the server made, and the server has exactly what was sent.
    const id = (posts[0]?.response?.body as { CodeSourceId: string }).CodeSourceId;
    expect(onSaved).toHaveBeenCalledWith(id, 'create');
    expect(await serverItems(api)).toHaveLength(1);
    const { item } = await serverItem(api, id);
    expect(item).toMatchObject({
      DisplayName: 'my-repo',
      Description: 'Some code',
      Accessibility: 'PUBLIC',
      CodeRepo: 'git@github.com:org/my-repo.git',
      CodeCommit: 'abcdef1234',
      CodeRepoUserName: 'bob',
      CodeRepoAccessToken: '',
      HasCodeRepoAccessToken: true,
      MountPath: '/root/code/',
      CloneType: 1,
      UserName: 'ada',
    });
    expect(await api.t.parts.codeSources.readAccessToken(id)).toBe('ghp_secret');
  });

  it('sends the defaults and leaves empty optional fields out', async () => {
    const api = await serveInProcess('admin');
    const { user, onSaved } = await renderForm(api);
    await user.type(screen.getByLabelText('Name'), 'minimal');
    await user.type(screen.getByLabelText('Git Address'), 'git@github.com:org/minimal.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const post = writes(api)[0];
    expect(post?.body).toEqual({
      WorkspaceId: WS,
      DisplayName: 'minimal',
      Accessibility: 'PRIVATE',
      CodeRepo: 'git@github.com:org/minimal.git',
      CodeBranch: 'master',
      MountPath: '/root/code/',
      CloneType: 0,
      ClientToken: expect.any(String),
    });
    const { item } = await serverItem(api, (post?.response?.body as { CodeSourceId: string }).CodeSourceId);
    expect(item).toMatchObject({
      Description: '',
      CodeBranch: 'master',
      CodeCommit: '',
      CodeRepoUserName: '',
      HasCodeRepoAccessToken: false,
      MountPath: '/root/code/',
      Accessibility: 'PRIVATE',
      CloneType: 0,
    });
  });

  it('does not send an invalid form: every problem shows on submit', async () => {
    const api = await serveInProcess('admin');
    const { user } = await renderForm(api);
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Name')).toBe('Required');
    expect(await problemOf('Git Address')).toBe('Required');
    expect(writes(api)).toHaveLength(0);
    expect(await serverItems(api)).toHaveLength(0);
  });

  it('retries with the same ClientToken after a lost answer, and the server keeps one code source', async () => {
    const api = await serveInProcess('admin');
    // The first request is carried out by the server, but its answer never reaches the console.
    api.loseNextAnswer(requestTo('POST', apiPaths.codeSources));
    const { user, onSaved } = await renderForm(api);
    await user.type(screen.getByLabelText('Name'), 'retry-me');
    await user.type(screen.getByLabelText('Git Address'), 'git@github.com:org/retry.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText(/The server could not be reached/)).toBeInTheDocument();
    expect(onSaved).not.toHaveBeenCalled();
    expect((await serverItems(api)).map((i) => i.DisplayName)).toEqual(['retry-me']);
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const posts = writes(api);
    expect(posts).toHaveLength(2);
    const tokens = posts.map((r) => (r.body as { ClientToken: string }).ClientToken);
    expect(tokens[0]).toBe(tokens[1]);
    // Both attempts answered the same id; the retry did not make a second one.
    const ids = posts.map((r) => (r.response?.body as { CodeSourceId: string }).CodeSourceId);
    expect(ids[1]).toBe(ids[0]);
    expect(onSaved).toHaveBeenCalledWith(ids[0], 'create');
    expect(await serverItems(api)).toHaveLength(1);
  });
});

describe("server errors land on their field, in the user's language", { timeout: 90_000 }, () => {
  it('409 duplicate name → on Name', async () => {
    const api = await serveInProcess('admin');
    expect(
      (
        await api.t
          .as('dev')
          .post(apiPaths.codeSources, { WorkspaceId: WS, DisplayName: 'Taken', CodeRepo: 'https://github.com/org/t.git' })
      ).status,
    ).toBe(200);
    const { user, onSaved } = await renderForm(api);
    // Names are unique ignoring case, including a colleague's private one.
    await user.type(screen.getByLabelText('Name'), 'taken');
    await user.type(screen.getByLabelText('Git Address'), 'git@github.com:org/taken.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Name')).toBe('This name is already used in this workspace');
    expect(writes(api)[0]?.response).toMatchObject({
      status: 409,
      body: { Code: 'Conflict.DuplicateName', Field: 'DisplayName', Rule: 'duplicate_name' },
    });
    expect(onSaved).not.toHaveBeenCalled();
    expect(await serverItems(api)).toHaveLength(1);
  });

  it('400 with Field and Rule → on that field', async () => {
    const api = await serveInProcess('admin');
    // The console and the server share their rules, so no value passes one and fails the other. A console whose
    // rules lag behind the server's is the case this handles: the form's request is changed on its way out.
    api.rewriteNextBody(requestTo('POST', apiPaths.codeSources), (body) => ({ ...body, MountPath: '/root/../etc/' }));
    const { user } = await renderForm(api);
    await user.type(screen.getByLabelText('Name'), 'n');
    await user.type(screen.getByLabelText('Git Address'), 'git@github.com:org/n.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Local Storage Path')).toBe('Must not contain . or .. segments');
    expect(writes(api)[0]?.response).toMatchObject({
      status: 400,
      body: { Code: 'InvalidParameter', Field: 'MountPath', Rule: 'dot_segment' },
    });
    expect(await serverItems(api)).toHaveLength(0);
  });

  it('shows the server error in Chinese when the user chose Chinese', async () => {
    window.localStorage.setItem('code-config.locale', 'zh-CN');
    const api = await serveInProcess('admin');
    expect(
      (
        await api.t
          .as('admin')
          .post(apiPaths.codeSources, { WorkspaceId: WS, DisplayName: 'taken', CodeRepo: 'https://github.com/org/t.git' })
      ).status,
    ).toBe(200);
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    const user = userEvent.setup();
    const { render } = await import('@testing-library/react');
    const { Providers } = await import('@/app/providers');
    render(
      <Providers queryClient={queryClient}>
        <CodeSourceFormDrawer route={{ kind: 'create' }} {...asAdmin} onClose={() => {}} onSaved={() => {}} />
      </Providers>,
    );
    await user.type(await screen.findByLabelText('名称'), 'taken');
    await user.type(screen.getByLabelText('Git 地址'), 'git@github.com:org/taken.git');
    await user.click(screen.getByRole('button', { name: '创建' }));
    expect(await problemOf('名称')).toBe('此名称在当前工作空间中已被使用');
    expect(writes(api)[0]?.response?.status).toBe(409);
  });
});

describe('the edit form', { timeout: 90_000 }, () => {
  const original = {
    WorkspaceId: WS,
    DisplayName: 'bert-finetune',
    Description: 'BERT fine-tuning',
    CodeRepo: 'git@github.com:example-org/bert-finetune.git',
    CodeBranch: 'release/2.3',
    CodeRepoUserName: 'bob',
    CodeRepoAccessToken: 'ghp_original',
    MountPath: '/root/code/bert/',
  };
  /** A code source made on the server by dev1; ada edits it as the workspace's admin. */
  async function editing() {
    const api = await serveInProcess('admin');
    const res = await api.t.as('dev').post(apiPaths.codeSources, original);
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
    const target: FormRoute = { kind: 'edit', id };
    return { api, id, ...(await renderForm(api, target)) };
  }
  const put = (api: InProcessApi) => api.requests.find((r) => r.method === 'PUT');

  it('pre-fills everything but the token, and shows visibility read-only', async () => {
    const { api } = await editing();
    expect(await screen.findByLabelText('Name')).toHaveValue('bert-finetune');
    expect(screen.getByLabelText('Description')).toHaveValue('BERT fine-tuning');
    expect(screen.getByLabelText('Git Address')).toHaveValue(original.CodeRepo);
    expect(screen.getByLabelText('Code Branch')).toHaveValue('release/2.3');
    expect(screen.getByLabelText('Git Username')).toHaveValue('bob');
    expect(screen.getByLabelText('Local Storage Path')).toHaveValue('/root/code/bert/');
    const token = screen.getByLabelText('Access Token');
    expect(token).toHaveValue('');
    expect(token).toHaveAttribute('placeholder', 'Set — leave empty to keep it');
    expect(token).toHaveAttribute('autocomplete', 'new-password');
    expect(screen.getByRole('button', { name: 'Remove token' })).toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: 'Public' })).toBeNull();
    expect(screen.getByText('Change it with Make public / Make private.')).toBeInTheDocument();
    expect(writes(api)).toHaveLength(0);
  });

  it('sends only the changed fields, with If-Match, keeping the token', async () => {
    const { api, id, user, onSaved } = await editing();
    const description = await screen.findByLabelText('Description');
    await user.clear(description);
    await user.type(description, 'New words');
    await user.clear(screen.getByLabelText('Code Branch'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(id, 'edit'));
    expect(put(api)?.body).toEqual({ Description: 'New words', CodeBranch: '' });
    // The ETag the form was loaded with.
    const loaded = api.requests.find((r) => r.method === 'GET' && r.url.pathname === apiPaths.codeSource(id));
    expect(loaded?.response?.headers.get('etag')).toBe('"v1"');
    expect(put(api)?.headers.get('if-match')).toBe('"v1"');
    expect(put(api)?.response?.status).toBe(200);
    const { item, etag } = await serverItem(api, id);
    expect(etag).toBe('"v2"');
    // "" resets the branch to master; what was not sent stays.
    expect(item).toMatchObject({
      Description: 'New words',
      CodeBranch: 'master',
      DisplayName: 'bert-finetune',
      MountPath: '/root/code/bert/',
      HasCodeRepoAccessToken: true,
    });
    expect(await api.t.parts.codeSources.readAccessToken(id)).toBe('ghp_original');
  });

  it('replaces the token when a new one is typed', async () => {
    const { api, id, user, onSaved } = await editing();
    await user.type(await screen.findByLabelText('Access Token'), 'new-token');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(put(api)?.body).toEqual({ CodeRepoAccessToken: 'new-token' });
    expect(await api.t.parts.codeSources.readAccessToken(id)).toBe('new-token');
    expect((await serverItem(api, id)).item).toMatchObject({ HasCodeRepoAccessToken: true, CodeRepoAccessToken: '' });
  });

  it('removes the token with "Remove token"', async () => {
    const { api, id, user, onSaved } = await editing();
    await user.click(await screen.findByRole('button', { name: 'Remove token' }));
    expect(screen.getByText('The token will be removed when you save.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(put(api)?.body).toEqual({ CodeRepoAccessToken: '' });
    expect(await api.t.parts.codeSources.readAccessToken(id)).toBeUndefined();
    expect((await serverItem(api, id)).item.HasCodeRepoAccessToken).toBe(false);
  });

  it('412: tells the user someone else changed it, and reloads their changes', async () => {
    const { api, id, user, onSaved } = await editing();
    const description = await screen.findByLabelText('Description');
    // Behind the form's back, its creator changes it.
    expect((await api.t.as('dev').put(apiPaths.codeSource(id), { Description: 'Changed by someone else' })).status).toBe(200);
    await user.type(description, ' more');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Someone else changed this code configuration')).toBeInTheDocument();
    // The alert sits above a long form: focus moves to it, so the user (and a screen reader) is taken there.
    await waitFor(() =>
      expect(alert.parentElement?.contains(document.activeElement) || document.activeElement?.contains(alert)).toBe(true),
    );
    expect(put(api)?.headers.get('if-match')).toBe('"v1"');
    expect(put(api)?.response).toMatchObject({ status: 412, body: { Code: 'PreconditionFailed' } });
    expect(onSaved).not.toHaveBeenCalled();
    expect((await serverItem(api, id)).item.Description).toBe('Changed by someone else');
    await user.click(within(alert).getByRole('button', { name: 'Reload their changes' }));
    await waitFor(() => expect(screen.getByLabelText('Description')).toHaveValue('Changed by someone else'));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('duplicate', { timeout: 90_000 }, () => {
  it('opens the create form pre-filled from the source, name suffixed, token not copied', async () => {
    const api = await serveInProcess('admin');
    const res = await api.t.as('dev').post(apiPaths.codeSources, {
      WorkspaceId: WS,
      DisplayName: 'bert-finetune',
      CodeRepo: 'git@github.com:example-org/bert-finetune.git',
      CodeBranch: 'release/2.3',
      CodeRepoUserName: 'bob',
      CodeRepoAccessToken: 'ghp_original',
      MountPath: '/root/code/bert/',
    });
    const { item: source } = await serverItem(api, ((await res.json()) as { CodeSourceId: string }).CodeSourceId);
    expect(source.HasCodeRepoAccessToken).toBe(true);
    const { user, onSaved } = await renderForm(api, { kind: 'duplicate', from: source.CodeSourceId });
    expect(await screen.findByLabelText('Name')).toHaveValue('bert-finetune-copy');
    expect(screen.getByLabelText('Access Token')).toHaveValue('');
    expect(screen.getByText(/The access token of the original is not copied/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.stringMatching(/^code-/), 'duplicate'));
    const post = writes(api)[0];
    const body = post?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      DisplayName: 'bert-finetune-copy',
      CodeRepo: source.CodeRepo,
      CodeBranch: 'release/2.3',
      MountPath: '/root/code/bert/',
      CodeRepoUserName: 'bob',
    });
    expect(body).not.toHaveProperty('CodeRepoAccessToken');
    const copyId = (post?.response?.body as { CodeSourceId: string }).CodeSourceId;
    expect(onSaved).toHaveBeenCalledWith(copyId, 'duplicate');
    expect((await serverItem(api, copyId)).item).toMatchObject({
      DisplayName: 'bert-finetune-copy',
      CodeBranch: 'release/2.3',
      HasCodeRepoAccessToken: false,
      UserName: 'ada',
    });
    expect(await api.t.parts.codeSources.readAccessToken(copyId)).toBeUndefined();
  });
});

describe('the pure form, field by field from its descriptors', { timeout: 90_000 }, () => {
  it('renders every descriptor with its label and help, and counts the name in code points', async () => {
    const { CodeSourceForm } = await import('./code-source-form');
    const { FORM_FIELD_DESCRIPTORS, emptyFormValues } = await import('./form-values');
    const { en } = await import('@/lib/i18n/en');
    renderConsole(
      <CodeSourceForm mode="create" defaultValues={emptyFormValues} onSubmit={() => {}} onCancel={() => {}} isSubmitting={false} />,
    );
    for (const field of FORM_FIELD_DESCRIPTORS) {
      // Advanced fields are rendered folded away (hidden until "Advanced" is opened).
      const hidden = 'advanced' in field && field.advanced;
      const control =
        field.input === 'choice'
          ? screen.getByRole('radiogroup', { name: en[field.label], hidden })
          : screen.getByLabelText(en[field.label]);
      expect(control).toHaveAttribute('id', `code-source-${field.name}`);
      if ('help' in field) expect(screen.getByText(en[field.help])).toBeInTheDocument();
    }
    await userEvent.setup().type(screen.getByLabelText('Name'), '名前-𝔘');
    // Four code points (the last is two UTF-16 units).
    expect(screen.getByText('4 / 128')).toBeInTheDocument();
  });

  it("puts a server field error handed over by the mutation's onError on its field, and any other above the form", async () => {
    const { CodeSourceForm } = await import('./code-source-form');
    const { emptyFormValues } = await import('./form-values');
    const { callApi } = await import('@/lib/api-client');
    const api = await serveInProcess('admin');
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    // Errors come from the real server: a request with a branch it refuses, then one to a server whose database is gone.
    const create = () =>
      callApi('CreateCodeSource', {
        body: { WorkspaceId: WS, DisplayName: 'n', CodeRepo: 'https://github.com/org/n.git', CodeBranch: 'bad..branch' },
      });
    const user = userEvent.setup();
    renderConsole(
      <CodeSourceForm
        mode="create"
        defaultValues={{ ...emptyFormValues, DisplayName: 'n', CodeRepo: 'https://github.com/org/n.git' }}
        onSubmit={(_values, { showServerError }) => void create().catch(showServerError)}
        onCancel={() => {}}
        isSubmitting={false}
      />,
      { queryClient },
    );
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Code Branch')).toBe('Not a valid Git branch name');
    expect(writes(api)[0]?.response).toMatchObject({ status: 400, body: { Field: 'CodeBranch', Rule: 'invalid_branch' } });
    expect(screen.getByLabelText('Code Branch')).toHaveFocus();
    expect(screen.queryByRole('alert')).toBeNull();
    await api.t.storage.close();
    await user.click(screen.getByRole('button', { name: 'Create' }));
    const alert = await screen.findByRole('alert');
    const failed = writes(api)[1]?.response;
    expect(failed).toMatchObject({ status: 500, body: { Code: 'InternalError' } });
    expect(within(alert).getByText(failed!.headers.get('x-acs-request-id')!)).toBeInTheDocument();
  });
});
