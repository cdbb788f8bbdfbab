import { Checkbox, Table, Tooltip, type TableProps } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import {
  createColumnHelper,
  rowPaginationFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type PaginationState,
  type ReactTable,
  type Row,
  type RowData,
  type RowSelectionState,
  type SortingState,
} from '@tanstack/react-table';
import { useId, useLayoutEffect, useRef, useState, type Key, type ReactNode } from 'react';

/** How a column looks in antd; TanStack Table keeps the state, antd renders. */
export interface DataTableColumnMeta {
  width?: number;
  fixed?: 'left' | 'right';
  align?: 'left' | 'right' | 'center';
}

/** Server-side sorting and paging, and row selection: the features every data table of the console registers. */
export const dataTableFeatures = tableFeatures({
  rowSortingFeature,
  rowPaginationFeature,
  rowSelectionFeature,
  columnMeta: {} as DataTableColumnMeta,
});
export type DataTableFeatures = typeof dataTableFeatures;
export type DataTableColumn<TData extends RowData> = ColumnDef<DataTableFeatures, TData, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export const dataColumnHelper = <TData extends RowData>() => createColumnHelper<DataTableFeatures, TData>();

export interface ServerTableOptions<TData extends RowData> {
  data: readonly TData[];
  columns: DataTableColumn<TData>[];
  getRowId: (row: TData) => string;
  sorting: SortingState;
  onSortingChange: (sorting: SortingState) => void;
  pagination: PaginationState;
  onPaginationChange: (pagination: PaginationState) => void;
  rowCount: number;
  /**
   * Row selection, kept by the caller (by row id, so it can span pages); absent, rows are not selectable.
   * `canSelect` decides per row.
   */
  selection?: {
    state: RowSelectionState;
    onChange: (selection: RowSelectionState) => void;
    canSelect: (row: TData) => boolean;
  };
}

const NO_SELECTION: RowSelectionState = {};

/** A table whose sorting and paging live elsewhere (the URL) and whose rows come from the server already sorted. */
export function useServerTable<TData extends RowData>(options: ServerTableOptions<TData>): ReactTable<DataTableFeatures, TData> {
  const { sorting, pagination, onSortingChange, onPaginationChange, selection } = options;
  const rowSelection = selection?.state ?? NO_SELECTION;
  return useTable({
    features: dataTableFeatures,
    data: options.data,
    columns: options.columns,
    getRowId: options.getRowId,
    state: { sorting, pagination, rowSelection },
    enableRowSelection: selection ? (row) => selection.canSelect(row.original) : false,
    onRowSelectionChange: (updater) => selection?.onChange(typeof updater === 'function' ? updater(rowSelection) : updater),
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    rowCount: options.rowCount,
    onSortingChange: (updater) => onSortingChange(typeof updater === 'function' ? updater(sorting) : updater),
    onPaginationChange: (updater) => onPaginationChange(typeof updater === 'function' ? updater(pagination) : updater),
  });
}

export interface DataTableProps<TData extends RowData> {
  table: ReactTable<DataTableFeatures, TData>;
  /** Names the table for assistive technology. */
  label: string;
  loading?: boolean;
  pageSizeOptions: readonly number[];
  showTotal: (total: number, range: [number, number]) => ReactNode;
  /** The column sorted when a sorted column is clicked back to "none". */
  defaultSorting: SortingState;
  rowClassName?: (row: TData) => string;
  locale?: TableProps['locale'];
  scrollX?: number;
  /** With row selection (see `useServerTable`): a checkbox column; what each checkbox is called, and why a row cannot be selected. */
  selectionLabels?: {
    /** The header checkbox: every selectable row of this page. */
    page: string;
    row: (row: TData) => string;
    notSelectable: (row: TData) => string | undefined;
  };
}

