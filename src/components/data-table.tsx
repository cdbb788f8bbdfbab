import { CaretDownOutlined, CaretUpOutlined } from '@ant-design/icons';
import { Checkbox, Pagination, Spin, Tooltip } from 'antd';
import {
  columnVisibilityFeature,
  createColumnHelper,
  rowPaginationFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnVisibilityState,
  type PaginationState,
  type ReactTable,
  type Row,
  type RowData,
  type RowSelectionState,
  type SortingState,
} from '@tanstack/react-table';
import { useEffect, useId, useRef, type CSSProperties, type ReactNode } from 'react';
import './data-table.css';

/** How a column looks: its width, whether it stays in view while the table scrolls sideways, its alignment. */
export interface DataTableColumnMeta {
  width?: number;
  fixed?: 'left' | 'right';
  align?: 'left' | 'right' | 'center';
}

/** Server-side sorting and paging, row selection and column visibility: the features every data table registers. */
export const dataTableFeatures = tableFeatures({
  rowSortingFeature,
  rowPaginationFeature,
  rowSelectionFeature,
  columnVisibilityFeature,
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
  /** Which columns are shown (a column missing from the state is shown); absent, every column is. */
  state?: { columnVisibility?: ColumnVisibilityState };
  onColumnVisibilityChange?: (visibility: ColumnVisibilityState) => void;
}

const NO_SELECTION: RowSelectionState = {};
const ALL_VISIBLE: ColumnVisibilityState = {};

/** A table whose sorting and paging live elsewhere (the URL) and whose rows come from the server already sorted. */
export function useServerTable<TData extends RowData>(options: ServerTableOptions<TData>): ReactTable<DataTableFeatures, TData> {
  const { sorting, pagination, onSortingChange, onPaginationChange, selection, onColumnVisibilityChange } = options;
  const rowSelection = selection?.state ?? NO_SELECTION;
  const columnVisibility = options.state?.columnVisibility ?? ALL_VISIBLE;
  return useTable({
    features: dataTableFeatures,
    data: options.data,
    columns: options.columns,
    getRowId: options.getRowId,
    state: { sorting, pagination, rowSelection, columnVisibility },
    enableRowSelection: selection ? (row) => selection.canSelect(row.original) : false,
    onRowSelectionChange: (updater) => selection?.onChange(typeof updater === 'function' ? updater(rowSelection) : updater),
    onColumnVisibilityChange: (updater) => onColumnVisibilityChange?.(typeof updater === 'function' ? updater(columnVisibility) : updater),
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
  rowClassName?: (row: TData) => string;
  /** The table's width when it is wider than its box (it scrolls inside); by default the sum of the visible columns' widths. */
  scrollX?: number;
  /** With row selection (see `useServerTable`): a checkbox column; what each checkbox is called, and why a row cannot be selected. */
  selectionLabels?: {
    /** The header checkbox: every selectable row of this page. */
    page: string;
    row: (row: TData) => string;
    notSelectable: (row: TData) => string | undefined;
  };
}

const SELECTION_WIDTH = 48;
const SELECTION_ID = '__selection';

/**
 * The one place that renders a TanStack table: a plain `<table>` drawn in antd's look (sorting headers, sticky first and
 * last columns, selection checkboxes), with antd's Pagination under it. Nothing is measured: column widths come from
 * the column definitions, so the browser lays the table out once.
 */
export function DataTable<TData extends RowData>({
  table,
  label,
  loading = false,
  pageSizeOptions,
  showTotal,
  rowClassName,
  scrollX,
  selectionLabels,
}: DataTableProps<TData>) {
  const rows = table.getRowModel().rows;
  const { pagination } = table.state;
  const sorted = table.state.sorting[0];
  const headers = table.getLeafHeaders();
  const withSelection = selectionLabels !== undefined && table.options.enableRowSelection !== false;

  // Sticky columns: where each one sticks (the sum of the widths before it, from its side).
  const offsets = new Map<string, CSSProperties>();
  let left = withSelection ? SELECTION_WIDTH : 0;
  let lastLeft: string | undefined = withSelection ? SELECTION_ID : undefined;
  for (const header of headers) {
    const meta = header.column.columnDef.meta;
    if (meta?.fixed !== 'left') break;
    offsets.set(header.column.id, { left });
    lastLeft = header.column.id;
    left += meta.width ?? 0;
  }
  let right = 0;
  let firstRight: string | undefined;
  for (const header of [...headers].reverse()) {
    const meta = header.column.columnDef.meta;
    if (meta?.fixed !== 'right') break;
    offsets.set(header.column.id, { right });
    firstRight = header.column.id;
    right += meta.width ?? 0;
  }
  const fixedClass = (id: string, side: 'left' | 'right' | undefined) =>
    side === undefined
      ? ''
      : `dt-fixed-${side}${id === lastLeft && side === 'left' ? ' dt-fixed-left-last' : ''}${id === firstRight && side === 'right' ? ' dt-fixed-right-first' : ''}`;
  const width = scrollX ?? headers.reduce((sum, h) => sum + (h.column.columnDef.meta?.width ?? 0), withSelection ? SELECTION_WIDTH : 0);

  const sortBy = (columnId: string) =>
    // Ascending first; a sorted column flips. One state change per user action: the owner (the URL) also goes to page 1.
    table.setSorting([{ id: columnId, desc: sorted?.id === columnId ? !sorted.desc : false }]);

  const scroller = useRef<HTMLDivElement>(null);
  useShadowsWhileScrolled(scroller);

  const selectable = withSelection ? rows.filter((row) => row.getCanSelect()) : [];
  const allOnPage = selectable.length > 0 && table.getIsAllPageRowsSelected();
  const someOnPage = !allOnPage && withSelection && table.getIsSomePageRowsSelected();

  return (
    <div className="dt">
      <Spin spinning={loading}>
        <div className="dt-scroll" ref={scroller}>
          <table aria-label={label} aria-busy={loading || undefined} className="dt-table" style={{ width, minWidth: '100%' }}>
            <colgroup>
              {withSelection && <col style={{ width: SELECTION_WIDTH }} />}
              {headers.map((header) => (
                <col key={header.id} style={{ width: header.column.columnDef.meta?.width }} />
              ))}
            </colgroup>
            <thead>
              <tr>
                {withSelection && (
                  <th scope="col" className={`dt-selection ${fixedClass(SELECTION_ID, 'left')}`} style={{ left: 0 }}>
                    <Checkbox
                      aria-label={selectionLabels.page}
                      checked={allOnPage}
                      indeterminate={someOnPage}
                      aria-checked={someOnPage ? 'mixed' : allOnPage}
                      disabled={selectable.length === 0}
                      onChange={(event) => table.toggleAllPageRowsSelected(event.target.checked)}
                    />
                  </th>
                )}
                {headers.map((header) => {
                  const column = header.column;
                  const meta = column.columnDef.meta;
                  const canSort = column.getCanSort();
                  const order = canSort && sorted?.id === column.id ? (sorted.desc ? 'descending' : 'ascending') : undefined;
                  const classes = [fixedClass(column.id, meta?.fixed), canSort ? 'dt-sortable' : '', order ? 'dt-sorted' : '']
                    .filter(Boolean)
                    .join(' ');
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={classes || undefined}
                      style={{ ...offsets.get(column.id), textAlign: meta?.align }}
                      aria-sort={order}
                      tabIndex={canSort ? 0 : undefined}
                      onClick={canSort ? () => sortBy(column.id) : undefined}
                      onKeyDown={
                        canSort
                          ? (event) => {
                              if (event.key !== 'Enter' && event.key !== ' ') return;
                              event.preventDefault();
                              sortBy(column.id);
                            }
                          : undefined
                      }
                    >
                      {canSort ? (
                        <span className="dt-sorter">
                          <span className="dt-title">
                            <table.FlexRender header={header} />
                          </span>
                          <span className="dt-sort-icons" aria-hidden>
                            <CaretUpOutlined className={order === 'ascending' ? 'active' : undefined} />
                            <CaretDownOutlined className={order === 'descending' ? 'active' : undefined} />
                          </span>
                        </span>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const classes = [row.getIsSelected() ? 'dt-row-selected' : '', rowClassName?.(row.original) ?? '']
                  .filter(Boolean)
                  .join(' ');
                return (
                  <tr key={row.id} className={classes || undefined}>
                    {withSelection && (
                      <td className={`dt-selection ${fixedClass(SELECTION_ID, 'left')}`} style={{ left: 0 }}>
                        <SelectCell row={row} labels={selectionLabels} />
                      </td>
                    )}
                    {row.getVisibleCells().map((cell) => {
                      const meta = cell.column.columnDef.meta;
                      const sortedHere = sorted?.id === cell.column.id && cell.column.getCanSort();
                      const cellClasses = [fixedClass(cell.column.id, meta?.fixed), sortedHere ? 'dt-sorted' : '']
                        .filter(Boolean)
                        .join(' ');
                      return (
                        <td
                          key={cell.id}
                          className={cellClasses || undefined}
                          style={{ ...offsets.get(cell.column.id), textAlign: meta?.align }}
                        >
                          <table.FlexRender cell={cell} />
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Spin>
      <Pagination
        className="dt-pagination"
        align="end"
        current={pagination.pageIndex + 1}
        pageSize={pagination.pageSize}
        total={table.getRowCount()}
        showSizeChanger
        pageSizeOptions={pageSizeOptions.map(String)}
        showTotal={showTotal}
        onChange={(page, pageSize) => table.setPagination({ pageSize, pageIndex: pageSize !== pagination.pageSize ? 0 : page - 1 })}
      />
    </div>
  );
}

/**
 * The shadows that show there is more to the left or right of the sticky columns: a class on the scrolling box, set
 * directly (no re-render of the rows) when it scrolls or changes size.
 */
function useShadowsWhileScrolled(ref: React.RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const update = () => {
      const max = box.scrollWidth - box.clientWidth;
      box.classList.toggle('dt-ping-left', box.scrollLeft > 0);
      box.classList.toggle('dt-ping-right', box.scrollLeft < max - 1);
    };
    update();
    box.addEventListener('scroll', update, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(update);
    observer?.observe(box);
    return () => {
      box.removeEventListener('scroll', update);
      observer?.disconnect();
    };
  }, [ref]);
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
