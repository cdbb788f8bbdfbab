import { Form } from 'antd';
import type { ReactNode } from 'react';

export interface FormFieldProps {
  id: string;
  label: ReactNode;
  required?: boolean;
  /** The problem with the value, already in the user's language. */
  error?: string;
  /** A note under the field (hidden while an error shows). */
  extra?: ReactNode;
  warning?: ReactNode;
  children: ReactNode;
}

/** antd's Form.Item for a react-hook-form field: the label points at the control, the error sits beside it. */
export function FormField({ id, label, required, error, extra, warning, children }: FormFieldProps) {
  const help = error ?? warning;
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      required={required}
      validateStatus={error ? 'error' : warning ? 'warning' : undefined}
      help={help ? <span id={`${id}-help`}>{help}</span> : undefined}
      extra={extra ? <span id={`${id}-extra`}>{extra}</span> : undefined}
    >
      {children}
    </Form.Item>
  );
}
