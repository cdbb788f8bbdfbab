import { startGitFixture } from './git-fixture';

/**
 * `node --import tsx src/testing/git-fixture-main.ts` — starts the Git fixture (for Playwright's global setup and
 * manual screenshots), prints one JSON line and runs until SIGTERM / SIGINT, then stops it (temp dir removed) and
 * exits 0. `GIT_FIXTURE_MANY_TAGS=0` builds 200 tags instead of 20,000. The JSON line holds origin, caFile,
 * untrustedOrigin, user, token, urls and repos; for manyTags only the tag count (`tagCount`), not 20,000 names.
 */

const fixture = await startGitFixture({ manyTags: process.env.GIT_FIXTURE_MANY_TAGS !== '0' });

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  fixture.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

const { tags, annotatedTags, ...manyTags } = fixture.repos.manyTags;
const line = {
  origin: fixture.origin,
  caFile: fixture.caFile,
  untrustedOrigin: fixture.untrustedOrigin,
  user: fixture.user,
  token: fixture.token,
  urls: fixture.urls,
  repos: { ...fixture.repos, manyTags: { ...manyTags, tagCount: Object.keys(tags).length, annotatedTagCount: annotatedTags.length } },
};
process.stdout.write(`${JSON.stringify(line)}\n`);
