import { KeyOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Input } from 'antd';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '@/lib/api-client';
import { useBackendMode } from '@/lib/backend-mode';
import { useI18n, type Translate } from '@/lib/i18n/i18n';
import { errorText, isForeignCode, ruleText } from '@/lib/i18n/error-text';
import type { MessageKey } from '@/lib/i18n/en';
import { signIn } from '@/lib/session.api';
import type { SessionInfo } from '@/shared/session.schema';

/** The two fields of the form: user name and password, or (upstream) the user's PAI AccessKey. */
interface FieldPair {
  first: { name: string; label: MessageKey; autoComplete: string; icon: ReactNode };
  second: { name: string; label: MessageKey; autoComplete: string; icon: ReactNode };
}
const PASSWORD: FieldPair = {
  first: { name: 'UserName', label: 'signIn.userName', autoComplete: 'username', icon: <UserOutlined aria-hidden /> },
  second: { name: 'Password', label: 'signIn.password', autoComplete: 'current-password', icon: <LockOutlined aria-hidden /> },
};
// The browser must not offer to remember an AccessKey: it is a long-lived credential, not a password of this site.
const ACCESS_KEY: FieldPair = {
  first: { name: 'AccessKeyId', label: 'signIn.accessKeyId', autoComplete: 'off', icon: <KeyOutlined aria-hidden /> },
  second: { name: 'AccessKeySecret', label: 'signIn.accessKeySecret', autoComplete: 'off', icon: <LockOutlined aria-hidden /> },
};

/** PAI's answers to a refused AccessKey, in the user's language (the Code and PAI's Message follow underneath). */
const KEY_REFUSED: Record<string, MessageKey> = {
  'InvalidAccessKeyId.NotFound': 'signIn.keyNotFound',
  'InvalidAccessKeyId.Inactive': 'signIn.keyInactive',
  SignatureDoesNotMatch: 'signIn.keyMismatch',
};

/** Upstream: why the sign-in failed — the console's words, and what PAI (or the server) said, with its Code. */
function upstreamFailure(error: unknown, endpoint: string, t: Translate): { title: string; detail?: string } {
  if (!(error instanceof ApiError)) return { title: errorText(error, t) };
  const said =
    error.message !== '' && error.code !== 'NetworkError'
      ? t('signIn.serverSaid', { code: error.code, message: error.message })
      : undefined;
  const refused = KEY_REFUSED[error.code];
  if (refused) return { title: t(refused), detail: said };
  if (error.code === 'Upstream.Unavailable' || (error.status === 502 && !isForeignCode(error.code)))
    return { title: t('signIn.upstreamUnavailable', { endpoint }), detail: said };
  if (error.code === 'Upstream.Timeout' || (error.status === 504 && !isForeignCode(error.code)))
    return { title: t('signIn.upstreamTimeout', { endpoint }), detail: said };
  // A code of PAI's the console has no words for: PAI's Message with the Code (errorText does exactly that).
  return { title: errorText(error, t) };
}

/**
 * User name and password — or, when the server runs in front of PAI (upstream mode), the user's AccessKey ID and
 * secret — the sign-in call and its failures in the user's language. What happens after a sign-in is the caller's:
 * the sign-in page goes back where the user was, the dialog over an expired session keeps the page.
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
  const { upstream, endpoint = '' } = useBackendMode();
  const fields = upstream ? ACCESS_KEY : PASSWORD;
  // An AccessKey is never prefilled (the expired dialog knows a user name, not a key).
  const initialFirst = upstream ? '' : initialUserName;
  const [first, setFirst] = useState(initialFirst);
  const [second, setSecond] = useState('');
  const [missing, setMissing] = useState<{ first?: boolean; second?: boolean }>({});
  const mutation = useMutation({ mutationFn: signIn, onSuccess: onSignedIn });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { first: first.trim() === '', second: second === '' };
    setMissing(next);
    if (next.first || next.second) return;
    mutation.mutate(upstream ? { AccessKeyId: first.trim(), AccessKeySecret: second } : { UserName: first.trim(), Password: second });
  };

  const error = mutation.error;
  // Upstream, a field the server found fault with (e.g. an AccessKey ID that is too long) is said beside it.
  const serverField = upstream && error instanceof ApiError && error.field && error.rule ? error.field : undefined;
  const fieldError = (name: string) =>
    missing[name === fields.first.name ? 'first' : 'second']
      ? t('rule.required')
      : serverField === name && error instanceof ApiError
        ? ruleText(error.rule, name, t)
        : undefined;
  let failure: { title: string; detail?: string } | undefined;
  if (!error || (serverField && (serverField === fields.first.name || serverField === fields.second.name))) failure = undefined;
  else if (upstream) failure = upstreamFailure(error, endpoint, t);
  else
    failure = {
      title:
        error instanceof ApiError && error.code === 'Unauthenticated.InvalidCredentials'
          ? t('signIn.invalid')
          : error instanceof ApiError && error.status === 429
            ? t('error.code.Throttling')
            : errorText(error, t),
    };

  const field = (which: 'first' | 'second', value: string, onChange: (value: string) => void) => {
    const spec = fields[which];
    const inputId = `${id}-${spec.name}`;
    const problem = fieldError(spec.name);
    const common = {
      id: inputId,
      prefix: spec.icon,
      autoComplete: spec.autoComplete,
      value,
      onChange: (e: { target: { value: string } }) => onChange(e.target.value),
      autoFocus: which === 'first' ? initialFirst === '' : initialFirst !== '',
      status: problem ? ('error' as const) : undefined,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': problem ? `${inputId}-help` : undefined,
    };
    return (
      <div className="field">
        <label htmlFor={inputId} className="field-label">
          {t(spec.label)}
        </label>
        {which === 'first' ? <Input {...common} spellCheck={upstream ? false : undefined} /> : <Input.Password {...common} />}
        {problem && (
          <div id={`${inputId}-help`} className="field-error">
            {problem}
          </div>
        )}
      </div>
    );
  };

  return (
    <>
      {upstream && <p className="muted">{t('signIn.upstreamNote', { endpoint })}</p>}
      {!failure && notice}
      {failure && (
        <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={failure.title} description={failure.detail} />
      )}
      <form onSubmit={submit} noValidate aria-label={t('signIn.title')}>
        {field('first', first, setFirst)}
        {field('second', second, setSecond)}
        <Button type={primary ? 'primary' : 'default'} htmlType="submit" block loading={mutation.isPending}>
          {t('signIn.submit')}
        </Button>
      </form>
    </>
  );
}
