import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ColumnSettings } from './column-settings';
import { readColumnVisibility, usePersistentColumnVisibility } from './column-visibility';
import { dataColumnHelper, DataTable, useServerTable } from './data-table';

interface Item {
  id: string;
  name: string;
  owner: string;
  created: string;
}
const column = dataColumnHelper<Item>();
const columns = [
  column.accessor('name', { header: 'Name', enableHiding: false, meta: { width: 200 } }),
  column.accessor('owner', { header: 'Owner', meta: { width: 100 } }),
  column.accessor('created', { header: 'Created', meta: { width: 150 } }),
  column.display({ id: 'actions', header: 'Actions', enableHiding: false, meta: { width: 100 }, cell: () => 'Edit' }),
];
const HIDEABLE = ['owner', 'created'];
const DEFAULTS = { created: false };
const rows: Item[] = [{ id: 'a', name: 'alpha', owner: 'ada', created: '2026-01-01' }];

function Harness({ userId }: { userId: string }) {
  const visibility = usePersistentColumnVisibility(`test.columns.${userId}`, DEFAULTS, HIDEABLE);
  const table = useServerTable<Item>({
    data: rows,
    columns,
    getRowId: (row) => row.id,
    sorting: [],
    onSortingChange: () => {},
    pagination: { pageIndex: 0, pageSize: 20 },
    onPaginationChange: () => {},
    rowCount: rows.length,
    state: { columnVisibility: visibility.visibility },
    onColumnVisibilityChange: visibility.onChange,
  });
  return (
    <>
      <ColumnSettings table={table} labels={{ button: 'Columns', reset: 'Reset to default' }} onReset={visibility.reset} />
      <DataTable table={table} label="Items" pageSizeOptions={[20]} showTotal={(total) => `${total} in total`} />
    </>
  );
}

const headers = () =>
  within(screen.getByRole('table', { name: 'Items' }))
    .getAllByRole('columnheader')
    .map((th) => th.textContent);

describe('column settings', () => {
  it('hides and shows columns, remembers the choice per user, and resets to the default set', async () => {
    const user = userEvent.setup();
    const view = render(<Harness userId="u1" />);
    expect(headers()).toEqual(['Name', 'Owner', 'Actions']);

    await user.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = await screen.findByRole('menu');
    // Name and Actions cannot be hidden, so they are not offered.
    expect(
      within(menu)
        .getAllByRole('menuitemcheckbox')
        .map((item) => item.textContent),
    ).toEqual(['Owner', 'Created']);
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'Owner' })).toHaveAttribute('aria-checked', 'true');
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'Created' })).toHaveAttribute('aria-checked', 'false');

    await user.click(within(menu).getByRole('menuitemcheckbox', { name: 'Owner' }));
    await waitFor(() => expect(headers()).toEqual(['Name', 'Actions']));
    // The menu stays open for the next choice.
    await user.click(within(screen.getByRole('menu')).getByRole('menuitemcheckbox', { name: 'Created' }));
    await waitFor(() => expect(headers()).toEqual(['Name', 'Created', 'Actions']));
    expect(within(screen.getByRole('menu')).getByRole('menuitemcheckbox', { name: 'Owner' })).toHaveAttribute('aria-checked', 'false');
    expect(JSON.parse(window.localStorage.getItem('test.columns.u1')!)).toEqual({ owner: false, created: true });

    // A new visit of the same user: still their columns. Another user: the defaults.
    view.unmount();
    const again = render(<Harness userId="u1" />);
    expect(headers()).toEqual(['Name', 'Created', 'Actions']);
    again.rerender(<Harness userId="u2" />);
    expect(headers()).toEqual(['Name', 'Owner', 'Actions']);
    again.rerender(<Harness userId="u1" />);
    expect(headers()).toEqual(['Name', 'Created', 'Actions']);

    await user.click(screen.getByRole('button', { name: 'Columns' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reset to default' }));
    await waitFor(() => expect(headers()).toEqual(['Name', 'Owner', 'Actions']));
    expect(window.localStorage.getItem('test.columns.u1')).toBeNull();
  });

  it('reads only booleans for columns that may be hidden; a broken entry gives the defaults', () => {
    window.localStorage.setItem('k', JSON.stringify({ name: false, actions: false, owner: false, created: 'yes', bogus: true }));
    expect(readColumnVisibility('k', DEFAULTS, HIDEABLE)).toEqual({ created: false, owner: false });
    window.localStorage.setItem('k', '{not json');
    expect(readColumnVisibility('k', DEFAULTS, HIDEABLE)).toEqual({ created: false });
    window.localStorage.setItem('k', '[false]');
    expect(readColumnVisibility('k', DEFAULTS, HIDEABLE)).toEqual({ created: false });
  });
});
