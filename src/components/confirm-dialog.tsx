import { Modal } from 'antd';
import { useState } from 'react';
import type { ConfirmRequest } from './feedback';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/** The confirmation dialog, loaded the first time one is needed (Modal stays out of the first screen's bundle). */
export default function ConfirmDialog({ request, onDone }: { request: ConfirmRequest; onDone: () => void }) {
  const [open, setOpen] = useState(true);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={request.title}
      okText={request.okText}
      cancelText={request.cancelText}
      okButtonProps={{ danger: request.danger }}
      confirmLoading={busy}
      afterClose={onDone}
      width={440}
      mask={{ closable: false }}
      onCancel={() => setOpen(false)}
      onOk={async () => {
        setBusy(true);
        try {
          await request.onOk();
        } finally {
          setBusy(false);
          setOpen(false);
        }
      }}
    >
      {request.content}
    </Modal>
  );
}
