// Settings every test run shares: adapters run in parallel workers, so no metrics server
// (it would fight over port 9080), and only warnings and errors in the logs.
process.env.METRICS_ENABLED = 'false'
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'error'
