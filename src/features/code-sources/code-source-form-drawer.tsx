import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Drawer, Skeleton } from 'antd';
import { useCallback, useEffect, useEffectEvent, useRef, useState, type ReactNode } from 'react';
import type { CodeSource } from '@/shared/code-source.schema';
import { ApiError } from '@/lib/api-client';
import { useBackendMode } from '@/lib/backend-mode';
import { useI18n } from '@/lib/i18n/i18n';
import { sessionQuery, type Workspace } from '@/lib/session.api';
import { useFeedback } from '@/components/feedback';
import { ErrorState } from '@/components/error-state';
import { StatusPanel } from '@/components/status-panel';
import { CodeSourceForm } from './code-source-form';
import type { CodeSourceWithEtag } from './code-sources.api';
import { codeSourceDetailQuery, useCreateCodeSource, useUpdateCodeSource } from './code-sources.queries';
import type { FormRoute } from './drawer-route';
import {
  createPayload,
  duplicateFormValues,
  emptyFormValues,
  formValuesOf,
  newClientToken,
  updatePayload,
  type CodeSourceFormValues,
} from './form-values';
import { abilitiesFor, canCreateIn } from './permissions';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

export interface CodeSourceFormDrawerProps {
  /** What the URL opened the form for. */
  route: FormRoute;
  workspaceId: string;
  workspace: Workspace | undefined;
  userId: string | undefined;
  onClose: () => void;
  onSaved: (id: string, kind: FormRoute['kind']) => void;
  /** The code source belongs to another workspace than `workspaceId` (a link naming the wrong one): open it there. */
  onOtherWorkspace: (workspaceId: string) => void;
}

/**
 * The create/edit/duplicate drawer, opened by its URL: loads what the form needs (edit: the code source as the
 * server has it now, with its ETag; duplicate: the original), runs the mutation, shows the toast. Loaded lazily.
 */
export default function CodeSourceFormDrawer({
  route,
  workspaceId,
  workspace,
  userId,
  onClose,
  onSaved,
  onOtherWorkspace,
}: CodeSourceFormDrawerProps) {
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

  const sourceId = route.kind === 'edit' ? route.id : route.kind === 'duplicate' ? route.from : undefined;
  const source = useSource(workspaceId, sourceId, route.kind === 'edit');
  const loaded = source.detail?.codeSource;
  // Only the item's own workspace decides what is allowed; under another one the page moves there first.
  const elsewhere = loaded && loaded.WorkspaceId !== workspaceId ? loaded.WorkspaceId : undefined;
  const moveTo = useEffectEvent((other: string) => onOtherWorkspace(other));
  useEffect(() => {
    if (elsewhere) moveTo(elsewhere);
  }, [elsewhere]);
  const item = elsewhere ? undefined : loaded;

  const title =
    route.kind === 'create'
      ? t('form.createTitle')
      : route.kind === 'edit'
        ? item
          ? t('form.editTitleOf', { name: item.DisplayName })
          : t('form.editTitle')
        : item
          ? t('form.duplicateTitleOf', { name: item.DisplayName })
          : t('form.duplicateTitle');

  const refused = (reason: string) => (
    <StatusPanel status="info" title={reason} actions={<Button onClick={onClose}>{t('details.backToList')}</Button>} />
  );

  let body: ReactNode;
  if (route.kind === 'create') {
    body = canCreateIn(workspace) ? (
      <CreateCodeSource
        initial={emptyFormValues}
        tokenNotCopied={false}
        workspaceId={workspaceId}
        onCancel={requestClose}
        onDirtyChange={onDirtyChange}
        onSaved={(id) => onSaved(id, 'create')}
      />
    ) : (
      refused(t('perm.readOnlyRole'))
    );
  } else if (source.error) {
    body =
      source.error instanceof ApiError && source.error.status === 404 ? (
        <StatusPanel status="warning" title={t('details.notFound')} actions={<Button onClick={onClose}>{t('details.backToList')}</Button>}>
          {t('details.notFoundText')}
        </StatusPanel>
      ) : (
        <ErrorState error={source.error} onRetry={source.reload} />
      );
  } else if (!item || !source.detail) {
    body = <Skeleton active paragraph={{ rows: 10 }} />;
  } else {
    const can = abilitiesFor(item, workspace, userId);
    if (route.kind === 'duplicate') {
      body = can.duplicate.allowed ? (
        <CreateCodeSource
          initial={duplicateFormValues(item)}
          tokenNotCopied={item.HasCodeRepoAccessToken}
          workspaceId={workspaceId}
          onCancel={requestClose}
          onDirtyChange={onDirtyChange}
          onSaved={(id) => onSaved(id, 'duplicate')}
        />
      ) : (
        refused(t(can.duplicate.reason ?? 'perm.readOnlyRole'))
      );
    } else {
      body = can.manage.allowed ? (
        <EditCodeSource
          key={source.detail.etag ?? item.GmtModifyTime}
          codeSource={item}
          etag={source.detail.etag}
          onReload={source.reload}
          workspaceId={workspaceId}
          onCancel={requestClose}
          onDirtyChange={onDirtyChange}
          onSaved={(id) => onSaved(id, 'edit')}
        />
      ) : (
        refused(t(can.manage.reason ?? 'perm.readOnlyRole'))
      );
    }
  }

  return (
    <Drawer open title={title} size={560} onClose={requestClose} destroyOnHidden mask={{ closable: false }}>
      {body}
    </Drawer>
  );
}

