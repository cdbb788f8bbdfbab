import { Button, type ButtonProps, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';

type MenuDropdownModule = typeof import('./menu-dropdown');
let loaded: MenuDropdownModule | undefined;
let loading: Promise<MenuDropdownModule> | undefined;
/** The dropdown's code (antd's Dropdown and Menu), fetched once: when a menu button is first pointed at, focused or clicked. */
function loadMenuDropdown(): Promise<MenuDropdownModule> {
  loading ??= import('./menu-dropdown').then((module) => (loaded = module));
  return loading;
}

/**
 * A button that opens a menu. The dropdown is made on the first click, not with the button — a page of rows would
 * otherwise mount a dropdown per row up front — and its code is loaded then too. From then on it opens and closes as
 * any antd dropdown (Enter/Space open it, arrow keys walk it, Escape closes it).
 */
export function MenuButton({
  items,
  keepOpenOnSelect,
  children,
  ...buttonProps
}: Omit<ButtonProps, 'onClick' | 'children'> & {
  items: () => MenuProps['items'];
  /** See `MenuDropdown`. */
  keepOpenOnSelect?: boolean;
  children?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [made, setMade] = useState(false);
  const prefetch = () => void loadMenuDropdown();
  const button = (
    <Button
      {...buttonProps}
      aria-haspopup="menu"
      onPointerEnter={prefetch}
      onFocus={prefetch}
      onClick={
        made
          ? undefined
          : () =>
              void loadMenuDropdown().then(() => {
                setMade(true);
                setOpen(true);
              })
      }
    >
      {children}
    </Button>
  );
  if (!made || !loaded) return button;
  return (
    <loaded.MenuDropdown items={items()} open={open} onOpenChange={setOpen} keepOpenOnSelect={keepOpenOnSelect}>
      {button}
    </loaded.MenuDropdown>
  );
}
