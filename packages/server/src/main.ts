import { USAGE, parseCommandLine } from './cli/command-line.js';

/**
 * `node dist/main.js [command]`, also the installed `beacon` command (bin/beacon.js). Without an
 * argument it serves; help, version and unknown arguments print and start nothing.
 */
const command = parseCommandLine(process.argv.slice(2));
switch (command.kind) {
  case 'serve':
    await (await import('./cli/serve.js')).serve();
    break;
  case 'reset-admin-password':
    process.exitCode = await (await import('./cli/reset-admin-password.js')).resetAdminPasswordCommand();
    break;
  case 'version':
    console.log((await import('./cli/version.js')).serverVersion());
    break;
  case 'help':
    process.stdout.write(USAGE);
    break;
  case 'unknown':
    process.stderr.write(`beacon: unknown argument '${command.argument}'\n\n${USAGE}`);
    process.exitCode = 2;
    break;
}
