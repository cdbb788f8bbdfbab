import { SyncOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useId, useState } from 'react';
import type { CodeSource } from '@/shared/code-source.schema';
import { useI18n } from '@/lib/i18n/i18n';
import { useCheckGitRemote } from './code-sources.queries';
import { GitCheckResult, outcomeOf, type GitCheckOutcome } from './git-check-result';

/**
 * The details drawer's "Check now": asks the remote with the stored credentials (the server reads them by
 * `CodeSourceId`; only for a caller who may edit the code source) whether it answers, where the branch is, and
 * whether the pinned commit is still there.
 */
export function GitRemoteCheck({ item }: { item: CodeSource }) {
  const { t } = useI18n();
  const headingId = useId();
  const check = useCheckGitRemote();
  const [outcome, setOutcome] = useState<GitCheckOutcome>();
  const asked = { branch: item.CodeBranch || undefined, commit: item.CodeCommit || undefined };
  const run = async () => {
    try {
      const response = await check.mutateAsync({
        WorkspaceId: item.WorkspaceId,
        CodeRepo: item.CodeRepo,
        CodeSourceId: item.CodeSourceId,
        CodeBranch: asked.branch,
        CodeCommit: asked.commit,
      });
      setOutcome(outcomeOf({ response }, asked));
    } catch (error) {
      setOutcome(outcomeOf({ error }, asked));
    }
  };
  const response = outcome?.kind === 'answer' ? outcome.response : undefined;
  const branch = asked.branch ?? response?.DefaultBranch;
  return (
    <section aria-labelledby={headingId} className="git-remote-check">
      <Typography.Title level={2} id={headingId} style={{ fontSize: 16, marginTop: 24 }}>
        {t('git.remoteSection')}
      </Typography.Title>
      <Space wrap size={8}>
        <Button icon={<SyncOutlined aria-hidden />} onClick={() => void run()} loading={check.isPending} disabled={check.isPending}>
          {t('git.checkNow')}
        </Button>
        <Typography.Text type="secondary">{t('git.checkNowHelp')}</Typography.Text>
      </Space>
      <div role="status" className="git-connection-result">
        {check.isPending ? (
          <Typography.Text type="secondary">{t('git.testing')}</Typography.Text>
        ) : outcome ? (
          <GitCheckResult outcome={outcome}>
            {response?.BranchCommit && branch && <div>{t('git.branchTip', { branch, commit: response.BranchCommit })}</div>}
            {response?.CommitStatus && item.CodeCommit && (
              <div>{t(`git.commit.${response.CommitStatus}`, { commit: item.CodeCommit })}</div>
            )}
          </GitCheckResult>
        ) : null}
      </div>
    </section>
  );
}
