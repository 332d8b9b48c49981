#!/usr/bin/env node
// gongjian-verify.mjs: checks a Gongjian ledger download (ledger.json) offline.
//
//   node gongjian-verify.mjs ledger.json [--head <seq>:<hash>]
//
// One file, no dependencies, Node 18 or newer. It recomputes every entry's hash from the entry's
// canonical text and the previous hash, checks that the entries chain together, and, with --head,
// that a printed head (an entry number and its hash, as on a paper notice) is in the file.
//
// It is written from the description of the hash chain in the Gongjian source
// (packages/ledger/README.md, "The hash chain"), not from the code that writes the hashes, so
// that it is a second, independent implementation:
//
//   hash = SHA-256 over the UTF-8 bytes of (previous hash, 64 hex characters) + (canonical text)
//   the first entry's previous hash is 64 zeros
//   canonical text, version 1: one line per field, "name value\n", in this order:
//     gongjian-entry 1
//     fund "<fund id>"           seq <n>        id "<entry id>"     recorded <ISO time>
//     date <YYYY-MM-DD>          memo "<memo>"
//     key "<key>"                (when present)
//     reverses "<entry id>"      (when present)
//     settles "<hold id>" <amount>   (when present)
//     application "<id>"         (when present)
//     voucher "<number>"         (when present)
//     attachment <sha256>        (one line each)
//     posting <account> <debit|credit> <amount>[ "<memo>"]   (one line each)
//   "…" is a JSON string literal; amounts have two decimals and no grouping.
//
// Exit status: 0 every check passed, 1 a check failed (the first bad entry is named),
// 2 the input could not be read.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;
const AMOUNT = /^\d+\.\d{2}$/;

function usage(message) {
  process.stderr.write(`${message}\nusage: node gongjian-verify.mjs ledger.json [--head <seq>:<hash>]\n`);
  process.exit(2);
}

function parseArguments(argv) {
  let file = null;
  let head = null;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--head') {
      const value = argv[index + 1];
      index += 1;
      const match = /^(\d+):([0-9a-fA-F]{64})$/.exec((value ?? '').replace(/\s+/g, ''));
      if (match === null) usage('--head needs <seq>:<hash>, e.g. --head 60:66bd85e2… (64 hex characters)');
      head = { seq: Number(match[1]), hash: match[2].toLowerCase() };
    } else if (argument === '--help' || argument === '-h') {
      usage('Checks the hash chain of a Gongjian ledger.json download.');
    } else if (file === null) {
      file = argument;
    } else {
      usage(`unexpected argument: ${argument}`);
    }
  }
  if (file === null) usage('no ledger.json given');
  return { file, head };
}

const quote = (text) => JSON.stringify(text);

function isText(value) {
  return typeof value === 'string';
}

