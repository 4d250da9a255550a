/** The envelope both benchmarks send: a CI deploy event, as a sender would POST it. */
export const DEPLOY_STARTED = {
  type: 'deploy.started',
  module: 'ci',
  source: 'github-actions',
  summary: 'prod deploy of api started',
  severity: 'info',
  payload: { service: 'api', env: 'prod', commit: 'a1b2c3d' },
} as const;
