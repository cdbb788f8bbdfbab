/**
 * The console's antd design tokens. antd's muted text colours are too faint for WCAG AA on white; these keep the look
 * and pass 4.5:1. Shared by the ConfigProvider (`providers.tsx`) and the build's static CSS
 * (`scripts/antd-static-css.ts`), so both use the same theme.
 */
export const themeTokens = {
  colorPrimary: '#1668dc',
  // antd's derived hover blue is about 3.5:1 on white: a hovered default button's text would fail AA.
  colorPrimaryHover: '#0958d9',
  colorLink: '#1661c9',
  colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
  colorTextQuaternary: 'rgba(0, 0, 0, 0.55)',
  colorTextDescription: 'rgba(0, 0, 0, 0.62)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  colorTextDisabled: 'rgba(0, 0, 0, 0.45)',
  colorBgLayout: '#f0f2f5',
  colorError: '#cf1322',
  colorWarning: '#874d00',
  colorWarningText: '#874d00',
  // Derived from the dark warning colour above, antd's warning background turns muddy brown: antd's own light ones.
  colorWarningBg: '#fffbe6',
  colorWarningBorder: '#ffe58f',
  colorErrorText: '#cf1322',
  colorSuccess: '#237804',
  // The darker status colours above would otherwise tint alert backgrounds a muddy olive and khaki.
  colorSuccessBg: '#f6ffed',
  colorSuccessBorder: '#b7eb8f',
};
