import { PushpinOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import { useI18n } from '@/lib/i18n/i18n';
import { LocalTime } from '@/components/local-time';
import { outcomeText } from './git-check-result';
import type { GitChecks } from './use-git-checks';

/** "Pin to current commit" under Code Commit, and which branch it resolved and when (in a live region). */
export function PinCommit({ checks }: { checks: GitChecks }) {
  const { t, locale } = useI18n();
  const { pinned, pinFailure } = checks;
  // "Pinned to the tip of {branch} as of {time}." with the time as a <time> element in the user's zone.
  const [before, after = ''] = t('git.pinned', { branch: pinned?.branch ?? '', time: '\u0000' }).split('\u0000');
  return (
    <span className="pin-commit">
      <Button
        size="small"
        icon={<PushpinOutlined aria-hidden />}
        onClick={() => void checks.pin()}
        loading={checks.pinning}
        disabled={checks.pinning}
      >
        {t('git.pin')}
      </Button>
      <span role="status">
        {checks.pinning ? (
          t('git.pinning')
        ) : pinned ? (
          <span>
            {before}
            <LocalTime iso={pinned.at} />
            {after}
          </span>
        ) : pinFailure ? (
          <Typography.Text type="danger">{outcomeText(pinFailure, t, locale).text}</Typography.Text>
        ) : (
          t('git.pinHelp')
        )}
      </span>
    </span>
  );
}
