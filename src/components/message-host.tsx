import { message } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import { useEffect } from 'react';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/**
 * antd's toasts, loaded with the first toast (see `feedback.tsx`): the holder renders inside the ConfigProvider, so
 * toasts get its theme and locale; `onReady` receives the API once the holder is mounted.
 */
export default function MessageHost({ onReady }: { onReady: (api: MessageInstance) => void }) {
  const [api, holder] = message.useMessage();
  useEffect(() => onReady(api), [api, onReady]);
  return holder;
}
