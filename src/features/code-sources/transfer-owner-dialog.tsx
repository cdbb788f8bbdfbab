import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Modal, Select, Skeleton, Tag, Typography } from 'antd';
import { useId, useState } from 'react';
import { isAdmin, isGuestOnly } from '@/shared/roles';
import type { CodeSource } from '@/shared/code-source.schema';
import { ApiError, type ApiOutput } from '@/lib/api-client';
import { errorText } from '@/lib/i18n/error-text';
import { useI18n, type Translate } from '@/lib/i18n/i18n';
import { useFeedback } from '@/components/feedback';
import { ErrorState } from '@/components/error-state';
import { codeSourceDetailQuery, codeSourceKeys, useTransferOwner, workspaceMembersQuery } from './code-sources.queries';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

type Member = ApiOutput<'ListWorkspaceMembers'>['Members'][number];

export interface TransferOwnerDialogProps {
  item: CodeSource;
  onClose: () => void;
}

function roleText(member: Member, t: Translate): string {
  if (member.Roles.includes('PAI.WorkspaceOwner')) return t('role.owner');
  if (isAdmin(member.Roles)) return t('role.admin');
  if (isGuestOnly(member.Roles)) return t('role.guest');
  return t('role.developer');
}

/**
 * "Transfer owner…" (admins): a member picker — members who cannot own code sources are shown, disabled, with the
 * reason — and the transfer, guarded by If-Match with the ETag read when the dialog opened. Loaded lazily.
 */
export default function TransferOwnerDialog({ item, onClose }: TransferOwnerDialogProps) {
  const { t } = useI18n();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(true);
  const [userId, setUserId] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const pickerId = useId();
  const detail = useQuery(codeSourceDetailQuery(item.WorkspaceId, item.CodeSourceId));
  const members = useQuery(workspaceMembersQuery(item.WorkspaceId));
  const transfer = useTransferOwner();
  const current = detail.data?.codeSource ?? item;

  const submit = async () => {
    const picked = members.data?.find((m) => m.UserId === userId);
    if (!picked || !detail.data) return;
    setFailure(undefined);
    try {
      await transfer.mutateAsync({ item, userId: picked.UserId, etag: detail.data.etag });
      void message.success(t('transfer.done', { name: current.DisplayName, user: picked.UserName }));
      setOpen(false);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PreconditionFailed') {
        // Read it again: the dialog then shows the owner as it is now, and a second try quotes the new ETag.
        await queryClient.invalidateQueries({ queryKey: codeSourceKeys.detail(item.WorkspaceId, item.CodeSourceId) });
        setFailure(t('transfer.changed'));
      } else if (error instanceof ApiError && error.rule === 'not_eligible_owner') {
        setFailure(t('transfer.cannotOwn'));
      } else {
        setFailure(errorText(error, t));
      }
    }
  };

  const options = (members.data ?? []).map((member) => {
    const reason =
      member.UserId === current.UserId ? t('transfer.currentOwner') : member.CanOwnCodeSources ? undefined : t('transfer.cannotOwn');
    return {
      value: member.UserId,
      name: member.UserName,
      title: member.UserName,
      disabled: reason !== undefined,
      label: (
        <span className="member-option">
          <span>{member.UserName}</span>
          <Tag style={{ marginInlineStart: 6 }}>{roleText(member, t)}</Tag>
          {reason && <span className="muted"> — {reason}</span>}
        </span>
      ),
    };
  });

  return (
    <Modal
      open={open}
      title={t('transfer.title', { name: item.DisplayName })}
      okText={t('transfer.ok')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: userId === undefined || !detail.data }}
      confirmLoading={transfer.isPending}
      afterClose={onClose}
      width={480}
      mask={{ closable: false }}
      onCancel={() => setOpen(false)}
      onOk={() => void submit()}
    >
      {detail.isError || members.isError ? (
        <ErrorState error={detail.error ?? members.error} onRetry={() => void Promise.all([detail.refetch(), members.refetch()])} />
      ) : !detail.data || !members.data ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : (
        <>
          <Typography.Paragraph>
            {t('transfer.currentIs', { user: current.UserName })} {t('transfer.text')}
          </Typography.Paragraph>
          <Form layout="vertical" component="div">
            <Form.Item label={t('transfer.newOwner')} htmlFor={pickerId} required>
              <Select
                id={pickerId}
                value={userId}
                placeholder={t('transfer.pick')}
                onChange={(value: string) => setUserId(value)}
                showSearch={{ optionFilterProp: 'name' }}
                options={options}
              />
            </Form.Item>
          </Form>
          {failure && <Alert type="error" showIcon title={failure} />}
        </>
      )}
    </Modal>
  );
}
