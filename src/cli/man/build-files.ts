// What scripts/build.mjs writes beside the bundles, by path under dist/: the man pages and
// the completion files a service install copies. The build bundles this module on its own
// and calls builtFiles(); none of it is in dist/patience.cjs but the completion scripts.
import { completionFiles } from '../completion/scripts.ts';
import { patiencePage } from './patience-page.ts';
import { patiencedPage } from './patienced-page.ts';

export function builtFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'man/patience.1': patiencePage(),
    'man/patienced.8': patiencedPage(),
  };
  for (const [name, text] of Object.entries(completionFiles())) files[`completion/${name}`] = text;
  return files;
}
