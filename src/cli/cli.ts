import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { AppError } from '../http/app-error';
import { ConfigError, loadConfig } from '../config/app-config';
import { loadDotEnv } from '../config/dotenv';
import { IN_MEMORY } from '../app/data-source-options';
import { CliModule } from './cli.module';
import {
  createKey,
  type CreateKeyOptions,
  Io,
  listKeys,
  migrate,
  resetPassword,
} from './commands';

/** A failure the CLI reports as one line on stderr, with exit status 1. */
class CliError extends Error {}

type Action = (app: INestApplicationContext) => Promise<void>;

/**
 * `opsgate <command>` (SPEC §15): the operator's tools that need no running
 * server. Exit status 0 on success; otherwise 1 and one line on stderr.
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    if (argv.length <= 2) {
      throw new CliError(
        `no command given; use one of: ${program.commands.map((c) => c.name()).join(', ')} (see --help)`,
      );
    }
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    io.err(`opsgate: ${messageOf(error)}`);
    return 1;
  }
}

function buildProgram(io: Io): Command {
  const program = new Command('opsgate')
    .description('Operate an opsgate database without a running server.')
    .exitOverride()
    // Commander's own error text becomes our one line (see runCli).
    .configureOutput({
      writeErr: () => {},
      writeOut: (text) => io.out(text.trimEnd()),
    });
  declareCommands(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** Each command opens the database (an existing one but for migrate), runs, and closes it. */
function declareCommands(program: Command, io: Io): void {
  program
    .command('migrate')
    .description(
      'apply pending migrations, then exit (never creates the admin)',
    )
    .action(() => withApp(false, (app) => migrate(app, io)));
  program
    .command('reset-password')
    .description(
      "set a user's password (a random one is printed) and end its sessions",
    )
    .argument('<username>')
    .option(
      '--stdin',
      'read the new password from the first line of standard input',
    )
    .action((username: string, options: { stdin?: boolean }) =>
      withApp(true, (app) => resetPassword(app, io, username, options)),
    );
  program
    .command('create-key')
    .description('create an API key and print its secret (only this once)')
    .requiredOption('--title <title>', 'the key title')
    .option('--privileges <ids>', 'comma-separated privilege ids')
    .option('--expires-at <iso>', 'an ISO 8601 instant in the future')
    .action((options: CreateKeyOptions) =>
      withApp(true, (app) => createKey(app, io, options)),
    );
  program
    .command('list-keys')
    .description('list the API keys (masks only)')
    .action(() => withApp(true, (app) => listKeys(app, io)));
}

/** Opens the database through the app's own modules, runs `action`, closes it. */
async function withApp(needsExisting: boolean, action: Action): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const path = config.databaseUrl ? 'of DATABASE_URL' : config.databasePath;
  // A typo in DATABASE_PATH must not silently create an empty database.
  const isFile = !config.databaseUrl && path !== IN_MEMORY;
  if (needsExisting && isFile && !existsSync(path)) {
    throw new CliError(
      `cannot open the database: no file at ${path} (run "opsgate migrate" to create it)`,
    );
  }
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(CliModule, {
      logger: false,
      abortOnError: false,
    });
  } catch (error) {
    throw new CliError(`cannot open the database ${path}: ${messageOf(error)}`);
  }
  try {
    await action(app);
  } finally {
    await app.close();
  }
}

function messageOf(error: unknown): string {
  let text: string;
  if (error instanceof AppError) text = error.detail;
  else if (error instanceof CommanderError)
    text = error.message.replace(/^error: /, '');
  else if (error instanceof CliError || error instanceof ConfigError)
    text = error.message;
  else text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ');
}
