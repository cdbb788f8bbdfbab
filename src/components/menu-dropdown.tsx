import { Dropdown, type MenuProps } from 'antd';
import type { ReactElement } from 'react';

/** antd's Dropdown with a click-opened menu; loaded by `MenuButton` on first use (antd's menu is not in the first screen's JS). */
export function MenuDropdown({
  items,
  open,
  onOpenChange,
  children,
}: {
  items: MenuProps['items'];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactElement;
}) {
  return (
    <Dropdown menu={{ items }} trigger={['click']} autoFocus open={open} onOpenChange={onOpenChange}>
      {children}
    </Dropdown>
  );
}
