import { CheckOutlined, SettingOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { ReactTable, RowData } from '@tanstack/react-table';
import type { DataTableFeatures } from './data-table';
import { MenuButton } from './menu-button';

export interface ColumnSettingsProps<TData extends RowData> {
  table: ReactTable<DataTableFeatures, TData>;
  labels: { button: string; reset: string };
  /** Back to the default set of columns (and forget the stored choice). */
  onReset: () => void;
}

const RESET_KEY = '__reset';

/**
 * A "Columns" button (an icon; the name on hover and for screen readers) with a menu with a checkbox item per column that may be hidden (string headers name them) and "Reset to
 * default". It stays open while columns are switched, so several can be changed in one go.
 */
export function ColumnSettings<TData extends RowData>({ table, labels, onReset }: ColumnSettingsProps<TData>) {
  const items = (): MenuProps['items'] => [
    ...table
      .getAllLeafColumns()
      .filter((column) => column.getCanHide())
      .map((column) => {
        const shown = column.getIsVisible();
        const header = column.columnDef.header;
        return {
          key: column.id,
          role: 'menuitemcheckbox',
          'aria-checked': shown,
          icon: <CheckOutlined aria-hidden style={{ visibility: shown ? 'visible' : 'hidden' }} />,
          label: typeof header === 'string' ? header : column.id,
          onClick: () => column.toggleVisibility(!shown),
        };
      }),
    { type: 'divider' as const },
    { key: RESET_KEY, label: labels.reset, onClick: onReset },
  ];
  return (
    <MenuButton icon={<SettingOutlined aria-hidden />} aria-label={labels.button} title={labels.button} items={items} keepOpenOnSelect />
  );
}
