import type { RowSelectionState } from '@tanstack/react-table';
import { useState } from 'react';
import type { CodeSource } from '@/shared/code-source.schema';

/** The selected code sources, by id: kept while paging, so the names of rows on other pages are still known. */
export type Selected = Readonly<Record<string, CodeSource>>;

/**
 * The list's bulk selection. It survives paging and sorting within one view and starts empty when `view` (the
 * workspace and the filters) changes: rows chosen under one filter must not be acted on under another.
 */
export function useBulkSelection(view: string, pageRows: readonly CodeSource[]) {
  const [state, setState] = useState<{ view: string; selected: Selected }>({ view, selected: {} });
  // Reset during render, not in an effect: no frame ever shows the old selection under the new filter.
  const current = state.view === view ? state.selected : {};
  if (state.view !== view) setState({ view, selected: {} });

  // What the page shows now is newer than what was stored when the row was picked (e.g. its visibility).
  const selected: Record<string, CodeSource> = { ...current };
  for (const row of pageRows) if (selected[row.CodeSourceId]) selected[row.CodeSourceId] = row;

  const rowSelection: RowSelectionState = Object.fromEntries(Object.keys(selected).map((id) => [id, true as const]));
  const set = (next: Selected) => setState({ view, selected: next });

  return {
    selected,
    count: Object.keys(selected).length,
    /** TanStack Table's selection state (id → true). */
    rowSelection,
    /** Takes TanStack Table's next state; a newly selected id is a row of this page. */
    onRowSelectionChange(next: RowSelectionState) {
      const byId = new Map(pageRows.map((row) => [row.CodeSourceId, row]));
      const result: Record<string, CodeSource> = {};
      for (const id of Object.keys(next)) {
        const row = selected[id] ?? byId.get(id);
        if (row) result[id] = row;
      }
      set(result);
    },
    /** Keeps only these ids selected (the failed items of a batch, for a retry). */
    keepOnly(ids: readonly string[]) {
      const keep = new Set(ids);
      set(Object.fromEntries(Object.entries(selected).filter(([id]) => keep.has(id))));
    },
    clear() {
      set({});
    },
  };
}
