import type { MessageInstance } from 'antd/es/message/interface';
import { createContext, lazy, Suspense, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

const ConfirmDialog = lazy(() => import('./confirm-dialog'));
// antd's message (rc-notification and its motion) is not needed until the first toast: it loads then, and toasts
// asked for meanwhile are shown once it is there. This keeps it out of the first screen's JavaScript.
const MessageHost = lazy(() => import('./message-host'));

type ToastKind = 'success' | 'error' | 'info' | 'warning';

/** Toasts: a short message at the top of the page. */
export type Toasts = Record<ToastKind, (content: ReactNode) => void>;

/** A question the user must confirm; `onOk` runs while the OK button spins, then the dialog closes. */
export interface ConfirmRequest {
  title: ReactNode;
  content: ReactNode;
  okText: string;
  cancelText: string;
  danger?: boolean;
  onOk: () => Promise<unknown>;
}

interface Feedback {
  message: Toasts;
  confirm: (request: ConfirmRequest) => void;
}

const FeedbackContext = createContext<Feedback | null>(null);

/** Toasts and confirmations inside the ConfigProvider (so they get its theme and locale). */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const api = useRef<MessageInstance | undefined>(undefined);
  const queued = useRef<{ kind: ToastKind; content: ReactNode }[]>([]);
  const [hostWanted, setHostWanted] = useState(false);
  const [pending, setPending] = useState<{ id: number; request: ConfirmRequest } | undefined>();
  const onReady = useCallback((ready: MessageInstance) => {
    api.current = ready;
    for (const { kind, content } of queued.current.splice(0)) void ready[kind](content);
  }, []);
  const value = useMemo<Feedback>(() => {
    const show = (kind: ToastKind) => (content: ReactNode) => {
      if (api.current) return void api.current[kind](content);
      queued.current.push({ kind, content });
      setHostWanted(true);
    };
    return {
      message: { success: show('success'), error: show('error'), info: show('info'), warning: show('warning') },
      confirm: (request) => setPending((p) => ({ id: (p?.id ?? 0) + 1, request })),
    };
  }, []);
  return (
    <FeedbackContext.Provider value={value}>
      {children}
      {hostWanted && (
        <Suspense fallback={null}>
          <MessageHost onReady={onReady} />
        </Suspense>
      )}
      {pending && (
        <Suspense fallback={null}>
          <ConfirmDialog key={pending.id} request={pending.request} onDone={() => setPending(undefined)} />
        </Suspense>
      )}
    </FeedbackContext.Provider>
  );
}

export function useFeedback(): Feedback {
  const value = useContext(FeedbackContext);
  if (!value) throw new Error('useFeedback outside FeedbackProvider');
  return value;
}