/** The one place that renders a TanStack table: antd's Table draws headers, cells, sort arrows and the pager. */
export function DataTable<TData extends RowData>({
  table,
  label,
  loading,
  pageSizeOptions,
  showTotal,
  defaultSorting,
  rowClassName,
  locale,
  scrollX,
  selectionLabels,
}: DataTableProps<TData>) {
  const rows = table.getRowModel().rows;
  const { pagination } = table.state;
  const sorted = table.state.sorting[0];
  const columns: NonNullable<TableProps<Row<DataTableFeatures, TData>>['columns']> = table.getLeafHeaders().map((header) => {
    const column = header.column;
    const meta = column.columnDef.meta;
    const canSort = column.getCanSort();
    return {
      key: column.id,
      title: <table.FlexRender header={header} />,
      width: meta?.width,
      fixed: meta?.fixed,
      align: meta?.align,
      sorter: canSort,
      sortOrder: canSort && sorted?.id === column.id ? (sorted.desc ? 'descend' : 'ascend') : null,
      sortDirections: canSort ? ['ascend', 'descend', 'ascend'] : undefined,
      showSorterTooltip: false,
      // antd sorts on Enter; a header that acts like a button should take Space too.
      onHeaderCell: canSort
        ? () => ({
            onKeyDown: (event: React.KeyboardEvent<HTMLElement>) => {
              if (event.key !== ' ') return;
              event.preventDefault();
              event.currentTarget.click();
            },
          })
        : undefined,
      render: (_: unknown, row: Row<DataTableFeatures, TData>) => {
        const cell = row.getAllCellsByColumnId()[column.id];
        return cell ? <table.FlexRender cell={cell} /> : null;
      },
    };
  });

  const onChange: TableProps<Row<DataTableFeatures, TData>>['onChange'] = (pager, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<Row<DataTableFeatures, TData>> | undefined;
      // One state change per user action: the owner of the state (the URL) also goes back to page 1.
      table.setSorting(s?.order && s.columnKey !== undefined ? [{ id: String(s.columnKey), desc: s.order === 'descend' }] : defaultSorting);
    } else if (extra.action === 'paginate') {
      const pageSize = pager.pageSize ?? pagination.pageSize;
      table.setPagination({ pageSize, pageIndex: pageSize !== pagination.pageSize ? 0 : (pager.current ?? 1) - 1 });
    }
  };

  const selectable = rows.filter((row) => row.getCanSelect());
  const allOnPage = selectable.length > 0 && table.getIsAllPageRowsSelected();
  const someOnPage = !allOnPage && table.getIsSomePageRowsSelected();
  const rowSelection: TableProps<Row<DataTableFeatures, TData>>['rowSelection'] =
    selectionLabels && table.options.enableRowSelection !== false
      ? {
          selectedRowKeys: table.getSelectedRowIds(),
          preserveSelectedRowKeys: true,
          fixed: 'left',
          columnWidth: 48,
          columnTitle: (
            <PageCheckbox
              label={selectionLabels.page}
              checked={allOnPage}
              indeterminate={someOnPage}
              disabled={selectable.length === 0}
              onChange={(checked) => table.toggleAllPageRowsSelected(checked)}
            />
          ),
          renderCell: (_checked, row) => <SelectCell row={row} labels={selectionLabels} />,
        }
      : undefined;

  return (
    <Table<Row<DataTableFeatures, TData>>
      aria-label={label}
      columns={columns}
      rowSelection={rowSelection}
      dataSource={rows}
      rowKey={(row: Row<DataTableFeatures, TData>): Key => row.id}
      loading={loading}
      onChange={onChange}
      rowClassName={rowClassName ? (row) => rowClassName(row.original) : undefined}
      scroll={{ x: scrollX ?? 'max-content' }}
      locale={locale}
      size="middle"
      pagination={{
        current: pagination.pageIndex + 1,
        pageSize: pagination.pageSize,
        total: table.getRowCount(),
        showSizeChanger: true,
        pageSizeOptions: pageSizeOptions.map(String),
        showTotal,
        placement: ['bottomEnd'],
      }}
    />
  );
}

/**
 * "Select all on this page". antd also renders column titles in a hidden row that measures column widths
 * (`aria-hidden`); the copy there is disabled, so nothing hidden from assistive technology can take focus.
 */
function PageCheckbox({
  label,
  checked,
  indeterminate,
  disabled,
  onChange,
}: {
  label: string;
  checked: boolean;
  indeterminate: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
}) {
  const ref = useRef<HTMLSpanElement>(null);
  const [hiddenCopy, setHiddenCopy] = useState(false);
  useLayoutEffect(() => setHiddenCopy(ref.current?.closest('[aria-hidden="true"]') != null), []);
  return (
    <span ref={ref}>
      <Checkbox
        aria-label={label}
        checked={checked}
        indeterminate={indeterminate}
        aria-checked={indeterminate ? 'mixed' : checked}
        disabled={disabled || hiddenCopy}
        onChange={(event) => onChange(event.target.checked)}
      />
    </span>
  );
}

/**
 * A row's checkbox. One that cannot be selected says why: on hover, and as its description for screen readers
 * (a disabled checkbox cannot take focus, so the reason is also in the accessible description).
 */
function SelectCell<TData extends RowData>({
  row,
  labels,
}: {
  row: Row<DataTableFeatures, TData>;
  labels: NonNullable<DataTableProps<TData>['selectionLabels']>;
}) {
  const reasonId = useId();
  const canSelect = row.getCanSelect();
  const box = (
    <Checkbox
      aria-label={labels.row(row.original)}
      checked={row.getIsSelected()}
      disabled={!canSelect}
      aria-describedby={canSelect ? undefined : reasonId}
      onChange={row.getToggleSelectedHandler()}
    />
  );
  if (canSelect) return box;
  const reason = labels.notSelectable(row.original);
  return (
    <Tooltip title={reason}>
      <span className="select-cell-disabled">
        {box}
        <span id={reasonId} hidden>
          {reason}
        </span>
      </span>
    </Tooltip>
  );
}
