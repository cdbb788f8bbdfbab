import { useQuery } from '@tanstack/react-query';
import { Drawer, Skeleton } from 'antd';
import { useCallback, useRef, useState } from 'react';
import type { CodeSource } from '@/shared/code-source.schema';
import { useI18n } from '@/lib/i18n/i18n';
import { useFeedback } from '@/components/feedback';
import { ErrorState } from '@/components/error-state';
import { CodeSourceForm } from './code-source-form';
import { codeSourceDetailQuery, useCreateCodeSource, useUpdateCodeSource } from './code-sources.queries';
import {
  createPayload,
  duplicateFormValues,
  emptyFormValues,
  formValuesOf,
  newClientToken,
  updatePayload,
  type CodeSourceFormValues,
} from './form-values';

/** What the form drawer was opened for. */
export type FormTarget = { kind: 'create' } | { kind: 'duplicate'; source: CodeSource } | { kind: 'edit'; id: string; name: string };

export interface CodeSourceFormDrawerProps {
  target: FormTarget;
  workspaceId: string;
  onClose: () => void;
  onSaved: (id: string, kind: FormTarget['kind']) => void;
}

/** The create/edit drawer: loads what the form needs, runs the mutation, shows the toast. Loaded lazily. */
export default function CodeSourceFormDrawer({ target, workspaceId, onClose, onSaved }: CodeSourceFormDrawerProps) {
  const { t } = useI18n();
  const { confirm } = useFeedback();
  const dirty = useRef(false);
  const onDirtyChange = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);
  // Cancel, Esc and the close button never throw away typed changes without asking.
  const requestClose = () => {
    if (!dirty.current) return onClose();
    confirm({
      title: t('form.discardTitle'),
      content: t('form.discardText'),
      okText: t('form.discard'),
      cancelText: t('form.keepEditing'),
      danger: true,
      onOk: async () => onClose(),
    });
  };
  const title =
    target.kind === 'edit'
      ? t('form.editTitleOf', { name: target.name })
      : target.kind === 'duplicate'
        ? t('form.duplicateTitleOf', { name: target.source.DisplayName })
        : t('form.createTitle');
  return (
    <Drawer open title={title} size={560} onClose={requestClose} destroyOnHidden mask={{ closable: false }}>
      {target.kind === 'edit' ? (
        <EditCodeSource
          id={target.id}
          workspaceId={workspaceId}
          onCancel={requestClose}
          onDirtyChange={onDirtyChange}
          onSaved={(id) => onSaved(id, 'edit')}
        />
      ) : (
        <CreateCodeSource
          initial={target.kind === 'duplicate' ? duplicateFormValues(target.source) : emptyFormValues}
          tokenNotCopied={target.kind === 'duplicate' && target.source.HasCodeRepoAccessToken}
          workspaceId={workspaceId}
          onCancel={requestClose}
          onDirtyChange={onDirtyChange}
          onSaved={(id) => onSaved(id, target.kind)}
        />
      )}
    </Drawer>
  );
}

function CreateCodeSource({
  initial,
  tokenNotCopied,
  workspaceId,
  onCancel,
  onDirtyChange,
  onSaved,
}: {
  initial: CodeSourceFormValues;
  tokenNotCopied: boolean;
  workspaceId: string;
  onCancel: () => void;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useI18n();
  const { message } = useFeedback();
  // One token per opening of the form: a double click or a retry after a lost response never creates two.
  const [clientToken] = useState(newClientToken);
  const create = useCreateCodeSource(workspaceId);
  return (
    <CodeSourceForm
      mode="create"
      defaultValues={initial}
      tokenNotCopied={tokenNotCopied}
      onDirtyChange={onDirtyChange}
      git={{ workspaceId }}
      isSubmitting={create.isPending}
      onCancel={onCancel}
      onSubmit={(values, { showServerError }) => {
        if (create.isPending) return;
        create.mutate(createPayload(values, workspaceId, clientToken), {
          onSuccess: (data) => {
            void message.success(t('toast.created', { name: values.DisplayName }));
            onSaved(data.CodeSourceId);
          },
          onError: showServerError,
        });
      }}
    />
  );
}

function EditCodeSource({
  id,
  workspaceId,
  onCancel,
  onDirtyChange,
  onSaved,
}: {
  id: string;
  workspaceId: string;
  onCancel: () => void;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useI18n();
  const { message } = useFeedback();
  // The form starts from what the server has now (and its ETag), not from a cached copy.
  const [openedAt] = useState(() => Date.now());
  const detail = useQuery({ ...codeSourceDetailQuery(workspaceId, id), staleTime: 0 });
  const update = useUpdateCodeSource(workspaceId);
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!detail.data || detail.dataUpdatedAt < openedAt) return <Skeleton active paragraph={{ rows: 10 }} />;
  const { codeSource, etag } = detail.data;
  const initial = formValuesOf(codeSource);
  return (
    <CodeSourceForm
      key={etag ?? codeSource.GmtModifyTime}
      mode="edit"
      defaultValues={initial}
      onDirtyChange={onDirtyChange}
      hasToken={codeSource.HasCodeRepoAccessToken}
      git={{ workspaceId: codeSource.WorkspaceId, codeSourceId: codeSource.CodeSourceId }}
      isSubmitting={update.isPending}
      onCancel={onCancel}
      onReloadConflict={() => {
        update.reset();
        void detail.refetch();
      }}
      onSubmit={(values, { removeToken, showServerError }) => {
        const body = updatePayload(initial, values, removeToken);
        if (Object.keys(body).length === 0) {
          void message.info(t('toast.noChanges'));
          onCancel();
          return;
        }
        update.mutate(
          { id, body, etag },
          {
            onSuccess: () => {
              void message.success(t('toast.saved', { name: values.DisplayName }));
              onSaved(id);
            },
            onError: showServerError,
          },
        );
      }}
    />
  );
}
