import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Divider, Input } from 'antd';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n/i18n';
import { errorText } from '@/lib/i18n/error-text';
import { sessionKeys, sessionQuery, signIn } from '@/lib/session.api';
import { LanguageSwitch } from './language-switch';
import { forgetUserData } from './user-data';

/** Only paths of this console: never another origin (`//evil`), never a protocol. */
export function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/code-sources';
  return value;
}

/**
 * Sign in with user name and password; afterwards back to where the user was. With a live session (a bookmark,
 * a second tab) it offers to continue as that user, or to sign in as another, which replaces the session.
 */
export function SignInPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [searchParams] = useSearchParams();
  const returnTo = safeReturnTo(searchParams.get('returnTo'));
  const session = useQuery(sessionQuery());
  const current = session.data?.SignedIn ? session.data.UserName : undefined;
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ user?: boolean; password?: boolean }>({});
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: (signedIn) => {
      // The server ended any previous session; nothing cached for it may show under the new user.
      forgetUserData(queryClient);
      queryClient.setQueryData(sessionKeys.session(), signedIn);
      void navigate(returnTo, { replace: true });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { user: userName.trim() === '', password: password === '' };
    setMissing(next);
    if (next.user || next.password) return;
    mutation.mutate({ UserName: userName.trim(), Password: password });
  };

  const error = mutation.error;
  const failure =
    error instanceof ApiError && error.code === 'Unauthenticated.InvalidCredentials'
      ? t('signIn.invalid')
      : error instanceof ApiError && error.status === 429
        ? t('error.code.Throttling')
        : error
          ? errorText(error, t)
          : undefined;

  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 8 }}>
          <strong>{t('app.product')}</strong>
          <LanguageSwitch />
        </div>
        <h1 className="page-title" style={{ marginTop: 8 }}>
          {t('signIn.title')}
        </h1>
        <p className="page-intro" style={{ marginBottom: 16 }}>
          {t('signIn.subtitle')}
        </p>
        {searchParams.get('expired') === '1' && !failure && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('signIn.expired')} />
        )}
        {failure && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={failure} />}
        {current !== undefined && (
          <section aria-label={t('signIn.current')}>
            <p style={{ marginTop: 0 }}>{t('signIn.signedInAs', { name: current })}</p>
            <Button type="primary" block onClick={() => void navigate(returnTo, { replace: true })}>
              {t('signIn.continueAs', { name: current })}
            </Button>
            <Divider plain>{t('signIn.orAnother')}</Divider>
          </section>
        )}
        <form onSubmit={submit} noValidate aria-label={t('signIn.title')}>
          <div className="field">
            <label htmlFor="sign-in-user" className="field-label">
              {t('signIn.userName')}
            </label>
            <Input
              id="sign-in-user"
              prefix={<UserOutlined aria-hidden />}
              autoComplete="username"
              value={userName}
              onChange={(e) => setUserName(e.target.value)}
              autoFocus
              status={missing.user ? 'error' : undefined}
              aria-invalid={missing.user || undefined}
              aria-describedby={missing.user ? 'sign-in-user-help' : undefined}
            />
            {missing.user && (
              <div id="sign-in-user-help" className="field-error">
                {t('rule.required')}
              </div>
            )}
          </div>
          <div className="field">
            <label htmlFor="sign-in-password" className="field-label">
              {t('signIn.password')}
            </label>
            <Input.Password
              id="sign-in-password"
              prefix={<LockOutlined aria-hidden />}
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              status={missing.password ? 'error' : undefined}
              aria-invalid={missing.password || undefined}
              aria-describedby={missing.password ? 'sign-in-password-help' : undefined}
            />
            {missing.password && (
              <div id="sign-in-password-help" className="field-error">
                {t('rule.required')}
              </div>
            )}
          </div>
          <Button type={current === undefined ? 'primary' : 'default'} htmlType="submit" block loading={mutation.isPending}>
            {t('signIn.submit')}
          </Button>
        </form>
      </div>
    </main>
  );
}
