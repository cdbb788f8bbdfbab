import { Dropdown, type MenuProps } from 'antd';
import type { ReactElement } from 'react';
// antd's styles for drawers, dialogs, forms, menus and toasts load with the first lazy module that needs them.
import 'virtual:antd-lazy.css';

/** antd's Dropdown with a click-opened menu; loaded by `MenuButton` on first use (antd's menu is not in the first screen's JS). */
export function MenuDropdown({
  items,
  open,
  onOpenChange,
  keepOpenOnSelect = false,
  children,
}: {
  items: MenuProps['items'];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** A choice in the menu leaves it open (for toggles); Escape, a click outside or on the button close it. */
  keepOpenOnSelect?: boolean;
  children: ReactElement;
}) {
  return (
    <Dropdown
      menu={{ items }}
      trigger={['click']}
      autoFocus
      open={open}
      onOpenChange={(next, info) => {
        if (!next && keepOpenOnSelect && info.source === 'menu') return;
        onOpenChange(next);
      }}
    >
      {children}
    </Dropdown>
  );
}
