#!/usr/bin/env node
// Lets `npm start` and `npm test` work right after a clone: installs the locked dependencies when
// node_modules is missing or older than package-lock.json. Plain Node, no dependencies of its own.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = readFileSync(join(root, 'package-lock.json'));
const hash = createHash('sha256').update(lock).digest('hex');
const marker = join(root, 'node_modules', '.daalu-lock-hash');

if (existsSync(marker) && readFileSync(marker, 'utf8') === hash) process.exit(0);
if (existsSync(join(root, 'node_modules', '.package-lock.json')) && !existsSync(marker)) {
  // Installed by hand (npm ci / npm install) before this script existed: trust it and remember.
  writeFileSync(marker, hash);
  process.exit(0);
}
process.stderr.write('Installing dependencies (npm ci)...\n');
const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(marker, hash);
