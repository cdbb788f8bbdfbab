import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { MAX_ACCESS_KEYS_PER_USER, type AccessKey, type CreatedAccessKey } from '@/shared/access-key.schema';
import { errorText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { CodeSnippet, CopyButton } from '@/components/copy-button';
import { ErrorState } from '@/components/error-state';
import { useFeedback } from '@/components/feedback';
import { LoadingRows } from '@/components/loading-rows';
import { LocalTime } from '@/components/local-time';
import { ReasonedButton } from '@/components/reasoned-button';
// The console's table look (antd's, drawn without antd's Table: see components/data-table.tsx).
import '@/components/data-table.css';
import { nodeSnippet, SECRET_ENV } from './access-key-snippet';
import { accessKeysQuery, useCreateAccessKey, useDeleteAccessKey, useUpdateAccessKey } from './access-keys.queries';
import { CreatedAccessKeyDialog } from './created-access-key-dialog';

export interface AccessKeysPageProps {
  /** The workspace the snippet lists. */
  workspaceId: string;
  /** This server's address as the browser sees it (window.location): where the snippet sends its requests. */
  origin: URL;
}

/** The signed-in user's AccessKeys: create (the secret shown once), disable, enable, delete, and how to use one. */
export default function AccessKeysPage({ workspaceId, origin }: AccessKeysPageProps) {
  const { t } = useI18n();
  const { message, confirm } = useFeedback();
  const keys = useQuery(accessKeysQuery());
  const create = useCreateAccessKey();
  const update = useUpdateAccessKey();
  const remove = useDeleteAccessKey();
  const [created, setCreated] = useState<CreatedAccessKey | undefined>();

  const list = keys.data?.AccessKeys ?? [];
  const atLimit = list.length >= MAX_ACCESS_KEYS_PER_USER;

  const onCreate = () =>
    create.mutate(undefined, {
      onSuccess: (pair) => setCreated(pair),
      onError: (error) => void message.error(errorText(error, t)),
    });

  const askStatus = (key: AccessKey) => {
    const id = key.AccessKeyId;
    const disabling = key.Status === 'Active';
    confirm({
      title: t(disabling ? 'accessKeys.confirmDisableTitle' : 'accessKeys.confirmEnableTitle', { id }),
      content: t(disabling ? 'accessKeys.confirmDisableText' : 'accessKeys.confirmEnableText'),
      okText: t(disabling ? 'accessKeys.disable' : 'accessKeys.enable'),
      cancelText: t('common.cancel'),
      danger: disabling,
      onOk: () =>
        update.mutateAsync({ id, status: disabling ? 'Inactive' : 'Active' }).then(
          () => void message.success(t(disabling ? 'accessKeys.disabled' : 'accessKeys.enabled', { id })),
          (error: unknown) => void message.error(errorText(error, t)),
        ),
    });
  };
  const askDelete = (key: AccessKey) => {
    const id = key.AccessKeyId;
    confirm({
      title: t('accessKeys.confirmDeleteTitle', { id }),
      content: t('accessKeys.confirmDeleteText'),
      okText: t('accessKeys.delete'),
      cancelText: t('common.cancel'),
      danger: true,
      onOk: () =>
        remove.mutateAsync(id).then(
          () => void message.success(t('accessKeys.deleted', { id })),
          (error: unknown) => void message.error(errorText(error, t)),
        ),
    });
  };

  const columns: { key: string; title: string; render: (_: unknown, k: AccessKey) => ReactNode }[] = [
    {
      key: 'id',
      title: t('accessKeys.col.id'),
      render: (_, k) => (
        <Space size={4}>
          <code>{k.AccessKeyId}</code>
          <CopyButton text={k.AccessKeyId} label={t('common.copyIdOf', { name: k.AccessKeyId })} />
        </Space>
      ),
    },
    {
      key: 'status',
      title: t('accessKeys.col.status'),
      render: (_, k) => <Tag className={k.Status === 'Active' ? 'tag-green' : 'tag-grey'}>{t(`accessKeys.status.${k.Status}`)}</Tag>,
    },
    { key: 'created', title: t('accessKeys.col.created'), render: (_, k) => <LocalTime iso={k.GmtCreateTime} /> },
    {
      key: 'lastUsed',
      title: t('accessKeys.col.lastUsed'),
      render: (_, k) =>
        k.GmtLastUsedTime ? <LocalTime iso={k.GmtLastUsedTime} /> : <span className="muted">{t('accessKeys.neverUsed')}</span>,
    },
    {
      key: 'actions',
      title: t('accessKeys.col.actions'),
      render: (_, k) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            aria-label={t(k.Status === 'Active' ? 'accessKeys.disableOf' : 'accessKeys.enableOf', { id: k.AccessKeyId })}
            onClick={() => askStatus(k)}
          >
            {t(k.Status === 'Active' ? 'accessKeys.disable' : 'accessKeys.enable')}
          </Button>
          <Button type="link" size="small" danger aria-label={t('accessKeys.deleteOf', { id: k.AccessKeyId })} onClick={() => askDelete(k)}>
            {t('accessKeys.delete')}
          </Button>
        </Space>
      ),
    },
  ];

  let body;
  if (keys.isPending) body = <LoadingRows label={t('accessKeys.loading')} />;
  else if (keys.isError) body = <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />;
  else
    body = (
      <div className="dt-scroll">
        <table aria-label={t('accessKeys.tableLabel')} className="dt-table" style={{ width: '100%' }}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="muted" style={{ textAlign: 'center' }}>
                  {t('accessKeys.empty')}
                </td>
              </tr>
            ) : (
              list.map((k) => (
                <tr key={k.AccessKeyId}>
                  {columns.map((c) => (
                    <td key={c.key}>{c.render(undefined, k)}</td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    );

  const snippet = nodeSnippet({ accessKeyId: list[0]?.AccessKeyId ?? 'LTAI…', origin, workspaceId });
  return (
    <>
      <div className="page-heading">
        <div>
          <h1 className="page-title">{t('accessKeys.title')}</h1>
          <p className="page-intro">{t('accessKeys.intro')}</p>
        </div>
      </div>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('accessKeys.limit', { max: MAX_ACCESS_KEYS_PER_USER })} />
      <div className="toolbar">
        <ReasonedButton
          type="primary"
          icon={<PlusOutlined />}
          loading={create.isPending}
          reason={atLimit ? t('accessKeys.atLimit', { max: MAX_ACCESS_KEYS_PER_USER }) : undefined}
          onClick={onCreate}
        >
          {t('accessKeys.create')}
        </ReasonedButton>
      </div>
      <div className="table-card">{body}</div>
      <section aria-labelledby="access-key-snippet-title" className="access-key-snippet">
        <h2 id="access-key-snippet-title" className="section-title">
          {t('accessKeys.snippetTitle')}
        </h2>
        <p>{t('accessKeys.snippetIntro', { env: SECRET_ENV })}</p>
        <CodeSnippet code={snippet} label={t('accessKeys.snippetLabel')} />
      </section>
      <CreatedAccessKeyDialog created={created} onClose={() => setCreated(undefined)} />
    </>
  );
}
