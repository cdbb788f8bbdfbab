import { describe, expect, it } from 'vitest';
import { checkGitAddress } from '@/shared/git';
import { credentialsInAddress, isCheckableAddress } from './git-address';

describe('credentialsInAddress: a clone URL with a user name and token pasted into Git Address', () => {
  const cases: [input: string, expected: ReturnType<typeof credentialsInAddress>][] = [
    [
      'https://alice:ghp_abc123@github.com/org/repo.git',
      { address: 'https://github.com/org/repo.git', userName: 'alice', token: 'ghp_abc123' },
    ],
    // Only the user name (GitLab's "oauth2@" style without a token).
    ['https://oauth2@gitlab.example.com/g/p.git', { address: 'https://gitlab.example.com/g/p.git', userName: 'oauth2', token: '' }],
    // Only a token, as some hosts accept.
    ['https://:tok@host.example/r.git', { address: 'https://host.example/r.git', userName: '', token: 'tok' }],
    // Percent-encoded characters are what git would send: decoded into the fields.
    [
      'https://me%40corp:p%3Ass%2Fw@git.corp.example:8443/team/r.git',
      { address: 'https://git.corp.example:8443/team/r.git', userName: 'me@corp', token: 'p:ss/w' },
    ],
    // A token may itself contain a colon; only the first one separates.
    ['https://u:a:b@h.example/r', { address: 'https://h.example/r', userName: 'u', token: 'a:b' }],
    // Surrounding spaces from a paste do not hide it; the scheme may be in capitals.
    ['  HTTPS://u:t@h.example/r.git ', { address: 'HTTPS://h.example/r.git', userName: 'u', token: 't' }],
    // An @ later in the path is not user info.
    ['https://h.example/org/@scope/r.git', undefined],
    ['https://github.com/org/repo.git', undefined],
    ['git@github.com:org/repo.git', undefined],
    ['ssh://git@github.com/org/repo.git', undefined],
    ['https://@h.example/r.git', undefined],
    ['https://u:t@/r.git', undefined],
    // A broken escape is kept as typed.
    ['https://u:%zz@h.example/r', { address: 'https://h.example/r', userName: 'u', token: '%zz' }],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(credentialsInAddress(input)).toEqual(expected);
  });

  it('leaves an address the contract accepts', () => {
    for (const [input, expected] of cases) {
      if (!expected) continue;
      expect(checkGitAddress(input.trim())).toBe('credentials_in_url');
      expect(checkGitAddress(expected.address)).toBeNull();
    }
  });
});

describe('isCheckableAddress', () => {
  it('is true for https:// only', () => {
    expect(isCheckableAddress('https://h.example/r.git')).toBe(true);
    expect(isCheckableAddress(' HTTPS://h.example/r.git')).toBe(true);
    expect(isCheckableAddress('git@h.example:r.git')).toBe(false);
    expect(isCheckableAddress('ssh://git@h.example/r.git')).toBe(false);
    expect(isCheckableAddress('http://h.example/r.git')).toBe(false);
  });
});
