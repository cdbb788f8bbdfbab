import { useQuery, useQueryClient } from '@tanstack/react-query';
import { AutoComplete, Radio, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { GIT_REF_KINDS, type GitRef, type GitRefKind, type GitRefsResponse } from '@/shared/git-remote.schema';
import { ApiError } from '@/lib/api-client';
import { errorText } from '@/lib/i18n/error-text';
import { formatNumber, useI18n } from '@/lib/i18n/i18n';
import { useDebouncedValue } from '@/components/use-debounced-value';
import { codeSourceKeys, gitRefsQuery, type CheckedRemote } from './code-sources.queries';
import { outcomeText } from './git-check-result';

const SEARCH_DEBOUNCE_MS = 350;

/** A complete list (every match of its search) that the new search narrows: filtered here, without asking again. */
function narrowedFrom(cached: [readonly unknown[], GitRefsResponse | undefined][], search: string) {
  const needle = search.toLowerCase();
  let best: { search: string; data: GitRefsResponse } | undefined;
  for (const [key, data] of cached) {
    const asked = String(key.at(-1) ?? '');
    if (!data || data.Result !== 'Ok' || data.TotalCount > data.Refs.length) continue;
    if (!needle.includes(asked.toLowerCase())) continue;
    if (!best || asked.length > best.search.length) best = { search: asked, data };
  }
  return best;
}

export interface BranchPickerState {
  kind: GitRefKind;
  setKind: (kind: GitRefKind) => void;
  /** What the user typed into the picker (searched on the server once it settles). */
  setSearch: (text: string) => void;
  refs: GitRef[];
  defaultBranch: string;
  /** The line under the field: how many are shown of how many, loading, or why there is no list. */
  status: ReactNode;
}

/**
 * The remote's branches (or tags) for the Code Branch picker: asked once a check has reached the remote, then
 * searched on the server as the user types (debounced). A complete list is narrowed here, without a request.
 */
export function useBranchPicker(remote: CheckedRemote | undefined): BranchPickerState {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<GitRefKind>('Branch');
  const [search, setSearch] = useState('');
  // A newly reached remote starts from its whole list, whatever was typed before.
  const [listed, setListed] = useState(remote?.id);
  if (listed !== remote?.id) {
    setListed(remote?.id);
    setSearch('');
  }
  const debounced = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  // Clearing the box shows the whole list at once; only typing waits for the user to stop.
  const settled = search.trim() === '' ? '' : debounced;
  const base = remote
    ? narrowedFrom(
        queryClient.getQueriesData<GitRefsResponse>({
          queryKey: codeSourceKeys.gitRefs(remote.request.WorkspaceId, remote.id, kind, '').slice(0, -1),
        }),
        settled,
      )
    : undefined;
  const asked = base?.search ?? settled;
  const query = useQuery({
    ...gitRefsQuery(remote ?? { id: '', request: { WorkspaceId: '', CodeRepo: '' } }, kind, asked),
    enabled: remote !== undefined,
  });
  const number = (n: number) => formatNumber(n, locale);
  const data = remote ? query.data : undefined;
  const needle = settled.toLowerCase();
  const refs = data?.Result === 'Ok' ? data.Refs.filter((ref) => ref.Name.toLowerCase().includes(needle)) : [];
  const total = data && asked === settled ? data.TotalCount : refs.length;
  const tags = kind === 'Tag';

  let status: ReactNode;
  if (!remote) status = t('git.refsHint');
  else if (query.isError)
    status =
      query.error instanceof ApiError && query.error.status === 429
        ? t('git.throttled')
        : t('git.refsFailed', { reason: errorText(query.error, t) });
  else if (!data) status = tags ? t('git.tagsLoading') : t('git.branchesLoading');
  else if (data.Result !== 'Ok')
    status = t('git.refsFailed', {
      reason: outcomeText({ kind: 'answer', response: data, asked: {} }, t, locale).text,
    });
  else if (tags && total === 0 && settled === '') status = t('git.tagsEmpty');
  else if (refs.length === 0 && settled !== '') status = t(tags ? 'git.tagsNone' : 'git.branchesNone', { search: settled });
  else if (settled === '')
    status =
      total > refs.length
        ? t(tags ? 'git.tagsSome' : 'git.branchesSome', { shown: number(refs.length), total: number(total) })
        : t(tags ? 'git.tagsAll' : 'git.branchesAll', { count: number(total) });
  else
    status =
      total > refs.length
        ? t(tags ? 'git.tagsMatchSome' : 'git.branchesMatchSome', { search: settled, shown: number(refs.length), total: number(total) })
        : t(tags ? 'git.tagsMatch' : 'git.branchesMatch', { search: settled, count: number(total) });

  return { kind, setKind, setSearch, refs, defaultBranch: data?.DefaultBranch ?? '', status };
}

export interface BranchPickerProps {
  picker: BranchPickerState;
  id: string;
  value: string;
  onChange: (text: string) => void;
  onBlur: () => void;
  placeholder?: string;
  invalid: boolean;
  describedBy: string;
}

/** Code Branch: free text, with the remote's branches (or tags) offered as the user types. */
export function BranchPicker({ picker, id, value, onChange, onBlur, placeholder, invalid, describedBy }: BranchPickerProps) {
  const { t } = useI18n();
  const options = picker.refs.map((ref) => ({ value: ref.Name, label: ref.Name, title: ref.Name }));
  return (
    <AutoComplete
      id={id}
      value={value}
      options={options}
      onChange={(text: string) => onChange(text ?? '')}
      // A pick ends the search: opened again, the list is whole.
      onSelect={() => picker.setSearch('')}
      onBlur={onBlur}
      showSearch={{ onSearch: picker.setSearch, filterOption: false }}
      // The mark is drawn in the list only; the field shows the plain name.
      optionRender={(option) => (
        <span className="ref-option">
          <span className="mono">{option.value}</span>
          {picker.kind === 'Branch' && option.value === picker.defaultBranch && <Tag className="tag-blue">{t('git.defaultBranch')}</Tag>}
        </span>
      )}
      placeholder={placeholder}
      status={invalid ? 'error' : undefined}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      popupMatchSelectWidth
      // At most 50 rows: all of them in the page, so a screen reader and a search in the page find each one.
      virtual={false}
      style={{ width: '100%' }}
    />
  );
}

/** Branches or tags in the picker. */
export function RefKindSwitch({ picker }: { picker: BranchPickerState }) {
  const { t } = useI18n();
  return (
    <Radio.Group
      size="small"
      optionType="button"
      aria-label={t('git.refKind')}
      value={picker.kind}
      onChange={(event) => picker.setKind(event.target.value as GitRefKind)}
      options={GIT_REF_KINDS.map((kind) => ({ value: kind, label: kind === 'Branch' ? t('git.kindBranches') : t('git.kindTags') }))}
    />
  );
}
