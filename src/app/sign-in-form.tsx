import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Input } from 'antd';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n/i18n';
import { errorText } from '@/lib/i18n/error-text';
import { signIn } from '@/lib/session.api';
import type { SessionInfo } from '@/shared/session.schema';

/**
 * User name and password, the sign-in call and its failures (wrong password, throttled) in the user's language.
 * What happens after a sign-in is the caller's: the sign-in page goes back where the user was, the dialog over an
 * expired session keeps the page.
 */
export function SignInForm({
  onSignedIn,
  initialUserName = '',
  primary = true,
  notice,
}: {
  onSignedIn: (session: SessionInfo) => void;
  initialUserName?: string;
  primary?: boolean;
  /** Shown above the fields while there is no failure to show. */
  notice?: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const [userName, setUserName] = useState(initialUserName);
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ user?: boolean; password?: boolean }>({});
  const mutation = useMutation({ mutationFn: signIn, onSuccess: onSignedIn });

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
  const userId = `${id}-user`;
  const passwordId = `${id}-password`;

  return (
    <>
      {!failure && notice}
      {failure && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={failure} />}
      <form onSubmit={submit} noValidate aria-label={t('signIn.title')}>
        <div className="field">
          <label htmlFor={userId} className="field-label">
            {t('signIn.userName')}
          </label>
          <Input
            id={userId}
            prefix={<UserOutlined aria-hidden />}
            autoComplete="username"
            value={userName}
            onChange={(e) => setUserName(e.target.value)}
            autoFocus={initialUserName === ''}
            status={missing.user ? 'error' : undefined}
            aria-invalid={missing.user || undefined}
            aria-describedby={missing.user ? `${userId}-help` : undefined}
          />
          {missing.user && (
            <div id={`${userId}-help`} className="field-error">
              {t('rule.required')}
            </div>
          )}
        </div>
        <div className="field">
          <label htmlFor={passwordId} className="field-label">
            {t('signIn.password')}
          </label>
          <Input.Password
            id={passwordId}
            prefix={<LockOutlined aria-hidden />}
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoFocus={initialUserName !== ''}
            status={missing.password ? 'error' : undefined}
            aria-invalid={missing.password || undefined}
            aria-describedby={missing.password ? `${passwordId}-help` : undefined}
          />
          {missing.password && (
            <div id={`${passwordId}-help`} className="field-error">
              {t('rule.required')}
            </div>
          )}
        </div>
        <Button type={primary ? 'primary' : 'default'} htmlType="submit" block loading={mutation.isPending}>
          {t('signIn.submit')}
        </Button>
      </form>
    </>
  );
}
