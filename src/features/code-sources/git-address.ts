/** What `https://user:token@host/path` carries, and the address without it. */
export interface AddressCredentials {
  /** The address with the user name and token taken out. */
  address: string;
  userName: string;
  token: string;
}

const HTTPS_WITH_USERINFO = /^(https:\/\/)([^/?#]*)@([^/?#@]*)(.*)$/i;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // A lone "%" is kept as typed rather than lost.
    return part;
  }
}

/**
 * Finds a user name and/or token written into an https:// address (as copied from a clone URL). The address that
 * remains has neither; the credentials are percent-decoded, as git would send them. Undefined when there are none.
 */
export function credentialsInAddress(value: string): AddressCredentials | undefined {
  const match = HTTPS_WITH_USERINFO.exec(value.trim());
  if (!match) return undefined;
  const [, scheme = '', userInfo = '', host = '', rest = ''] = match;
  if (userInfo === '' || host === '') return undefined;
  const colon = userInfo.indexOf(':');
  const userName = decode(colon < 0 ? userInfo : userInfo.slice(0, colon));
  const token = colon < 0 ? '' : decode(userInfo.slice(colon + 1));
  if (userName === '' && token === '') return undefined;
  return { address: `${scheme}${host}${rest}`, userName, token };
}

/** Only https:// remotes are contacted by the check; SSH addresses are answered `Unsupported` without one. */
export function isCheckableAddress(value: string): boolean {
  return /^https:\/\//i.test(value.trim());
}
