import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Divider, Skeleton } from 'antd';
import { useLayoutEffect } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { SessionInfo } from '@/shared/session.schema';
import { useI18n } from '@/lib/i18n/i18n';
import { sessionKeys, sessionQuery } from '@/lib/session.api';
import { removeAppShell } from './app-shell';
import { LanguageSwitch } from './language-switch';
import { SignInForm } from './sign-in-form';
import { forgetUserData } from './user-data';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/** Only paths of this console: never another origin (`//evil`), never a protocol. */
export function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/code-sources';
  return value;
}

/**
 * Sign in with user name and password (upstream: the user's PAI AccessKey); afterwards back to where the user was. With a live session (a bookmark,
 * a second tab) it offers to continue as that user, or to sign in as another, which replaces the session.
 */
export function SignInPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [searchParams] = useSearchParams();
  const returnTo = safeReturnTo(searchParams.get('returnTo'));
  const session = useQuery(sessionQuery());
  // The list's static frame never belongs above this page (however the page was reached).
  useLayoutEffect(removeAppShell, []);
  const current = session.data?.SignedIn ? session.data.UserName : undefined;
  const onSignedIn = (signedIn: SessionInfo) => {
    // The server ended any previous session; nothing cached for it may show under the new user.
    forgetUserData(queryClient);
    queryClient.setQueryData(sessionKeys.session(), signedIn);
    void navigate(returnTo, { replace: true });
  };

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
          {session.data?.Mode === 'Upstream' ? t('signIn.upstreamSubtitle') : t('signIn.subtitle')}
        </p>
        {current !== undefined && (
          <section aria-label={t('signIn.current')}>
            <p style={{ marginTop: 0 }}>{t('signIn.signedInAs', { name: current })}</p>
            <Button type="primary" block onClick={() => void navigate(returnTo, { replace: true })}>
              {t('signIn.continueAs', { name: current })}
            </Button>
            <Divider plain>{t('signIn.orAnother')}</Divider>
          </section>
        )}
        {/* Which fields to ask for is the server's mode, which the session answer says. */}
        {session.isPending ? (
          <Skeleton active title={false} paragraph={{ rows: 4 }} />
        ) : (
          <SignInForm
            onSignedIn={onSignedIn}
            primary={current === undefined}
            notice={
              searchParams.get('expired') === '1' ? (
                <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('signIn.expired')} />
              ) : undefined
            }
          />
        )}
      </div>
    </main>
  );
}
