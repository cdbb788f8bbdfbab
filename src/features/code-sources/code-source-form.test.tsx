import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { on, stubFetch } from '@/testing/fetch-stub';
import { codeSourceFixture, renderConsole } from '@/testing/render-console';
import CodeSourceFormDrawer, { type FormTarget } from './code-source-form-drawer';

const WS = '2001';

function renderForm(target: FormTarget = { kind: 'create' }) {
  const onSaved = vi.fn();
  const onClose = vi.fn();
  renderConsole(<CodeSourceFormDrawer target={target} workspaceId={WS} onClose={onClose} onSaved={onSaved} />);
  return { onSaved, onClose, user: userEvent.setup() };
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

describe('the create form: each rule of the contract, as the user sees it when leaving the field', () => {
  const cases: [label: string, value: string, message: string][] = [
    ['Name', '', 'Required'],
    ['Name', 'x'.repeat(129), 'At most 128 characters'],
    ['Name', 'bad\u200Bname', 'Contains control, zero-width or bidirectional-override characters'],
    ['Description', 'd'.repeat(1025), 'At most 1024 characters'],
    ['Git Address', '', 'Required'],
    ['Git Address', 'http://github.com/org/repo.git', 'Use an https:// or SSH address (ssh://… or git@host:path)'],
    ['Git Address', 'file:///etc/passwd', 'Use an https:// or SSH address (ssh://… or git@host:path)'],
    ['Git Address', 'https://user:token@github.com/org/repo.git', 'Do not put a user name or token in the address; use the Git Username and Access Token fields'],
    ['Git Address', 'https://github.com/', 'Not a valid Git address'],
    ['Code Branch', 'bad..branch', 'Not a valid Git branch name'],
    ['Code Commit', 'xyz123', 'A commit hash of 7 to 40 (or 64) hexadecimal characters'],
    ['Git Username', 'two words', 'Must not contain spaces or control characters'],
    ['Access Token', 'tok en', 'Must not contain spaces or control characters'],
    ['Local Storage Path', 'root/code', 'Must be an absolute path starting with /'],
    ['Local Storage Path', '/root/../etc', 'Must not contain . or .. segments'],
  ];
  it.each(cases)('%s = %j → "%s"', async (label, value, message) => {
    stubFetch();
    const { user } = renderForm();
    await typeAndLeave(user, label, value);
    expect(await problemOf(label)).toBe(message);
  });

  it('shows nothing before the user leaves a field, and clears the message once fixed', async () => {
    stubFetch();
    const { user } = renderForm();
    const name = screen.getByLabelText('Name');
    await user.type(name, 'ok');
    expect(name).not.toHaveAttribute('aria-invalid');
    await typeAndLeave(user, 'Git Address', 'http://x.org/a.git');
    expect(await problemOf('Git Address')).toMatch(/https:\/\//);
    await typeAndLeave(user, 'Git Address', 'https://x.org/a.git');
    await waitFor(() => expect(screen.getByLabelText('Git Address')).not.toHaveAttribute('aria-invalid'));
  });

  it('marks the branch as ignored while a commit is filled', async () => {
    stubFetch();
    const { user } = renderForm();
    expect(screen.queryByText(/Ignored: the code commit below takes priority/)).toBeNull();
    await user.type(screen.getByLabelText('Code Commit'), 'xyz');
    // A typo is not a commit: the branch still counts until the commit is a real hash.
    expect(screen.queryByText(/Ignored: the code commit below takes priority/)).toBeNull();
    await user.clear(screen.getByLabelText('Code Commit'));
    await user.type(screen.getByLabelText('Code Commit'), 'abcdef1');
    expect(screen.getByText('Ignored: the code commit below takes priority over the branch.')).toBeInTheDocument();
  });
});

describe('the create form: what it sends', () => {
  it('sends exactly the contract body, once, with a ClientToken', async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    const { requests } = stubFetch(
      on('POST', apiPaths.codeSources, async () => {
        await answered;
        return { body: { CodeSourceId: 'code-new', RequestId: 'r1' } };
      }),
      on('GET', apiPaths.codeSources, () => ({ body: { CodeSources: [], TotalCount: 0, RequestId: 'r' } })),
    );
    const { user, onSaved } = renderForm();
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
    release();
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith('code-new', 'create'));
    const posts = requests.filter((r) => r.method === 'POST');
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
  });

  it('sends the defaults and leaves empty optional fields out', async () => {
    const { requests } = stubFetch(on('POST', apiPaths.codeSources, () => ({ body: { CodeSourceId: 'code-x', RequestId: 'r' } })));
    const { user, onSaved } = renderForm();
    await user.type(screen.getByLabelText('Name'), 'minimal');
    await user.type(screen.getByLabelText('Git Address'), 'https://github.com/org/minimal.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      WorkspaceId: WS,
      DisplayName: 'minimal',
      Accessibility: 'PRIVATE',
      CodeRepo: 'https://github.com/org/minimal.git',
      CodeBranch: 'master',
      MountPath: '/root/code/',
      CloneType: 0,
      ClientToken: expect.any(String),
    });
  });

  it('does not send an invalid form: every problem shows on submit', async () => {
    const { requests } = stubFetch();
    const { user } = renderForm();
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Name')).toBe('Required');
    expect(await problemOf('Git Address')).toBe('Required');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('retries with the same ClientToken after a failure', async () => {
    let calls = 0;
    const { requests } = stubFetch(
      on('POST', apiPaths.codeSources, () =>
        ++calls === 1 ? { status: 500, body: { Code: 'InternalError', Message: 'x', RequestId: 'req-500' } } : { body: { CodeSourceId: 'code-y', RequestId: 'r' } },
      ),
    );
    const { user, onSaved } = renderForm();
    await user.type(screen.getByLabelText('Name'), 'retry-me');
    await user.type(screen.getByLabelText('Git Address'), 'https://github.com/org/retry.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText(/req-500/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const tokens = requests.filter((r) => r.method === 'POST').map((r) => (r.body as { ClientToken: string }).ClientToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
  });
});

describe('server errors land on their field, in the user\'s language', () => {
  it('409 duplicate name → on Name', async () => {
    stubFetch(
      on('POST', apiPaths.codeSources, () => ({
        status: 409,
        body: { Code: 'Conflict.DuplicateName', Message: 'DisplayName is already used in this workspace', Field: 'DisplayName', Rule: 'duplicate_name', RequestId: 'r' },
      })),
    );
    const { user } = renderForm();
    await user.type(screen.getByLabelText('Name'), 'taken');
    await user.type(screen.getByLabelText('Git Address'), 'https://github.com/org/taken.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Name')).toBe('This name is already used in this workspace');
  });

  it('400 with Field and Rule → on that field', async () => {
    stubFetch(
      on('POST', apiPaths.codeSources, () => ({
        status: 400,
        body: { Code: 'InvalidParameter', Message: 'MountPath must not contain . or .. segments', Field: 'MountPath', Rule: 'dot_segment', RequestId: 'r' },
      })),
    );
    const { user } = renderForm();
    await user.type(screen.getByLabelText('Name'), 'n');
    await user.type(screen.getByLabelText('Git Address'), 'https://github.com/org/n.git');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Local Storage Path')).toBe('Must not contain . or .. segments');
  });

  it('shows the server error in Chinese when the user chose Chinese', async () => {
    window.localStorage.setItem('code-config.locale', 'zh-CN');
    stubFetch(
      on('POST', apiPaths.codeSources, () => ({
        status: 409,
        body: { Code: 'Conflict.DuplicateName', Message: 'DisplayName is already used', Field: 'DisplayName', Rule: 'duplicate_name', RequestId: 'r' },
      })),
    );
    const user = userEvent.setup();
    const { render } = await import('@testing-library/react');
    const { Providers } = await import('@/app/providers');
    const { testQueryClient } = await import('@/testing/render-console');
    render(
      <Providers queryClient={testQueryClient()}>
        <CodeSourceFormDrawer target={{ kind: 'create' }} workspaceId={WS} onClose={() => {}} onSaved={() => {}} />
      </Providers>,
    );
    await user.type(await screen.findByLabelText('名称'), 'taken');
    await user.type(screen.getByLabelText('Git 地址'), 'https://github.com/org/taken.git');
    await user.click(screen.getByRole('button', { name: '创建' }));
    expect(await problemOf('名称')).toBe('此名称在当前工作空间中已被使用');
  });
});

describe('the edit form', () => {
  const source = codeSourceFixture();
  function stubEdit(put: (r: { body: unknown; headers: Headers }) => { status?: number; body: unknown }) {
    let version = 3;
    return stubFetch(
      on('GET', apiPaths.codeSource(source.CodeSourceId), () => ({ body: { ...source, RequestId: 'r' }, headers: { etag: `"${version}"` } })),
      on('PUT', apiPaths.codeSource(source.CodeSourceId), (r) => {
        const answer = put(r);
        if (!answer.status) version++;
        return answer;
      }),
    );
  }
  const target: FormTarget = { kind: 'edit', id: source.CodeSourceId, name: source.DisplayName };

  it('pre-fills everything but the token, and shows visibility read-only', async () => {
    stubEdit(() => ({ body: {} }));
    renderForm(target);
    expect(await screen.findByLabelText('Name')).toHaveValue('bert-finetune');
    expect(screen.getByLabelText('Git Address')).toHaveValue(source.CodeRepo);
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
  });

  it('sends only the changed fields, with If-Match, keeping the token', async () => {
    const { requests } = stubEdit(() => ({ body: { CodeSourceId: source.CodeSourceId, RequestId: 'r' } }));
    const { user, onSaved } = renderForm(target);
    const description = await screen.findByLabelText('Description');
    await user.clear(description);
    await user.type(description, 'New words');
    await user.clear(screen.getByLabelText('Code Branch'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(source.CodeSourceId, 'edit'));
    const put = requests.find((r) => r.method === 'PUT');
    expect(put?.body).toEqual({ Description: 'New words', CodeBranch: '' });
    expect(put?.headers.get('if-match')).toBe('"3"');
  });

  it('replaces the token when a new one is typed', async () => {
    const { requests } = stubEdit(() => ({ body: {} }));
    const { user, onSaved } = renderForm(target);
    await user.type(await screen.findByLabelText('Access Token'), 'new-token');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(requests.find((r) => r.method === 'PUT')?.body).toEqual({ CodeRepoAccessToken: 'new-token' });
  });

  it('removes the token with "Remove token"', async () => {
    const { requests } = stubEdit(() => ({ body: {} }));
    const { user, onSaved } = renderForm(target);
    await user.click(await screen.findByRole('button', { name: 'Remove token' }));
    expect(screen.getByText('The token will be removed when you save.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(requests.find((r) => r.method === 'PUT')?.body).toEqual({ CodeRepoAccessToken: '' });
  });

  it('412: tells the user someone else changed it, and reloads their changes', async () => {
    let theirs = false;
    const { requests } = stubFetch(
      on('GET', apiPaths.codeSource(source.CodeSourceId), () =>
        theirs
          ? { body: { ...source, Description: 'Changed by someone else', RequestId: 'r' }, headers: { etag: '"4"' } }
          : { body: { ...source, RequestId: 'r' }, headers: { etag: '"3"' } },
      ),
      on('PUT', apiPaths.codeSource(source.CodeSourceId), () => {
        theirs = true;
        return { status: 412, body: { Code: 'PreconditionFailed', Message: 'stale', RequestId: 'r' } };
      }),
    );
    const { user } = renderForm(target);
    await user.type(await screen.findByLabelText('Description'), ' more');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Someone else changed this code configuration')).toBeInTheDocument();
    // The alert sits above a long form: focus moves to it, so the user (and a screen reader) is taken there.
    await waitFor(() => expect(alert.parentElement?.contains(document.activeElement) || document.activeElement?.contains(alert)).toBe(true));
    expect(requests.find((r) => r.method === 'PUT')?.headers.get('if-match')).toBe('"3"');
    await user.click(within(alert).getByRole('button', { name: 'Reload their changes' }));
    await waitFor(() => expect(screen.getByLabelText('Description')).toHaveValue('Changed by someone else'));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('duplicate', () => {
  it('opens the create form pre-filled from the source, name suffixed, token not copied', async () => {
    const { requests } = stubFetch(on('POST', apiPaths.codeSources, () => ({ body: { CodeSourceId: 'code-dup', RequestId: 'r' } })));
    const source = codeSourceFixture();
    const { user, onSaved } = renderForm({ kind: 'duplicate', source });
    expect(screen.getByLabelText('Name')).toHaveValue('bert-finetune-copy');
    expect(screen.getByLabelText('Access Token')).toHaveValue('');
    expect(source.HasCodeRepoAccessToken).toBe(true);
    expect(screen.getByText(/The access token of the original is not copied/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith('code-dup', 'duplicate'));
    const body = requests.find((r) => r.method === 'POST')?.body as Record<string, unknown>;
    expect(body).toMatchObject({ DisplayName: 'bert-finetune-copy', CodeRepo: source.CodeRepo, CodeBranch: 'release/2.3', MountPath: '/root/code/bert/', CodeRepoUserName: 'bob' });
    expect(body).not.toHaveProperty('CodeRepoAccessToken');
  });
});

describe('the pure form, field by field from its descriptors', () => {
  it('renders every descriptor with its label and help, and counts the name in code points', async () => {
    const { CodeSourceForm } = await import('./code-source-form');
    const { FORM_FIELD_DESCRIPTORS, emptyFormValues } = await import('./form-values');
    const { en } = await import('@/lib/i18n/en');
    renderConsole(<CodeSourceForm mode="create" defaultValues={emptyFormValues} onSubmit={() => {}} onCancel={() => {}} isSubmitting={false} />);
    for (const field of FORM_FIELD_DESCRIPTORS) {
      // Advanced fields are rendered folded away (hidden until "Advanced" is opened).
      const hidden = 'advanced' in field && field.advanced;
      const control = field.input === 'choice' ? screen.getByRole('radiogroup', { name: en[field.label], hidden }) : screen.getByLabelText(en[field.label]);
      expect(control).toHaveAttribute('id', `code-source-${field.name}`);
      if ('help' in field) expect(screen.getByText(en[field.help])).toBeInTheDocument();
    }
    await userEvent.setup().type(screen.getByLabelText('Name'), '名前-𝔘');
    // Four code points (the last is two UTF-16 units).
    expect(screen.getByText('4 / 128')).toBeInTheDocument();
  });

  it('puts a server field error handed over by the mutation\'s onError on its field, and any other above the form', async () => {
    const { CodeSourceForm } = await import('./code-source-form');
    const { emptyFormValues } = await import('./form-values');
    const { ApiError } = await import('@/lib/api-client');
    let next: unknown = new ApiError(400, { Code: 'InvalidParameter', Message: 'bad', Field: 'CodeBranch', Rule: 'invalid_branch', RequestId: 'r1' });
    const user = userEvent.setup();
    renderConsole(
      <CodeSourceForm
        mode="create"
        defaultValues={{ ...emptyFormValues, DisplayName: 'n', CodeRepo: 'https://github.com/org/n.git' }}
        onSubmit={(_values, { showServerError }) => showServerError(next)}
        onCancel={() => {}}
        isSubmitting={false}
      />,
    );
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await problemOf('Code Branch')).toBe('Not a valid Git branch name');
    expect(screen.getByLabelText('Code Branch')).toHaveFocus();
    expect(screen.queryByRole('alert')).toBeNull();
    next = new ApiError(500, { Code: 'InternalError', Message: 'x', RequestId: 'req-500' });
    await user.click(screen.getByRole('button', { name: 'Create' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('req-500')).toBeInTheDocument();
  });
});
