import { Button, Tooltip, type ButtonProps } from 'antd';
import { useId } from 'react';

/** antd's colour for disabled text. */
const DISABLED_TEXT = 'rgba(0, 0, 0, 0.25)';

export interface ReasonedButtonProps extends Omit<ButtonProps, 'disabled'> {
  /** Why the action is not available, in the user's language; the button is disabled when it is set. */
  reason?: string;
}

/**
 * A button that, when its action is not allowed, stays reachable by keyboard (`aria-disabled`, not `disabled`) and
 * says why: shown on hover and on focus, and announced as its description. A natively disabled button cannot be
 * focused, so a keyboard user would never learn the reason.
 */
export function ReasonedButton({ reason, onClick, ...props }: ReasonedButtonProps) {
  const reasonId = useId();
  if (reason === undefined) return <Button {...props} onClick={onClick} />;
  return (
    <>
      <Tooltip title={reason} trigger={['hover', 'focus']}>
        <Button
          {...props}
          style={{ ...props.style, color: DISABLED_TEXT, cursor: 'not-allowed' }}
          aria-disabled
          aria-describedby={reasonId}
          onClick={(event) => event.preventDefault()}
        />
      </Tooltip>
      <span id={reasonId} hidden>
        {reason}
      </span>
    </>
  );
}
