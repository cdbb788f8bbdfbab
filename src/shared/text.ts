/** Text rules shared by the server, the database's unique index and the console. */

/** The stored form of a text field: NFC, trimmed. */
export function normalizeText(value: string): string {
  return value.normalize('NFC').trim();
}

/** The one case fold used by the UNIQUE index and by search: NFC, then lower-case. */
export function foldName(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

/** Lengths count code points, not UTF-16 units, so an emoji counts once. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Control characters, line/paragraph separators, U+200B, U+FEFF and the bidi controls; ZWJ/ZWNJ stay allowed. */
const FORBIDDEN_IN_NAME = /[\p{Cc}\u2028\u2029\u200B\uFEFF\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;
/** A description may span lines and hold tabs; every other forbidden character stays forbidden. */
const FORBIDDEN_IN_DESCRIPTION =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u200B\uFEFF\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}\u200B\uFEFF\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;

export function hasForbiddenNameCharacters(value: string): boolean {
  return FORBIDDEN_IN_NAME.test(value);
}
export function hasForbiddenDescriptionCharacters(value: string): boolean {
  return FORBIDDEN_IN_DESCRIPTION.test(value);
}
export function hasWhitespaceOrControl(value: string): boolean {
  return WHITESPACE_OR_CONTROL.test(value);
}
