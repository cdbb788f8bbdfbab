import { Alert, Button, Collapse, Form, Space, Tag, Typography } from 'antd';
import { Fragment, useEffect, useRef, useState } from 'react';
import { useForm, type FieldPath } from 'react-hook-form';
import { isValidCommit } from '@/shared/git';
import { ApiError } from '@/lib/api-client';
import { errorText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { useFeedback } from '@/components/feedback';
import { FormField } from '@/components/form-field';
import { BranchPicker, RefKindSwitch, useBranchPicker } from './branch-picker';
import { CodeSourceField, fieldId, type CodeSourceFieldProps } from './code-source-field';
import { codeSourceFormResolver, FORM_FIELD_DESCRIPTORS, FORM_FIELDS, type CodeSourceFormValues } from './form-values';
import { credentialsInAddress } from './git-address';
import { isGoodOutcome, outcomeText } from './git-check-result';
import { GitConnection } from './git-connection';
import { PinCommit } from './pin-commit';
import { useGitChecks } from './use-git-checks';

export interface CodeSourceFormProps {
  mode: 'create' | 'edit';
  defaultValues: CodeSourceFormValues;
  /** Edit only: whether the code source has an access token (the token itself is never shown). */
  hasToken?: boolean;
  /**
   * Called with valid values. The container runs the mutation and hands a failure to `showServerError` from the
   * mutation's `onError`: a field error lands on its field, anything else above the form.
   */
  onSubmit: (values: CodeSourceFormValues, options: { removeToken: boolean; showServerError: (error: unknown) => void }) => void;
  onCancel: () => void;
  isSubmitting: boolean;
  /** Edit only: a 412 — someone else saved in the meantime. */
  onReloadConflict?: () => void;
  /** Create from Duplicate: the original had a token, which is never copied — say so at the token field. */
  tokenNotCopied?: boolean;
  /** Told whether the form holds unsaved changes, so closing can ask before throwing them away. */
  onDirtyChange?: (dirty: boolean) => void;
  /**
   * Where the Git remote is checked ("Test connection", the branch picker, "Pin to current commit", the check
   * before saving); without it the form asks nothing. Edit: the code source whose stored token the check may use.
   */
  git?: { workspaceId: string; codeSourceId?: string };
  /**
   * Changes when the user has signed in again over an ended session: a save refused because the session had ended
   * (401) is then no longer shown above the form, since pressing Save again now goes through.
   */
  session?: string;
}

const REFS_STATUS_ID = `${fieldId('CodeBranch')}-refs`;
const MAIN_FIELDS = FORM_FIELD_DESCRIPTORS.filter((field) => !('advanced' in field && field.advanced));
const ADVANCED_FIELDS = FORM_FIELD_DESCRIPTORS.filter((field) => 'advanced' in field && field.advanced);

/**
 * The create/edit form: values in, values out; it does not save. The one thing it asks the server is about the Git
 * remote (given `git`): checks and the branch list, which change nothing.
 */
export function CodeSourceForm({
  mode,
  defaultValues,
  hasToken,
  onSubmit,
  onCancel,
  isSubmitting,
  onReloadConflict,
  tokenNotCopied,
  onDirtyChange,
  git,
  session,
}: CodeSourceFormProps) {
  const { t, locale } = useI18n();
  const { confirm, message } = useFeedback();
  const [removeToken, setRemoveToken] = useState(false);
  // The last failed save that has no field of its own (shown above the form); cleared by the next submit.
  const [failure, setFailure] = useState<{ error: unknown }>();
  useEffect(() => {
    setFailure((shown) => (shown?.error instanceof ApiError && shown.error.status === 401 ? undefined : shown));
  }, [session]);
  const serverError = failure?.error;
  const form = useForm<CodeSourceFormValues, unknown, CodeSourceFormValues>({
    defaultValues,
    resolver: codeSourceFormResolver,
    mode: 'onTouched',
  });
  const { control, handleSubmit, setError, setValue, watch, formState } = form;
  const checks = useGitChecks(form, git && { ...git, hasStoredToken: hasToken, removeToken });
  const picker = useBranchPicker(checks.remote);
  // A clone URL with the user name and token in it: offered to be split into the fields it belongs in.
  const pastedCredentials = git ? credentialsInAddress(watch('CodeRepo')) : undefined;
  const dirty = formState.isDirty || removeToken;
  // Saving includes the check before it.
  const busy = isSubmitting || checks.running === 'save';
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  const commit = watch('CodeCommit');
  const accessibility = watch('Accessibility');

  const showServerError = (error: unknown) => {
    const field = error instanceof ApiError ? fieldOf(error) : undefined;
    if (error instanceof ApiError && field) {
      setError(field, { type: error.rule ?? 'duplicate_name', message: error.message }, { shouldFocus: true });
    } else {
      setFailure({ error });
    }
  };

  const conflict = serverError instanceof ApiError && serverError.code === 'PreconditionFailed';
  const generalError = failure && !conflict ? failure.error : undefined;
  // Only a well-formed commit overrides the branch; a typo is an error of its own, not a reason to ignore the branch.
  const commitOverridesBranch = isValidCommit(commit.trim());
  // A save error without a field sits at the top of a long form: bring it into view and move focus to it.
  const alertRef = useRef<HTMLDivElement>(null);
  const showsAlert = conflict || generalError !== undefined;
  useEffect(() => {
    if (!showsAlert || !alertRef.current) return;
    alertRef.current.scrollIntoView?.({ block: 'nearest' });
    alertRef.current.focus();
  }, [showsAlert, failure]);
  // What some fields show beyond their descriptor, from the form's state.
  const tokenExtra =
    mode === 'edit' && hasToken ? (
      removeToken ? (
        <Space size={4} wrap>
          <span>{t('field.tokenWillBeRemoved')}</span>
          <Button type="link" size="small" onClick={() => setRemoveToken(false)}>
            {t('field.keepToken')}
          </Button>
        </Space>
      ) : (
        <Space size={4} wrap>
          <span>{t('field.tokenSet')}</span>
          <Button
            type="link"
            size="small"
            danger
            onClick={() => {
              setRemoveToken(true);
              setValue('CodeRepoAccessToken', '', { shouldDirty: true });
            }}
          >
            {t('field.removeToken')}
          </Button>
        </Space>
      )
    ) : tokenNotCopied ? (
      t('field.tokenNotCopied')
    ) : undefined;
  const special: Partial<Record<keyof CodeSourceFormValues, Omit<CodeSourceFieldProps, 'field' | 'control'>>> = {
    Accessibility: { extra: accessibility === 'PUBLIC' ? t('field.visibilityPublicHelp') : t('field.visibilityPrivateHelp') },
    CodeBranch: {
      warning: commitOverridesBranch ? t('field.branchIgnored') : undefined,
      className: commitOverridesBranch ? 'is-ignored' : undefined,
      ...(git && {
        extra: (
          <span className="branch-picker-status">
            <span id={REFS_STATUS_ID}>{picker.status}</span>
            {checks.remote && <RefKindSwitch picker={picker} />}
          </span>
        ),
        // Described by the count ("50 of 1,234 branches"), not by the Branches/Tags switch beside it.
        renderInput: (input) => (
          <BranchPicker
            picker={picker}
            {...input}
            describedBy={input.describedBy.endsWith('-extra') ? REFS_STATUS_ID : input.describedBy}
          />
        ),
      }),
    },
    CodeCommit: git ? { extra: <PinCommit checks={checks} /> } : {},
    CodeRepoAccessToken: {
      extra: tokenExtra,
      placeholder: mode === 'edit' && hasToken && !removeToken ? t('field.tokenKeepPlaceholder') : undefined,
      onTextChange: (text) => {
        if (text !== '') setRemoveToken(false);
      },
    },
  };

  const moveCredentials = () => {
    if (!pastedCredentials) return;
    const options = { shouldDirty: true, shouldValidate: true, shouldTouch: true };
    setValue('CodeRepo', pastedCredentials.address, options);
    if (pastedCredentials.userName !== '') setValue('CodeRepoUserName', pastedCredentials.userName, options);
    if (pastedCredentials.token !== '') {
      setValue('CodeRepoAccessToken', pastedCredentials.token, options);
      setRemoveToken(false);
    }
  };

  /** Saves, after checking the remote if what it depends on changed since the last check; a problem asks first. */
  const submit = async (values: CodeSourceFormValues) => {
    setFailure(undefined);
    const save = () => onSubmit(values, { removeToken, showServerError });
    const outcome = await checks.checkBeforeSave(mode === 'edit' ? defaultValues : undefined);
    if (outcome === undefined || isGoodOutcome(outcome)) return save();
    // The check is advice: a busy check budget must not stand between the user and saving.
    if (outcome.kind === 'throttled') {
      void message.warning(t('git.saveCheckSkipped'));
      return save();
    }
    confirm({
      title: t('git.saveAnywayTitle'),
      content: (
        <>
          <p>{t('git.saveAnywayText')}</p>
          <p>
            <strong>{outcomeText(outcome, t, locale).text}</strong>
          </p>
          <p>{t('git.saveAnywayHint')}</p>
        </>
      ),
      okText: t('git.saveAnyway'),
      cancelText: t('form.keepEditing'),
      onOk: async () => save(),
    });
  };

  return (
    <form
      noValidate
      aria-label={mode === 'create' ? t('form.createTitle') : t('form.editTitle')}
      onSubmit={(event) => void handleSubmit(submit)(event)}
    >
      <Form
        layout="vertical"
        component={false}
        requiredMark={(label, { required }) => (
          <>
            {label}
            {required && <span aria-hidden="true" className="required-mark" />}
          </>
        )}
      >
        <div ref={alertRef} tabIndex={-1} className="form-alerts">
          {conflict && (
            <Alert
              type="warning"
              showIcon
              role="alert"
              style={{ marginBottom: 16 }}
              title={t('form.conflictTitle')}
              description={t('form.conflictText')}
              action={
                <Button
                  size="small"
                  onClick={() => {
                    setFailure(undefined);
                    onReloadConflict?.();
                  }}
                >
                  {t('form.reloadChanges')}
                </Button>
              }
            />
          )}
          {generalError !== undefined && (
            <Alert
              type="error"
              showIcon
              role="alert"
              style={{ marginBottom: 16 }}
              title={t('form.saveFailed')}
              description={
                <>
                  {errorText(generalError, t)}
                  {generalError instanceof ApiError && generalError.requestId && (
                    <div>
                      {t('error.requestId')}: <Typography.Text code>{generalError.requestId}</Typography.Text>
                    </div>
                  )}
                </>
              }
            />
          )}
        </div>

        {MAIN_FIELDS.map((field) =>
          field.name === 'Accessibility' && mode === 'edit' ? (
            // Visibility changes only through Make public / Make private, which are confirmed.
            <FormField key={field.name} id={fieldId(field.name)} label={t(field.label)} extra={t('field.visibilityReadOnly')}>
              <span id={fieldId(field.name)}>
                <Tag className={defaultValues.Accessibility === 'PUBLIC' ? 'tag-green' : 'tag-grey'}>
                  {t(`visibility.${defaultValues.Accessibility}`)}
                </Tag>
              </span>
            </FormField>
          ) : (
            <Fragment key={field.name}>
              <CodeSourceField field={field} control={control} {...special[field.name]} />
              {field.name === 'CodeRepo' && pastedCredentials && (
                <Alert
                  type="warning"
                  showIcon
                  className="form-inline-alert"
                  title={t('git.credentialsInAddress')}
                  description={
                    // Pressing it must not first blur the address: the error that blur shows would move the button away
                    // from under the pointer before the click lands.
                    <Button size="small" onMouseDown={(event) => event.preventDefault()} onClick={moveCredentials}>
                      {t('git.moveCredentials')}
                    </Button>
                  }
                />
              )}
              {field.name === 'CodeRepoAccessToken' && git && <GitConnection checks={checks} />}
            </Fragment>
          ),
        )}
        <Collapse
          ghost
          size="small"
          style={{ marginBottom: 16 }}
          items={[
            {
              key: 'advanced',
              label: t('form.advanced'),
              forceRender: true,
              children: ADVANCED_FIELDS.map((field) => <CodeSourceField key={field.name} field={field} control={control} />),
            },
          ]}
        />
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} disabled={busy}>
            {mode === 'create' ? t('form.create') : t('form.save')}
          </Button>
          <Button onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </Button>
        </Space>
      </Form>
    </form>
  );
}

/** The form field a server error belongs to, if it is one of ours. */
function fieldOf(error: ApiError): FieldPath<CodeSourceFormValues> | undefined {
  const field = error.code === 'Conflict.DuplicateName' ? 'DisplayName' : error.field;
  return (FORM_FIELDS as readonly string[]).includes(field ?? '') ? (field as FieldPath<CodeSourceFormValues>) : undefined;
}
