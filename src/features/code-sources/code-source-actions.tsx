import { DownOutlined } from '@ant-design/icons';
import { Space, type MenuProps } from 'antd';
import { Link } from 'react-router';
import type { CodeSource } from '@/shared/code-source.schema';
import type { Workspace } from '@/lib/session.api';
import { useBackendMode } from '@/lib/backend-mode';
import { errorText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { useFeedback } from '@/components/feedback';
import { MenuButton } from '@/components/menu-button';
import { ReasonedButton } from '@/components/reasoned-button';
import { useDeleteCodeSource, useSetVisibility } from './code-sources.queries';
import { abilitiesFor } from './permissions';

/** Make public / make private / delete, each with its confirmation and toast. */
export function useCodeSourceActions() {
  const { confirm, message } = useFeedback();
  const { t } = useI18n();
  const setVisibility = useSetVisibility();
  const remove = useDeleteCodeSource();
  const { upstream } = useBackendMode();

  // Both directions are confirmed: making it private can break other members' training jobs. Upstream, making it
  // public is for good (PAI cannot unpublish), and the confirmation says so.
  const confirmVisibility = (item: CodeSource, visibility: 'PUBLIC' | 'PRIVATE') => {
    const key = visibility === 'PUBLIC' ? 'publish' : 'unpublish';
    confirm({
      title: t(`${key}.confirmTitle`, { name: item.DisplayName }),
      content: upstream && visibility === 'PUBLIC' ? t('upstream.publishText') : t(`${key}.confirmText`),
      okText: t(`${key}.ok`),
      cancelText: t('common.cancel'),
      onOk: () =>
        setVisibility.mutateAsync({ item, visibility }).then(
          () => void message.success(t(`${key}.done`, { name: item.DisplayName })),
          (error: unknown) => void message.error(errorText(error, t)),
        ),
    });
  };
  const makePublic = (item: CodeSource) => confirmVisibility(item, 'PUBLIC');
  const makePrivate = (item: CodeSource) => confirmVisibility(item, 'PRIVATE');

  const confirmDelete = (item: CodeSource, onDeleted?: () => void) =>
    confirm({
      title: t('delete.confirmTitle', { name: item.DisplayName }),
      content: t('delete.confirmText'),
      okText: t('delete.ok'),
      danger: true,
      cancelText: t('common.cancel'),
      onOk: () =>
        remove.mutateAsync(item).then(
          () => {
            void message.success(t('delete.done', { name: item.DisplayName }));
            onDeleted?.();
          },
          (error: unknown) => void message.error(errorText(error, t)),
        ),
    });

  /** From the moment its delete is sent, a code source's details must not be fetched again (they would be a 404). */
  const isDeleting = (id: string) => remove.variables?.CodeSourceId === id && (remove.isPending || remove.isSuccess);

  return { makePublic, makePrivate, confirmDelete, isDeleting, upstream };
}

export interface RowActionsProps {
  item: CodeSource;
  workspace: Workspace | undefined;
  userId: string | undefined;
  detailsHref: string;
  onEdit: (item: CodeSource) => void;
  onDuplicate: (item: CodeSource) => void;
  /** "Transfer owner…", offered to admins only. */
  onTransfer: (item: CodeSource) => void;
  actions: ReturnType<typeof useCodeSourceActions>;
}

/** A row's actions: what the role cannot do is disabled, with the reason in words in the menu; a guest sees only "Details". */
export function RowActions({ item, workspace, userId, detailsHref, onEdit, onDuplicate, onTransfer, actions }: RowActionsProps) {
  const { t } = useI18n();
  const can = abilitiesFor(item, workspace, userId);
  if (!can.duplicate.allowed && !can.manage.allowed) {
    return (
      <Link to={detailsHref} aria-label={t('action.detailsOf', { name: item.DisplayName })}>
        {t('action.details')}
      </Link>
    );
  }
  const reason = can.manage.reason ? t(can.manage.reason) : undefined;
  const duplicateReason = can.duplicate.reason ? t(can.duplicate.reason) : undefined;
  // Why an action is disabled is said in words inside the menu, not only on hover: keyboard users cannot hover, and
  // cannot focus a disabled control. The disabled items point at it (aria-describedby) for screen readers.
  const reasonId = `actions-reason-${item.CodeSourceId}`;
  const reasons = [...new Set([duplicateReason, reason].filter((r): r is string => r !== undefined))];
  const describedBy = (allowed: boolean) => (allowed ? undefined : { 'aria-describedby': reasonId });
  const isPublic = item.Accessibility === 'PUBLIC';
  // Upstream: PAI cannot make a public code source private again, nor hand it to another owner.
  const noUnpublish = actions.upstream && isPublic;
  const items = (): MenuProps['items'] => [
    {
      key: 'duplicate',
      label: t('action.duplicate'),
      disabled: !can.duplicate.allowed,
      ...describedBy(can.duplicate.allowed),
      onClick: () => onDuplicate(item),
    },
    ...(noUnpublish
      ? [
          {
            key: 'no-unpublish',
            type: 'group' as const,
            label: <span className="menu-reason">{t('upstream.noUnpublish')}</span>,
          },
        ]
      : [
          {
            key: 'visibility',
            label: isPublic ? t('action.makePrivate') : t('action.makePublic'),
            disabled: !can.manage.allowed,
            ...describedBy(can.manage.allowed),
            onClick: () => void (isPublic ? actions.makePrivate(item) : actions.makePublic(item)),
          },
        ]),
    ...(can.transfer.allowed && !actions.upstream
      ? [{ key: 'transfer', label: t('action.transferOwner'), onClick: () => onTransfer(item) }]
      : []),
    { type: 'divider' },
    {
      key: 'delete',
      label: t('action.delete'),
      danger: can.manage.allowed,
      disabled: !can.manage.allowed,
      ...describedBy(can.manage.allowed),
      onClick: () => void actions.confirmDelete(item),
    },
    ...(reasons.length > 0
      ? [
          { type: 'divider' as const },
          {
            key: 'reason',
            type: 'group' as const,
            label: (
              <span id={reasonId} className="menu-reason">
                {reasons.join(' · ')}
              </span>
            ),
          },
        ]
      : []),
  ];
  return (
    <Space size={0} wrap={false}>
      <ReasonedButton
        type="link"
        size="small"
        reason={reason}
        onClick={() => onEdit(item)}
        aria-label={t('action.editOf', { name: item.DisplayName })}
      >
        {t('action.edit')}
      </ReasonedButton>
      <MenuButton type="link" size="small" aria-label={t('action.moreOf', { name: item.DisplayName })} items={items}>
        {t('action.more')} <DownOutlined aria-hidden />
      </MenuButton>
    </Space>
  );
}
