import { Alert, Button, Collapse, Form, Input, Radio, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Controller, useForm, type FieldPath } from 'react-hook-form';
import { ApiError } from '@/lib/api-client';
import { errorText, ruleText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { FormField } from '@/components/form-field';
import { isValidCommit } from '@/shared/git';
import { codeSourceFormResolver, FORM_FIELDS, type CodeSourceFormValues } from './form-values';

export interface CodeSourceFormProps {
  mode: 'create' | 'edit';
  defaultValues: CodeSourceFormValues;
  /** Edit only: whether the code source has an access token (the token itself is never shown). */
  hasToken?: boolean;
  onSubmit: (values: CodeSourceFormValues, options: { removeToken: boolean }) => void;
  onCancel: () => void;
  isSubmitting: boolean;
  /** The last failed save; field errors land on their field, the rest above the form. */
  serverError?: unknown;
  /** Edit only: a 412 — someone else saved in the meantime. */
  onReloadConflict?: () => void;
  /** Create from Duplicate: the original had a token, which is never copied — say so at the token field. */
  tokenNotCopied?: boolean;
  /** Told whether the form holds unsaved changes, so closing can ask before throwing them away. */
  onDirtyChange?: (dirty: boolean) => void;
}

const ID = (field: string) => `code-source-${field}`;

/** The create/edit form, pure: values in, values out; it does not fetch or mutate. */
export function CodeSourceForm({ mode, defaultValues, hasToken, onSubmit, onCancel, isSubmitting, serverError, onReloadConflict, tokenNotCopied, onDirtyChange }: CodeSourceFormProps) {
  const { t } = useI18n();
  const [removeToken, setRemoveToken] = useState(false);
  const { control, handleSubmit, setError, watch, formState } = useForm<CodeSourceFormValues, unknown, CodeSourceFormValues>({
    defaultValues,
    resolver: codeSourceFormResolver,
    mode: 'onTouched',
  });
  const { errors } = formState;
  const dirty = formState.isDirty || removeToken;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  const commit = watch('CodeCommit');
  const accessibility = watch('Accessibility');

  const fieldOfError = serverError instanceof ApiError ? fieldOf(serverError) : undefined;
  useEffect(() => {
    if (serverError instanceof ApiError) {
      const field = fieldOf(serverError);
      if (field) setError(field, { type: serverError.rule ?? 'duplicate_name', message: serverError.message }, { shouldFocus: true });
    }
  }, [serverError, setError]);

  const errorOf = (field: keyof CodeSourceFormValues) => {
    const error = errors[field];
    return error ? ruleText(String(error.type), field, t) : undefined;
  };
  const conflict = serverError instanceof ApiError && serverError.code === 'PreconditionFailed';
  const generalError = serverError && !fieldOfError && !conflict ? serverError : undefined;
  // Only a well-formed commit overrides the branch; a typo is an error of its own, not a reason to ignore the branch.
  const commitOverridesBranch = isValidCommit(commit.trim());
  // A save error without a field sits at the top of a long form: bring it into view and move focus to it.
  const alertRef = useRef<HTMLDivElement>(null);
  const showsAlert = conflict || generalError !== undefined;
  useEffect(() => {
    if (!showsAlert || !alertRef.current) return;
    alertRef.current.scrollIntoView?.({ block: 'nearest' });
    alertRef.current.focus();
  }, [showsAlert, serverError]);
  const ariaFor = (field: keyof CodeSourceFormValues) => ({
    id: ID(field),
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${ID(field)}-help` : undefined,
  });

  return (
    <form
      noValidate
      aria-label={mode === 'create' ? t('form.createTitle') : t('form.editTitle')}
      onSubmit={(event) => void handleSubmit((values) => onSubmit(values, { removeToken }))(event)}
    >
      <Form
        layout="vertical"
        component={false}
        requiredMark={(label, { required }) => (
          <>
            {label}
            {required && (
<span aria-hidden="true" className="required-mark" />
            )}
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
            <Button size="small" onClick={onReloadConflict}>
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

      <Controller
        control={control}
        name="DisplayName"
        render={({ field }) => (
          <FormField id={ID('DisplayName')} label={t('field.name')} required error={errorOf('DisplayName')} extra={t('field.nameHelp')}>
            <Input {...field} {...ariaFor('DisplayName')} maxLength={256} autoComplete="off" />
          </FormField>
        )}
      />
      <Controller
        control={control}
        name="Description"
        render={({ field }) => (
          <FormField id={ID('Description')} label={t('field.description')} error={errorOf('Description')}>
            <Input.TextArea {...field} {...ariaFor('Description')} autoSize={{ minRows: 2, maxRows: 6 }} />
          </FormField>
        )}
      />
      {mode === 'create' ? (
        <Controller
          control={control}
          name="Accessibility"
          render={({ field }) => (
            <FormField
              id={ID('Accessibility')}
              label={<span id={`${ID('Accessibility')}-label`}>{t('field.visibility')}</span>}
              extra={accessibility === 'PUBLIC' ? t('field.visibilityPublicHelp') : t('field.visibilityPrivateHelp')}
            >
              <Radio.Group
                id={ID('Accessibility')}
                aria-labelledby={`${ID('Accessibility')}-label`}
                value={field.value}
                onChange={(event) => field.onChange(event.target.value)}
                onBlur={field.onBlur}
                options={[
                  { value: 'PRIVATE', label: t('visibility.PRIVATE') },
                  { value: 'PUBLIC', label: t('visibility.PUBLIC') },
                ]}
              />
            </FormField>
          )}
        />
      ) : (
        <FormField id={ID('Accessibility')} label={t('field.visibility')} extra={t('field.visibilityReadOnly')}>
          <span id={ID('Accessibility')}>
            <Tag className={defaultValues.Accessibility === 'PUBLIC' ? 'tag-green' : 'tag-grey'}>{t(`visibility.${defaultValues.Accessibility}`)}</Tag>
          </span>
        </FormField>
      )}
      <Controller
        control={control}
        name="CodeRepo"
        render={({ field }) => (
          <FormField id={ID('CodeRepo')} label={t('field.codeRepo')} required error={errorOf('CodeRepo')} extra={t('field.codeRepoHelp')}>
            <Input {...field} {...ariaFor('CodeRepo')} placeholder="https://github.com/org/repo.git" autoComplete="off" spellCheck={false} />
          </FormField>
        )}
      />
      <Controller
        control={control}
        name="CodeBranch"
        render={({ field }) => (
          <FormField
            id={ID('CodeBranch')}
            label={t('field.codeBranch')}
            error={errorOf('CodeBranch')}
            warning={commitOverridesBranch ? t('field.branchIgnored') : undefined}
            extra={t('field.codeBranchHelp')}
          >
            <Input
              {...field}
              {...ariaFor('CodeBranch')}
              className={commitOverridesBranch ? 'is-ignored' : undefined}
              placeholder="master"
              autoComplete="off"
              spellCheck={false}
            />
          </FormField>
        )}
      />
      <Controller
        control={control}
        name="CodeCommit"
        render={({ field }) => (
          <FormField id={ID('CodeCommit')} label={t('field.codeCommit')} error={errorOf('CodeCommit')} extra={t('field.codeCommitHelp')}>
            <Input {...field} {...ariaFor('CodeCommit')} autoComplete="off" spellCheck={false} />
          </FormField>
        )}
      />
      <Controller
        control={control}
        name="CodeRepoUserName"
        render={({ field }) => (
          <FormField id={ID('CodeRepoUserName')} label={t('field.userName')} error={errorOf('CodeRepoUserName')} extra={t('field.userNameHelp')}>
            <Input {...field} {...ariaFor('CodeRepoUserName')} autoComplete="off" spellCheck={false} />
          </FormField>
        )}
      />
      <Controller
        control={control}
        name="CodeRepoAccessToken"
        render={({ field }) => (
          <FormField
            id={ID('CodeRepoAccessToken')}
            label={t('field.accessToken')}
            error={errorOf('CodeRepoAccessToken')}
            extra={
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
                    <Button type="link" size="small" danger onClick={() => { setRemoveToken(true); field.onChange(''); }}>
                      {t('field.removeToken')}
                    </Button>
                  </Space>
                )
              ) : tokenNotCopied ? (
                t('field.tokenNotCopied')
              ) : (
                t('field.accessTokenHelp')
              )
            }
          >
            <Input.Password
              {...field}
              {...ariaFor('CodeRepoAccessToken')}
              onChange={(event) => {
                field.onChange(event);
                if (event.target.value !== '') setRemoveToken(false);
              }}
              placeholder={mode === 'edit' && hasToken && !removeToken ? t('field.tokenKeepPlaceholder') : undefined}
              autoComplete="new-password"
              data-1p-ignore
              data-lpignore="true"
              spellCheck={false}
            />
          </FormField>
        )}
      />
      <Controller
        control={control}
        name="MountPath"
        render={({ field }) => (
          <FormField id={ID('MountPath')} label={t('field.mountPath')} error={errorOf('MountPath')} extra={t('field.mountPathHelp')}>
            <Input {...field} {...ariaFor('MountPath')} placeholder="/root/code/" autoComplete="off" spellCheck={false} />
          </FormField>
        )}
      />
      <Collapse
        ghost
        size="small"
        style={{ marginBottom: 16 }}
        items={[
          {
            key: 'advanced',
            label: t('form.advanced'),
            forceRender: true,
            children: (
              <Controller
                control={control}
                name="CloneType"
                render={({ field }) => (
                  <FormField id={ID('CloneType')} label={<span id={`${ID('CloneType')}-label`}>{t('field.cloneType')}</span>}>
                    <Radio.Group
                      id={ID('CloneType')}
                      aria-labelledby={`${ID('CloneType')}-label`}
                      value={field.value}
                      onChange={(event) => field.onChange(event.target.value)}
                      onBlur={field.onBlur}
                      style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
                      options={[
                        { value: 0, label: t('field.cloneType0') },
                        { value: 1, label: t('field.cloneType1') },
                      ]}
                    />
                  </FormField>
                )}
              />
            ),
          },
        ]}
      />
      <Space>
        <Button type="primary" htmlType="submit" loading={isSubmitting} disabled={isSubmitting}>
          {mode === 'create' ? t('form.create') : t('form.save')}
        </Button>
        <Button onClick={onCancel} disabled={isSubmitting}>
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