/**
 * The code source the form starts from. Edit takes what the server has now (not a cached copy) and then keeps that
 * snapshot: a refetch in the background (focus, another tab's change, signing in again) never replaces the values
 * being edited; only `reload` (after a 412) takes the server's current state.
 */
/** Changes when the user signs in again (a new session, a new CSRF token): the form then drops a 401 it showed. */
function useSessionToken(): string | undefined {
  return useQuery({ ...sessionQuery(), select: (s) => (s.SignedIn ? s.CsrfToken : undefined) }).data;
}

function useSource(workspaceId: string, id: string | undefined, fresh: boolean) {
  const [notBefore, setNotBefore] = useState(() => (fresh ? Date.now() : 0));
  const query = useQuery({ ...codeSourceDetailQuery(workspaceId, id ?? ''), enabled: id !== undefined, ...(fresh && { staleTime: 0 }) });
  const [snapshot, setSnapshot] = useState<{ detail: CodeSourceWithEtag; at: number }>();
  const current = query.data && query.dataUpdatedAt >= notBefore ? { detail: query.data, at: query.dataUpdatedAt } : undefined;
  if (current && (snapshot === undefined || snapshot.at < notBefore)) setSnapshot(current);
  const taken = snapshot && snapshot.at >= notBefore ? snapshot : undefined;
  return {
    detail: taken?.detail,
    // An error only counts while there is nothing to show (a failed background refetch leaves the form alone).
    error: taken ? undefined : query.error,
    reload: () => {
      setNotBefore(Date.now());
      void query.refetch();
    },
  };
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
  const session = useSessionToken();
  return (
    <CodeSourceForm
      mode="create"
      session={session}
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
  codeSource,
  etag,
  onReload,
  workspaceId,
  onCancel,
  onDirtyChange,
  onSaved,
}: {
  codeSource: CodeSource;
  etag: string | undefined;
  onReload: () => void;
  workspaceId: string;
  onCancel: () => void;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useI18n();
  const { message } = useFeedback();
  const update = useUpdateCodeSource(workspaceId);
  const [initial] = useState(() => formValuesOf(codeSource));
  const id = codeSource.CodeSourceId;
  const session = useSessionToken();
  // Upstream, PAI has no ETag: no If-Match is sent, and the form says that the last save wins.
  const { upstream } = useBackendMode();
  return (
    <>
      {upstream && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('upstream.lastWriterWins')} />}
      <CodeSourceForm
        mode="edit"
        session={session}
        defaultValues={initial}
        onDirtyChange={onDirtyChange}
        hasToken={codeSource.HasCodeRepoAccessToken}
        git={{ workspaceId: codeSource.WorkspaceId, codeSourceId: id }}
        isSubmitting={update.isPending}
        onCancel={onCancel}
        onReloadConflict={() => {
          update.reset();
          onReload();
        }}
        onSubmit={(values, { removeToken, showServerError }) => {
          const body = updatePayload(initial, values, removeToken);
          if (Object.keys(body).length === 0) {
            void message.info(t('toast.noChanges'));
            onCancel();
            return;
          }
          update.mutate(
            { id, body, etag: upstream ? undefined : etag },
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
    </>
  );
}
