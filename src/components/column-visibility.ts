import type { ColumnVisibilityState } from '@tanstack/react-table';
import { useCallback, useState } from 'react';

/**
 * What is stored for `storageKey`, over the defaults: only ids of `hideable` columns with a boolean count, so an old
 * or edited entry can neither hide a column that must stay nor add columns that do not exist.
 */
export function readColumnVisibility(
  storageKey: string,
  defaults: ColumnVisibilityState,
  hideable: readonly string[],
): ColumnVisibilityState {
  const visibility = { ...defaults };
  let stored: unknown;
  try {
    const text = window.localStorage.getItem(storageKey);
    stored = text === null ? undefined : JSON.parse(text);
  } catch {
    // Unavailable storage or a broken entry: the defaults.
    return visibility;
  }
  if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
    for (const id of hideable) {
      const value = (stored as Record<string, unknown>)[id];
      if (typeof value === 'boolean') visibility[id] = value;
    }
  }
  return visibility;
}

function writeColumnVisibility(storageKey: string, visibility: ColumnVisibilityState | undefined): void {
  try {
    if (visibility === undefined) window.localStorage.removeItem(storageKey);
    else window.localStorage.setItem(storageKey, JSON.stringify(visibility));
  } catch {
    // Storage full or unavailable: the choice holds for this visit only.
  }
}

/**
 * Which columns are shown, remembered in this browser under `storageKey` (the caller puts the user in the key, so
 * each user on a shared browser has their own). `reset` goes back to `defaults` and forgets the stored choice.
 */
export function usePersistentColumnVisibility(storageKey: string, defaults: ColumnVisibilityState, hideable: readonly string[]) {
  const [state, setState] = useState(() => ({ key: storageKey, visibility: readColumnVisibility(storageKey, defaults, hideable) }));
  // Another user (another key) signed in while mounted: read theirs.
  let visibility = state.visibility;
  if (state.key !== storageKey) {
    visibility = readColumnVisibility(storageKey, defaults, hideable);
    setState({ key: storageKey, visibility });
  }
  const onChange = useCallback(
    (next: ColumnVisibilityState) => {
      const kept: ColumnVisibilityState = {};
      for (const id of hideable) if (typeof next[id] === 'boolean') kept[id] = next[id];
      writeColumnVisibility(storageKey, kept);
      setState({ key: storageKey, visibility: { ...defaults, ...kept } });
    },
    [storageKey, defaults, hideable],
  );
  const reset = useCallback(() => {
    writeColumnVisibility(storageKey, undefined);
    setState({ key: storageKey, visibility: { ...defaults } });
  }, [storageKey, defaults]);
  return { visibility, onChange, reset };
}
