import { Alert, Button, Collapse, Form, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useForm, type FieldPath } from 'react-hook-form';
import { ApiError } from '@/lib/api-client';
import { errorText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { FormField } from '@/components/form-field';
import { isValidCommit } from '@/shared/git';
import { CodeSourceField, fieldId, type CodeSourceFieldProps } from './code-source-field';
import { codeSourceFormResolver, FORM_FIELD_DESCRIPTORS, FORM_FIELDS, type CodeSourceFormValues } from './form-values';

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
}

const MAIN_FIELDS = FORM_FIELD_DESCRIPTORS.filter((field) => !('advanced' in field && field.advanced));
const ADVANCED_FIELDS = FORM_FIELD_DESCRIPTORS.filter((field) => 'advanced' in field && field.advanced);

/** The create/edit form, pure: values in, values out; it does not fetch or mutate. */
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
}: CodeSourceFormProps) {
  const { t } = useI18n();
  const [removeToken, setRemoveToken] = useState(false);
  // The last failed save that has no field of its own (shown above the form); cleared by the next submit.
  const [failure, setFailure] = useState<{ error: unknown }>();
  const serverError = failure?.error;
  const { control, handleSubmit, setError, setValue, watch, formState } = useForm<CodeSourceFormValues, unknown, CodeSourceFormValues>({
    defaultValues,
    resolver: codeSourceFormResolver,
    mode: 'onTouched',
  });
  const dirty = formState.isDirty || removeToken;
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
    },
    CodeRepoAccessToken: {
      extra: tokenExtra,
      placeholder: mode === 'edit' && hasToken && !removeToken ? t('field.tokenKeepPlaceholder') : undefined,
      onTextChange: (text) => {
        if (text !== '') setRemoveToken(false);
      },
    },
  };

  return (
    <form
      noValidate
      aria-label={mode === 'create' ? t('form.createTitle') : t('form.editTitle')}
      onSubmit={(event) =>
        void handleSubmit((values) => {
          setFailure(undefined);
          onSubmit(values, { removeToken, showServerError });
        })(event)
      }
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
            <CodeSourceField key={field.name} field={field} control={control} {...special[field.name]} />
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
