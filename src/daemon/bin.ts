import { VERSION } from '../shared/version.ts';
process.stdout.write(`patienced version ${VERSION}\n`);
