import { useQuery } from '@tanstack/react-query';
import { useEffect, useEffectEvent } from 'react';
import { Button, Descriptions, Drawer, Skeleton, Space, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { CodeSource } from '@/shared/code-source.schema';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n/i18n';
import type { Workspace } from '@/lib/session.api';
import { CodeSnippet, CopyButton } from '@/components/copy-button';
import { ErrorState } from '@/components/error-state';
import { StatusPanel } from '@/components/status-panel';
import { LocalTime } from '@/components/local-time';
import { useCodeSourceActions } from './code-source-actions';
import { VisibilityTag } from './code-source-columns';
import { CodeSourceHistory } from './code-source-history';
import { codeSourceDetailQuery } from './code-sources.queries';
import { GitRemoteCheck } from './git-remote-check';
import { abilitiesFor } from './permissions';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

export interface CodeSourceDetailsDrawerProps {
  id: string;
  workspaceId: string;
  workspace: Workspace | undefined;
  userId: string | undefined;
  onClose: () => void;
  /** The item belongs to another workspace than `workspaceId` (a link naming the wrong one): show it there instead. */
  onOtherWorkspace: (workspaceId: string) => void;
  onEdit: (item: CodeSource) => void;
  onDuplicate: (item: CodeSource) => void;
  /** "Transfer owner…" (admins). */
  onTransfer: (item: CodeSource) => void;
}

/** How a training job refers to this code source (DLC's CodeSource block). */
export function trainingJobSnippet(item: CodeSource): string {
  const ref = item.CodeCommit ? { Commit: item.CodeCommit } : { Branch: item.CodeBranch };
  return JSON.stringify({ CodeSource: { CodeSourceId: item.CodeSourceId, ...ref, MountPath: item.MountPath } }, null, 2);
}

/** The details drawer, at its own URL. Loaded lazily. */
export default function CodeSourceDetailsDrawer({
  id,
  workspaceId,
  workspace,
  userId,
  onClose,
  onOtherWorkspace,
  onEdit,
  onDuplicate,
  onTransfer,
}: CodeSourceDetailsDrawerProps) {
  const { t } = useI18n();
  const actions = useCodeSourceActions();
  const detail = useQuery({ ...codeSourceDetailQuery(workspaceId, id), enabled: !actions.isDeleting(id) });
  const loaded = detail.data?.codeSource;
  // Only the item's own workspace decides what is shown and allowed; under another one nothing of it is shown.
  const elsewhere = loaded && loaded.WorkspaceId !== workspaceId ? loaded.WorkspaceId : undefined;
  const item = elsewhere ? undefined : loaded;
  const moveTo = useEffectEvent((other: string) => onOtherWorkspace(other));
  useEffect(() => {
    if (elsewhere) moveTo(elsewhere);
  }, [elsewhere]);
  const can = item ? abilitiesFor(item, workspace, userId) : undefined;
  const reason = can?.manage.reason ? t(can.manage.reason) : undefined;
  const readOnly = can ? !can.manage.allowed && !can.duplicate.allowed : true;
  // Upstream (PAI): no Make private for a public one, no owner transfer, no history.
  const { upstream } = actions;
  const noUnpublish = upstream && item?.Accessibility === 'PUBLIC';

  const footer =
    item && can && !readOnly ? (
      <Space wrap>
        <Tooltip title={reason}>
          <Button type="primary" disabled={!can.manage.allowed} onClick={() => onEdit(item)}>
            {t('action.edit')}
          </Button>
        </Tooltip>
        <Tooltip title={can.duplicate.reason ? t(can.duplicate.reason) : undefined}>
          <Button disabled={!can.duplicate.allowed} onClick={() => onDuplicate(item)}>
            {t('action.duplicate')}
          </Button>
        </Tooltip>
        {!noUnpublish && (
          <Tooltip title={reason}>
            <Button
              disabled={!can.manage.allowed}
              onClick={() => void (item.Accessibility === 'PUBLIC' ? actions.makePrivate(item) : actions.makePublic(item))}
            >
              {item.Accessibility === 'PUBLIC' ? t('action.makePrivate') : t('action.makePublic')}
            </Button>
          </Tooltip>
        )}
        {can.transfer.allowed && !upstream && <Button onClick={() => onTransfer(item)}>{t('action.transferOwner')}</Button>}
        <Tooltip title={reason}>
          <Button danger disabled={!can.manage.allowed} onClick={() => void actions.confirmDelete(item, onClose)}>
            {t('action.delete')}
          </Button>
        </Tooltip>
        {/* The reason in words too, not only on hover: keyboard users cannot focus a disabled button. */}
        {reason && <Typography.Text type="secondary">{reason}</Typography.Text>}
      </Space>
    ) : undefined;

  return (
    <Drawer
      open
      title={<span className="drawer-title">{item?.DisplayName ?? t('details.title')}</span>}
      size={640}
      onClose={onClose}
      footer={footer}
      destroyOnHidden
    >
      {detail.isPending || elsewhere ? (
        <Skeleton active paragraph={{ rows: 12 }} />
      ) : detail.isError ? (
        detail.error instanceof ApiError && detail.error.status === 404 ? (
          <StatusPanel
            status="warning"
            title={t('details.notFound')}
            actions={<Button onClick={onClose}>{t('details.backToList')}</Button>}
          >
            {t('details.notFoundText')}
          </StatusPanel>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )
      ) : item ? (
        <Tabs
          aria-label={t('details.tabs')}
          defaultActiveKey="details"
          destroyOnHidden
          items={[
            {
              key: 'details',
              label: t('details.tabDetails'),
              // The stored-credentials check reads the token from this server's database; upstream the token is
              // PAI's, so only the form's check (with the token typed) is offered.
              children: <DetailsBody item={item} canCheck={!upstream && (can?.manage.allowed ?? false)} noUnpublish={noUnpublish} />,
            },
            // Rendered (and its history asked for) only while the tab is open; PAI keeps none, which the tab says.
            {
              key: 'history',
              label: t('details.tabHistory'),
              children: upstream ? (
                <Typography.Paragraph type="secondary">{t('upstream.noHistory')}</Typography.Paragraph>
              ) : (
                <CodeSourceHistory workspaceId={workspaceId} id={item.CodeSourceId} />
              ),
            },
          ]}
        />
      ) : null}
    </Drawer>
  );
}

function DetailsBody({ item, canCheck, noUnpublish }: { item: CodeSource; canCheck: boolean; noUnpublish: boolean }) {
  const { t } = useI18n();
  const snippet = trainingJobSnippet(item);
  return (
    <>
      <Descriptions
        column={1}
        size="small"
        bordered
        styles={{ label: { width: 170 } }}
        items={[
          { key: 'name', label: t('field.name'), children: item.DisplayName },
          {
            key: 'id',
            label: t('col.id'),
            children: (
              <Space size={4}>
                <span className="mono">{item.CodeSourceId}</span>
                <CopyButton text={item.CodeSourceId} label={t('common.copyId')} />
              </Space>
            ),
          },
          {
            key: 'description',
            label: t('field.description'),
            children: item.Description || <Typography.Text type="secondary">—</Typography.Text>,
          },
          {
            key: 'visibility',
            label: t('field.visibility'),
            children: noUnpublish ? (
              <Space direction="vertical" size={2}>
                <VisibilityTag value={item.Accessibility} t={t} />
                <Typography.Text type="secondary">{t('upstream.noUnpublish')}</Typography.Text>
              </Space>
            ) : (
              <VisibilityTag value={item.Accessibility} t={t} />
            ),
          },
          {
            key: 'repo',
            label: t('field.codeRepo'),
            children: (
              <Space size={4} align="start">
                <span className="mono break">{item.CodeRepo}</span>
                <CopyButton text={item.CodeRepo} label={t('common.copyRepo')} />
              </Space>
            ),
          },
          {
            key: 'branch',
            label: t('field.codeBranch'),
            children: item.CodeCommit ? (
              <Typography.Text delete={!!item.CodeBranch}>{item.CodeBranch || '—'}</Typography.Text>
            ) : (
              item.CodeBranch
            ),
          },
          {
            key: 'commit',
            label: t('field.codeCommit'),
            children: item.CodeCommit ? (
              <Space direction="vertical" size={2}>
                <span className="mono break">{item.CodeCommit}</span>
                <Typography.Text type="secondary">{t('details.commitOverrides')}</Typography.Text>
              </Space>
            ) : (
              <Typography.Text type="secondary">—</Typography.Text>
            ),
          },
          {
            key: 'user',
            label: t('field.userName'),
            children: item.CodeRepoUserName || <Typography.Text type="secondary">—</Typography.Text>,
          },
          {
            key: 'token',
            label: t('field.accessToken'),
            children: item.HasCodeRepoAccessToken ? (
              <Tag className="tag-blue">{t('details.tokenSet')}</Tag>
            ) : (
              <Tag className="tag-grey">{t('details.tokenNotSet')}</Tag>
            ),
          },
          {
            key: 'mount',
            label: t('field.mountPath'),
            children: (
              <Space size={4}>
                <span className="mono">{item.MountPath}</span>
                <CopyButton text={item.MountPath} label={t('common.copyMountPath')} />
              </Space>
            ),
          },
          { key: 'clone', label: t('field.cloneType'), children: item.CloneType === 1 ? t('field.cloneType1') : t('field.cloneType0') },
          { key: 'creator', label: t('col.creator'), children: item.UserName },
          { key: 'created', label: t('col.created'), children: <LocalTime iso={item.GmtCreateTime} /> },
          { key: 'modified', label: t('col.modified'), children: <LocalTime iso={item.GmtModifyTime} /> },
        ]}
      />
      {/* The check uses the stored token, which only those who may edit the code source may have used for them. */}
      {canCheck && <GitRemoteCheck item={item} />}
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 24 }}>
        {t('details.snippetTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('details.snippetText')}</Typography.Paragraph>
      <CodeSnippet code={snippet} label={t('details.snippetTitle')} />
    </>
  );
}
