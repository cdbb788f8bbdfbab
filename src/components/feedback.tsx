import { message } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import { createContext, lazy, Suspense, useContext, useMemo, useState, type ReactNode } from 'react';

const ConfirmDialog = lazy(() => import('./confirm-dialog'));

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
  message: MessageInstance;
  confirm: (request: ConfirmRequest) => void;
}

const FeedbackContext = createContext<Feedback | null>(null);

/** Toasts and confirmations inside the ConfigProvider (so they get its theme and locale). */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [messageApi, messageHolder] = message.useMessage();
  const [pending, setPending] = useState<{ id: number; request: ConfirmRequest } | undefined>();
  const value = useMemo<Feedback>(
    () => ({ message: messageApi, confirm: (request) => setPending((p) => ({ id: (p?.id ?? 0) + 1, request })) }),
    [messageApi],
  );
  return (
    <FeedbackContext.Provider value={value}>
      {children}
      {messageHolder}
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
