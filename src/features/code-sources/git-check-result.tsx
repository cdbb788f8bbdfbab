import { Alert } from 'antd';
import type { ReactNode } from 'react';
import type { GitCheckResponse } from '@/shared/git-remote.schema';
import { ApiError } from '@/lib/api-client';
import { errorText } from '@/lib/i18n/error-text';
import { formatNumber, useI18n, type Locale, type Translate } from '@/lib/i18n/i18n';
import { LocalTime } from '@/components/local-time';

/** What asking the remote came to: its answer (with what was asked), a 429, or a failure of the call itself. */
export type GitCheckOutcome =
  | { kind: 'answer'; response: GitCheckResponse; asked: { branch?: string; commit?: string } }
  | { kind: 'throttled' }
  | { kind: 'failed'; error: unknown };

/** The outcome of a call of CheckGitRemote, from its answer or its error. */
export function outcomeOf(
  result: { response: GitCheckResponse } | { error: unknown },
  asked: { branch?: string; commit?: string },
): GitCheckOutcome {
  if ('response' in result) return { kind: 'answer', response: result.response, asked };
  if (result.error instanceof ApiError && result.error.status === 429) return { kind: 'throttled' };
  return { kind: 'failed', error: result.error };
}

/** Results after which the remote's refs are known: it answered as a Git server and listed them. */
export function listedRefs(outcome: GitCheckOutcome | undefined): boolean {
  return outcome?.kind === 'answer' && ['Ok', 'BranchNotFound', 'CommitNotFound'].includes(outcome.response.Result);
}

/** Results that need no second thought before saving: the remote is there and has what was asked for. */
export function isGoodOutcome(outcome: GitCheckOutcome): boolean {
  return outcome.kind === 'answer' && (outcome.response.Result === 'Ok' || outcome.response.Result === 'Empty');
}

type AlertType = 'success' | 'info' | 'warning' | 'error';

/** One sentence per Result, in the user's language: what it means and what to do. */
export function outcomeText(outcome: GitCheckOutcome, t: Translate, locale: Locale): { type: AlertType; text: string } {
  if (outcome.kind === 'throttled') return { type: 'warning', text: t('git.throttled') };
  if (outcome.kind === 'failed') return { type: 'error', text: t('git.failed', { reason: errorText(outcome.error, t) }) };
  const { response, asked } = outcome;
  switch (response.Result) {
    case 'Ok':
      return response.DefaultBranch && response.RefCount !== undefined
        ? {
            type: 'success',
            text: t('git.result.Ok', { branch: response.DefaultBranch, count: formatNumber(response.RefCount, locale) }),
          }
        : { type: 'success', text: t('git.result.OkNoDetails') };
    case 'Empty':
      return { type: 'warning', text: t('git.result.Empty') };
    case 'Redirected':
      return response.RedirectLocation
        ? { type: 'error', text: t('git.result.Redirected', { location: response.RedirectLocation }) }
        : { type: 'error', text: t('git.result.RedirectedNowhere') };
    case 'BranchNotFound':
      return asked.branch
        ? { type: 'error', text: t('git.result.BranchNotFound', { branch: asked.branch }) }
        : { type: 'error', text: t('git.result.BranchNotFoundUnnamed') };
    case 'CommitNotFound':
      return { type: 'error', text: t('git.result.CommitNotFound', { commit: asked.commit ?? '' }) };
    case 'Unsupported':
      return { type: 'info', text: t('git.result.Unsupported') };
    default:
      return { type: 'error', text: t(`git.result.${response.Result}`) };
  }
}

/**
 * A check's outcome as an inline message. It has no role of its own: it is meant to sit in a live region
 * (`role="status"`) that stays in the page, so screen readers announce each new answer.
 */
export function GitCheckResult({ outcome, children }: { outcome: GitCheckOutcome; children?: ReactNode }) {
  const { t, locale } = useI18n();
  const { type, text } = outcomeText(outcome, t, locale);
  return (
    <Alert
      role={undefined}
      type={type}
      showIcon
      title={text}
      description={
        outcome.kind === 'answer' || children ? (
          <>
            {children}
            {outcome.kind === 'answer' && (
              <div className="git-checked-at">
                <CheckedAt iso={outcome.response.CheckedAt} />
              </div>
            )}
          </>
        ) : undefined
      }
    />
  );
}

/** "Checked <time>." with the time in the user's zone (a cached answer keeps the time the remote was asked). */
function CheckedAt({ iso }: { iso: string }) {
  const { t } = useI18n();
  const [before, after = ''] = t('git.checkedAt', { time: '\u0000' }).split('\u0000');
  return (
    <span>
      {before}
      <LocalTime iso={iso} />
      {after}
    </span>
  );
}
