import { Input, Radio } from 'antd';
import type { ChangeEvent, ReactNode } from 'react';
import { Controller, type Control } from 'react-hook-form';
import { ruleText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { FormField } from '@/components/form-field';
import type { CodeSourceFormValues, FormFieldDescriptor } from './form-values';

/** The id of a field's control; its help line is `<id>-help`, its note `<id>-extra`. */
export const fieldId = (name: keyof CodeSourceFormValues) => `code-source-${name}`;

/** Lengths count code points, as the contract does. */
const codePoints = (text: string) => [...text].length;

export interface CodeSourceFieldProps {
  field: FormFieldDescriptor;
  control: Control<CodeSourceFormValues, unknown, CodeSourceFormValues>;
  /** Replaces the descriptor's help with a note that depends on the form's state. */
  extra?: ReactNode;
  /** A caution shown where an error would be (the value is valid but has an effect worth saying). */
  warning?: ReactNode;
  className?: string;
  /** Replaces the descriptor's placeholder. */
  placeholder?: string;
  /** Told the new text after each change (text inputs). */
  onTextChange?: (text: string) => void;
  /** Draws another control for a text field (the branch picker), wired like the default one. */
  renderInput?: (input: TextInputProps) => ReactNode;
}

/** What a text field's control is given: its value and state, with the field's ids for labelling. */
export interface TextInputProps {
  id: string;
  value: string;
  onChange: (text: string) => void;
  onBlur: () => void;
  placeholder: string | undefined;
  invalid: boolean;
  /** The ids that describe the control: its problem when there is one, else its note. */
  describedBy: string;
}

/** One field of the code source form, drawn from its descriptor: label, help, input kind, limit, error and ARIA wiring. */
export function CodeSourceField({
  field: d,
  control,
  extra,
  warning,
  className,
  placeholder,
  onTextChange,
  renderInput,
}: CodeSourceFieldProps) {
  const { t } = useI18n();
  const id = fieldId(d.name);
  const help = extra ?? (d.help ? t(d.help) : undefined);
  return (
    <Controller
      control={control}
      name={d.name}
      render={({ field, fieldState }) => {
        const error = fieldState.error ? ruleText(String(fieldState.error.type), d.name, t) : undefined;
        if (d.input === 'choice') {
          const labelId = `${id}-label`;
          return (
            <FormField id={id} label={<span id={labelId}>{t(d.label)}</span>} required={d.required} error={error} extra={help}>
              <Radio.Group
                id={id}
                aria-labelledby={labelId}
                value={field.value}
                onChange={(event) => field.onChange(event.target.value)}
                onBlur={field.onBlur}
                style={d.vertical ? { display: 'flex', flexDirection: 'column', gap: 8 } : undefined}
                options={(d.options ?? []).map((option) => ({ value: option.value, label: t(option.label) }))}
              />
            </FormField>
          );
        }
        const props = {
          ...field,
          value: String(field.value),
          id,
          'aria-invalid': error ? true : undefined,
          'aria-describedby': error ? `${id}-help` : undefined,
          className,
          placeholder: placeholder ?? d.placeholder,
          count: d.max === undefined ? undefined : { max: d.max, strategy: codePoints, show: d.showCount ?? false },
          onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
            field.onChange(event);
            onTextChange?.(event.target.value);
          },
        };
        const noSpellCheck = { autoComplete: 'off', spellCheck: false } as const;
        return (
          <FormField id={id} label={t(d.label)} required={d.required} error={error} warning={warning} extra={help}>
            {renderInput ? (
              renderInput({
                id,
                value: String(field.value),
                onChange: (text) => {
                  field.onChange(text);
                  onTextChange?.(text);
                },
                onBlur: field.onBlur,
                placeholder: placeholder ?? d.placeholder,
                invalid: error !== undefined,
                describedBy: error || warning ? `${id}-help` : `${id}-extra`,
              })
            ) : d.input === 'textarea' ? (
              <Input.TextArea {...props} autoSize={{ minRows: 2, maxRows: 6 }} />
            ) : d.input === 'secret' ? (
              // Password managers must not fill a Git token with the user's console password.
              <Input.Password {...props} autoComplete="new-password" data-1p-ignore data-lpignore="true" spellCheck={false} />
            ) : d.input === 'code' ? (
              <Input {...props} {...noSpellCheck} />
            ) : (
              <Input {...props} autoComplete="off" />
            )}
          </FormField>
        );
      }}
    />
  );
}
