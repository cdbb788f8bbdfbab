import { BranchesOutlined, PushpinOutlined } from '@ant-design/icons';
import { Space, Tag } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { CodeSource } from '@/shared/code-source.schema';
import type { Translate } from '@/lib/i18n/i18n';
import { CopyButton } from '@/components/copy-button';
import { dataColumnHelper, type DataTableColumn } from '@/components/data-table';
import { LocalTime } from '@/components/local-time';

const column = dataColumnHelper<CodeSource>();

export interface ColumnOptions {
  t: Translate;
  /** Where the name links to: the details drawer's URL. */
  detailsHref: (id: string) => string;
  renderActions: (item: CodeSource) => ReactNode;
}

/** Branch, or a pinned commit that overrides it (short; full hash and the branch in the native hover title). */
export function BranchOrCommit({ item, t }: { item: CodeSource; t: Translate }) {
  if (item.CodeCommit) {
    return (
      <Space
        size={4}
        aria-label={t('list.commitLabel', { commit: item.CodeCommit })}
        title={t('list.commitTooltip', { commit: item.CodeCommit, branch: item.CodeBranch || '—' })}
      >
        <PushpinOutlined aria-hidden />
        <span className="commit-code">{item.CodeCommit.slice(0, 7)}</span>
        <Tag className="tag-orange" style={{ marginInlineEnd: 0 }}>
          {t('list.pinned')}
        </Tag>
      </Space>
    );
  }
  return (
    <Space size={4}>
      <BranchesOutlined aria-hidden />
      <span>{item.CodeBranch}</span>
    </Space>
  );
}

/**
 * Columns hidden until the user shows them (the column-settings menu): the rest fit 1280 px without scrolling
 * sideways (48 + 180 + 270 + 240 + 170 + 100 + 150 = 1,158 px of the 1,200 the page leaves the table).
 */
export const DEFAULT_COLUMN_VISIBILITY: Readonly<Record<string, boolean>> = {
  MountPath: false,
  UserName: false,
  GmtCreateTime: false,
  GmtModifyTime: false,
};

/** The list's columns, as data; only the four SortBy columns sort; name and actions cannot be hidden. */
export function codeSourceColumns({ t, detailsHref, renderActions }: ColumnOptions): DataTableColumn<CodeSource>[] {
  return [
    column.accessor('DisplayName', {
      header: t('col.name'),
      enableSorting: true,
      enableHiding: false,
      meta: { width: 180, fixed: 'left' },
      cell: (info) => (
        <Link to={detailsHref(info.row.original.CodeSourceId)} className="name-link">
          {info.getValue()}
        </Link>
      ),
    }),
    column.accessor('CodeSourceId', {
      header: t('col.id'),
      enableSorting: true,
      meta: { width: 270 },
      cell: (info) => (
        <Space size={2} wrap={false}>
          <span className="mono nowrap" style={{ fontSize: 12 }}>
            {info.getValue()}
          </span>
          <CopyButton text={info.getValue()} label={t('common.copyIdOf', { name: info.row.original.DisplayName })} />
        </Space>
      ),
    }),
    column.accessor('CodeRepo', {
      header: t('col.codeRepo'),
      enableSorting: false,
      meta: { width: 240 },
      cell: (info) => (
        <span className="mono ellipsis" title={info.getValue()}>
          {info.getValue()}
        </span>
      ),
    }),
    column.display({
      id: 'BranchCommit',
      header: t('col.branchCommit'),
      meta: { width: 170 },
      cell: (info) => <BranchOrCommit item={info.row.original} t={t} />,
    }),
    column.accessor('Accessibility', {
      header: t('col.visibility'),
      enableSorting: false,
      meta: { width: 100 },
      cell: (info) => <VisibilityTag value={info.getValue()} t={t} />,
    }),
    column.accessor('MountPath', {
      header: t('col.mountPath'),
      enableSorting: false,
      meta: { width: 170 },
      cell: (info) => <span className="mono">{info.getValue()}</span>,
    }),
    column.accessor('UserName', {
      header: t('col.creator'),
      enableSorting: false,
      meta: { width: 110 },
      cell: (info) => info.getValue(),
    }),
    column.accessor('GmtCreateTime', {
      header: t('col.created'),
      enableSorting: true,
      meta: { width: 170 },
      cell: (info) => <LocalTime iso={info.getValue()} />,
    }),
    column.accessor('GmtModifyTime', {
      header: t('col.modified'),
      enableSorting: true,
      meta: { width: 170 },
      cell: (info) => <LocalTime iso={info.getValue()} />,
    }),
    column.display({
      id: 'actions',
      header: t('col.actions'),
      enableHiding: false,
      meta: { width: 150, fixed: 'right' },
      cell: (info) => renderActions(info.row.original),
    }),
  ];
}

export function VisibilityTag({ value, t }: { value: CodeSource['Accessibility']; t: Translate }) {
  return <Tag className={value === 'PUBLIC' ? 'tag-green' : 'tag-grey'}>{t(`visibility.${value}`)}</Tag>;
}
