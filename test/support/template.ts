// The synthesized connector template for tests: from the on-disk cache keyed by the sources' hash
// (infra/local/template-cache.ts), so a test file does not synthesize again when nothing changed.

import type { CloudFormationTemplate } from '../../infra/local/synthesize.ts';
import { loadConnectorTemplate } from '../../infra/local/template-cache.ts';

let loading: Promise<CloudFormationTemplate> | undefined;

export function sharedTemplate(): Promise<CloudFormationTemplate> {
  loading ??= loadConnectorTemplate().then((loaded) => loaded.template);
  return loading;
}
