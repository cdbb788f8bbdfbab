import { Modal } from 'antd';
import { useI18n } from '@/lib/i18n/i18n';
import type { SessionInfo } from '@/shared/session.schema';
import { SignInForm } from './sign-in-form';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/**
 * Over the page when the session ends while the user works (a 401): the page stays mounted under it, so an open
 * form keeps what was typed. It cannot be dismissed — every request would fail without a session. Loaded lazily.
 */
export default function SessionExpiredDialog({ userName, onSignedIn }: { userName: string; onSignedIn: (session: SessionInfo) => void }) {
  const { t } = useI18n();
  return (
    <Modal open title={t('session.expiredTitle')} closable={false} mask={{ closable: false }} keyboard={false} footer={null} width={420}>
      <p style={{ marginTop: 0 }}>{t('session.expiredText', { name: userName })}</p>
      <SignInForm initialUserName={userName} onSignedIn={onSignedIn} />
    </Modal>
  );
}
