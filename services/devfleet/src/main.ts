export {};
// `npm run fleet`: the three-host dev fleet; `npm run fleet -- --hosts N`: the scaled fleet
// (N hosts, agents sharing processes, the fleet's own nats-server with per-host logins).
if (process.argv.includes('--hosts')) await import('./scaled-fleet-main');
else await import('./default-fleet-main');