/** The canonical text of one entry of the download, or a description of what is malformed. */
function canonicalText(fundId, entry) {
  const problems = [];
  const need = (ok, what) => {
    if (!ok) problems.push(what);
  };
  need(Number.isSafeInteger(entry.seq) && entry.seq >= 1, 'seq is not a positive whole number');
  need(isText(entry.id), 'id is not text');
  need(isText(entry.recordedAt), 'recordedAt is not text');
  need(isText(entry.date) && /^\d{4}-\d{2}-\d{2}$/.test(entry.date), 'date is not YYYY-MM-DD');
  need(isText(entry.memo), 'memo is not text');
  need(entry.key === null || isText(entry.key), 'key is neither null nor text');
  need(entry.reverses === null || isText(entry.reverses), 'reverses is neither null nor text');
  need(
    entry.settles === null ||
      (typeof entry.settles === 'object' && isText(entry.settles.hold) && AMOUNT.test(String(entry.settles.amount))),
    'settles is malformed'
  );
  need(entry.application === null || isText(entry.application), 'application is neither null nor text');
  need(entry.voucher === null || isText(entry.voucher), 'voucher is neither null nor text');
  need(
    Array.isArray(entry.attachments) && entry.attachments.every((hash) => isText(hash) && HEX64.test(hash)),
    'attachments are malformed'
  );
  need(Array.isArray(entry.postings), 'postings is not a list');
  need(isText(entry.prevHash) && HEX64.test(entry.prevHash), 'prevHash is not 64 hex characters');
  need(isText(entry.hash) && HEX64.test(entry.hash), 'hash is not 64 hex characters');
  if (Array.isArray(entry.postings)) {
    entry.postings.forEach((posting, index) => {
      const ok =
        posting !== null &&
        typeof posting === 'object' &&
        isText(posting.account) &&
        /^\S+$/.test(posting.account) &&
        (posting.side === 'debit' || posting.side === 'credit') &&
        isText(posting.amount) &&
        AMOUNT.test(posting.amount) &&
        (posting.memo === null || posting.memo === undefined || isText(posting.memo));
      need(ok, `posting ${index + 1} is malformed (an amount must be written like 5000.00)`);
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const lines = [
    'gongjian-entry 1',
    `fund ${quote(fundId)}`,
    `seq ${entry.seq}`,
    `id ${quote(entry.id)}`,
    `recorded ${entry.recordedAt}`,
    `date ${entry.date}`,
    `memo ${quote(entry.memo)}`
  ];
  if (entry.key !== null) lines.push(`key ${quote(entry.key)}`);
  if (entry.reverses !== null) lines.push(`reverses ${quote(entry.reverses)}`);
  if (entry.settles !== null) lines.push(`settles ${quote(entry.settles.hold)} ${entry.settles.amount}`);
  if (entry.application !== null) lines.push(`application ${quote(entry.application)}`);
  if (entry.voucher !== null) lines.push(`voucher ${quote(entry.voucher)}`);
  for (const attachment of entry.attachments) lines.push(`attachment ${attachment}`);
  for (const posting of entry.postings) {
    const memo = posting.memo === null || posting.memo === undefined ? '' : ` ${quote(posting.memo)}`;
    lines.push(`posting ${posting.account} ${posting.side} ${posting.amount}${memo}`);
  }
  return { ok: true, text: `${lines.join('\n')}\n` };
}

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

function fail(message) {
  process.stdout.write(`NOT OK: ${message}\n`);
  process.exit(1);
}

function main() {
  const { file, head } = parseArguments(process.argv.slice(2));
  let ledger;
  try {
    ledger = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (ledger === null || typeof ledger !== 'object' || ledger.format !== 'gongjian-ledger 1') {
    process.stderr.write(`${file} is not a Gongjian ledger download (format "gongjian-ledger 1")\n`);
    process.exit(2);
  }
  if (
    !Array.isArray(ledger.entries) ||
    ledger.fund === null ||
    typeof ledger.fund !== 'object' ||
    !isText(ledger.fund.id)
  ) {
    process.stderr.write(`${file} has no entries list or no fund id\n`);
    process.exit(2);
  }
  const scope = ledger.scope ?? {};
  const absent = (value) => value === null || value === undefined;
  const whole = absent(scope.project) && absent(scope.from) && absent(scope.to);
  const name = ledger.fund.nameZh ?? ledger.fund.slug ?? ledger.fund.id;
  process.stdout.write(
    `${name}: ${ledger.entries.length} entries, ${whole ? 'the whole fund' : 'part of the fund (a project or a period)'}\n`
  );

  let previous = null;
  for (const [index, entry] of ledger.entries.entries()) {
    const where = `entry ${entry?.seq ?? `#${index + 1} in the file`}`;
    if (entry === null || typeof entry !== 'object') fail(`${where} is not an object`);
    const canonical = canonicalText(ledger.fund.id, entry);
    if (!canonical.ok) fail(`${where} is malformed: ${canonical.problems.join('; ')}`);

    // The chain: in the whole fund the entries are 1, 2, 3 … with no gap; in part of it, each
    // entry that directly follows the one before in the file must carry that one's hash.
    const expected = previous === null ? (whole ? 1 : entry.seq) : previous.seq + 1;
    if (previous !== null && entry.seq <= previous.seq) {
      fail(`${where} comes after entry ${previous.seq}: the entries are out of order or repeated`);
    }
    if (whole && entry.seq !== expected) {
      fail(
        `entry ${expected} is missing (the file goes from ${previous === null ? 'the start' : `entry ${previous.seq}`} to entry ${entry.seq})`
      );
    }
    if (entry.seq === 1 && entry.prevHash !== GENESIS) {
      fail(`entry 1 must follow 64 zeros, but its previous hash is ${entry.prevHash}`);
    }
    if (previous !== null && entry.seq === previous.seq + 1 && entry.prevHash !== previous.hash) {
      fail(
        `${where} does not follow entry ${previous.seq}: it names the previous hash ${entry.prevHash}, ` +
          `but entry ${previous.seq}'s hash is ${previous.hash}`
      );
    }
    const recomputed = sha256(entry.prevHash + canonical.text);
    if (recomputed !== entry.hash) {
      const next = ledger.entries[index + 1];
      const hint =
        next && next.seq === entry.seq + 1 && next.prevHash === entry.hash
          ? ' The next entry still names the recorded hash, so the content of this entry was changed after it was recorded.'
          : '';
      fail(
        `${where} does not match its hash: its content gives ${recomputed}, the recorded hash is ${entry.hash}.${hint}\n` +
          `Its canonical text as the file has it:\n${canonical.text}`
      );
    }
    previous = entry;
  }

  const last = previous;
  if (whole && ledger.head && last !== null && ledger.head.seq === last.seq && ledger.head.hash !== last.hash) {
    fail(
      `the file's head says entry ${ledger.head.seq} has the hash ${ledger.head.hash}, but the entry's is ${last.hash}`
    );
  }
  if (whole && ledger.head && Number.isSafeInteger(ledger.head.seq) && (last?.seq ?? 0) !== ledger.head.seq) {
    fail(
      `the file's head is entry ${ledger.head.seq}, but its last entry is ${last?.seq ?? 'none'}: entries are missing at the end`
    );
  }
  process.stdout.write(
    last === null
      ? 'The file has no entries.\n'
      : `All ${ledger.entries.length} hashes match, and the entries chain together up to entry ${last.seq} (hash ${last.hash}).\n`
  );

  if (head !== null) {
    const entry = ledger.entries.find((candidate) => candidate.seq === head.seq);
    const after = ledger.entries.find((candidate) => candidate.seq === head.seq + 1);
    const found = entry?.hash ?? (after === undefined ? undefined : after.prevHash);
    if (found === undefined)
      fail(`entry ${head.seq} is not in this file, so the printed head cannot be checked with it`);
    if (found !== head.hash) {
      fail(`the printed head does not match: entry ${head.seq} has the hash ${found}, the printed one is ${head.hash}`);
    }
    process.stdout.write(
      `OK: the printed head matches entry ${head.seq}; the books up to it are unchanged since it was printed.\n`
    );
    process.exit(0);
  }
  process.stdout.write('OK\n');
  process.exit(0);
}

main();
