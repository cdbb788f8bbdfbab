/**
 * Git address, branch and commit rules. The server never contacts a Git host, so these rules are what stands
 * between a typo (or a hostile value) and a training job that clones it.
 */

export type GitAddressProblem = 'scheme_not_allowed' | 'credentials_in_url' | 'invalid_url';

const SCP_LIKE = /^([A-Za-z0-9_][A-Za-z0-9._-]*)@([A-Za-z0-9][A-Za-z0-9.-]*):(?!\/\/)(\S+)$/;
const HOSTNAME = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)$/;

/** Accepts `https://host/path`, `ssh://[user@]host[:port]/path` and `user@host:path`; names what is wrong otherwise. */
export function checkGitAddress(value: string): GitAddressProblem | null {
  if (/[\s\p{Cc}]/u.test(value)) return 'invalid_url';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // Not URL-shaped: either scp-like SSH or something we refuse (local paths, `ext::`, `javascript:` ...).
    const scp = SCP_LIKE.exec(value);
    if (scp) {
      const [, , host = '', path = ''] = scp;
      if (!HOSTNAME.test(host) || path.startsWith('-')) return 'invalid_url';
      return null;
    }
    // `user:token@host/...` without a scheme still carries a secret; say so rather than "wrong scheme".
    if (/^[^/@\s]+:[^/@\s]+@/.test(value)) return 'credentials_in_url';
    return 'scheme_not_allowed';
  }
  if (scheme !== 'https' && scheme !== 'ssh') return 'scheme_not_allowed';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The WHATWG parser rejects some credential forms before we can look at them.
    return /^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(value) ? 'credentials_in_url' : 'invalid_url';
  }
  if (url.password !== '') return 'credentials_in_url';
  if (scheme === 'https' && url.username !== '') return 'credentials_in_url';
  if (!url.hostname || !HOSTNAME.test(url.hostname) || url.hostname.startsWith('-')) return 'invalid_url';
  if (url.pathname === '' || url.pathname === '/') return 'invalid_url';
  if (url.search !== '' || url.hash !== '') return 'invalid_url';
  return null;
}

/** git check-ref-format --branch, rule by rule (see git-check-ref-format(1)). */
export function isValidBranchName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  if (name === '@' || name === 'HEAD' || name.startsWith('-')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return false;
  if (name.endsWith('.') || name.includes('..') || name.includes('@{')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false;
  for (const component of name.split('/')) {
    if (component.startsWith('.') || component.endsWith('.lock')) return false;
  }
  return true;
}

const COMMIT = /^(?:[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})$/;
/** A (possibly abbreviated) SHA-1, or a full SHA-256 object name. */
export function isValidCommit(value: string): boolean {
  return COMMIT.test(value);
}

/** Where the repository is mounted in the training container. */
export function checkMountPath(value: string): 'not_absolute' | 'dot_segment' | 'forbidden_characters' | null {
  if (/[\p{Cc}]/u.test(value)) return 'forbidden_characters';
  if (!value.startsWith('/')) return 'not_absolute';
  if (value.split('/').some((segment) => segment === '.' || segment === '..')) return 'dot_segment';
  return null;
}
