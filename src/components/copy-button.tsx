import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '@/lib/i18n/i18n';

async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Older browsers and insecure origins: the textarea fallback.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/**
 * A small button that copies `text`; its accessible name says what it copies ("Copy ID"), and so does its native
 * hover title (a list shows one per row: an antd Tooltip each would be mounted up front). Once copied, the icon turns
 * into a tick and "Copied" is announced.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <>
      <Button
        type="text"
        size="small"
        aria-label={label}
        title={copied ? t('common.copied') : label}
        icon={copied ? <CheckOutlined /> : <CopyOutlined />}
        onClick={(event) => {
          event.stopPropagation();
          writeClipboard(text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      />
      {copied && (
        <span className="sr-only" role="status">
          {t('common.copied')}
        </span>
      )}
    </>
  );
}

/** A block of code to paste (a script, a job spec), readable by keyboard, with its copy button in the corner. */
export function CodeSnippet({ code, label }: { code: string; label: string }) {
  const { t } = useI18n();
  return (
    <div className="snippet">
      <pre aria-label={label} tabIndex={0}>
        {code}
      </pre>
      <div className="snippet-copy">
        <CopyButton text={code} label={t('common.copySnippet')} />
      </div>
    </div>
  );
}
