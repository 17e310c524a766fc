// The API reference: every public name of the published declarations (dist/index.d.ts,
// dist/promises.d.ts, dist/guest.d.ts, as `make` writes them) carries a JSDoc comment, and
// docs/api (generated from those comments by `npm run docs`, typedoc + typedoc-plugin-markdown,
// see typedoc.json) is what the sources generate today. A new public name without a comment, or
// a comment changed without regenerating docs/api, fails here.
//
// "Public name": every export of the three entry points (aliases followed to their declarations)
// other than Python's constants (host/constants.generated.d.ts, documented once in the module's
// comment), and every public member of the exported classes and interfaces, inherited ones
// included, except members that TypeScript's own libraries declare (Error's message, stack...).
// Each declaration counts: every overload, every getter, every property.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { ROOT } from './lib/helpers.mjs';

const DIST = join(ROOT, 'dist');
const ENTRIES = ['index.d.ts', 'promises.d.ts', 'guest.d.ts'];
const CONSTANTS = join(DIST, 'host', 'constants.generated.d.ts');

// A declaration's own JSDoc text (a comment holding only tags does not count).
function documented(decl) {
  let node = decl;
  // `export declare const x: T;`: the comment belongs to the statement.
  if (ts.isVariableDeclaration(node)) node = node.parent.parent;
  return ts.getJSDocCommentsAndTags(node).some((d) => ts.isJSDoc(d) && ts.getTextOfJSDocComment(d.comment)?.trim());
}

const inDist = (decl) => decl.getSourceFile().fileName.startsWith(DIST + sep);
const where = (decl) => {
  const sf = decl.getSourceFile();
  return `${relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(decl.getStart()).line + 1}`;
};
const isPublic = (decl) => !(ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) &&
  !(decl.name && ts.isPrivateIdentifier(decl.name));

// Every public name of the entry points and its declarations: [[label, declaration], ...].
function publicDeclarations() {
  const program = ts.createProgram(ENTRIES.map((f) => join(DIST, f)), {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'], types: ['node'], noEmit: true,
  });
  const checker = program.getTypeChecker();
  const out = [];
  const seen = new Set();
  const add = (label, decl) => {
    if (seen.has(decl) || !inDist(decl)) return;
    seen.add(decl);
    out.push([label, decl]);
  };
  // The members of a class or interface, with its base classes' (declared in dist/ only).
  const members = (label, sym) => {
    const decls = sym.getDeclarations() ?? [];
    for (const d of decls) {
      if (!ts.isClassDeclaration(d) && !ts.isInterfaceDeclaration(d)) continue;
      const type = checker.getDeclaredTypeOfSymbol(sym);
      for (const p of checker.getPropertiesOfType(type)) {
        const name = p.getName().replace(/^__@(\w+)@\d+$/, '[Symbol.$1]');
        for (const pd of p.getDeclarations() ?? []) if (isPublic(pd)) add(`${label}.${name}`, pd);
      }
      for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
        if (sig.declaration) add(`${label}()`, sig.declaration);
      }
      if (ts.isClassDeclaration(d)) {
        for (const m of d.members) if (ts.isConstructorDeclaration(m) && isPublic(m)) add(`${label} constructor`, m);
        // Inherited constructors: the base class's, as the class inherits them.
        for (const sig of checker.getTypeOfSymbolAtLocation(sym, d).getConstructSignatures()) {
          if (sig.declaration && isPublic(sig.declaration)) add(`${label} constructor`, sig.declaration);
        }
      }
    }
  };
  for (const entry of ENTRIES) {
    const sf = program.getSourceFile(join(DIST, entry));
    const mod = checker.getSymbolAtLocation(sf);
    for (const exp of checker.getExportsOfModule(mod)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decls = sym.getDeclarations() ?? [];
      if (decls.length && decls.every((d) => d.getSourceFile().fileName === CONSTANTS)) continue;
      const label = `${entry.replace('.d.ts', '')}: ${exp.getName()}`;
      for (const d of decls) add(label, d);
      members(label, sym);
    }
  }
  return out;
}

test('the declarations are built', () => {
  for (const f of [...ENTRIES, 'host/constants.generated.d.ts']) {
    assert.ok(existsSync(join(DIST, f)), `dist/${f} is missing: run make`);
  }
});

test('every public name of wasock, wasock/promises and wasock/guest has a JSDoc comment', () => {
  const all = publicDeclarations();
  // A floor, so that a change that finds nothing cannot pass: the two socket classes alone have ~100.
  assert.ok(all.length > 150, `only ${all.length} public declarations found`);
  const names = new Set(all.map(([label]) => label));
  for (const n of ['index: socket', 'index: create_connection', 'index: SocketType.recv', 'index: error.errno',
    'index: SocketFile.readline', 'promises: SocketType.recv', 'promises: getaddrinfo', 'promises: AbortError',
    'guest: runGuest', 'guest: RunGuestOptions.policy']) {
    assert.ok(names.has(n), `${n} was not found among the public names`);
  }
  const missing = all.filter(([, d]) => !documented(d)).map(([label, d]) => `${label} (${where(d)})`);
  assert.equal(missing, [], `public names without a JSDoc comment:\n  ${missing.join('\n  ')}`);
});

// Every file under dir: { relative path: contents }.
function tree(dir) {
  const files = {};
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

test('docs/api is what `npm run docs` generates from the sources today', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'wasock-docs-'));
  try {
    const out = join(tmp, 'api');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out],
      { cwd: ROOT, encoding: 'utf8', timeout: 300000 });
    assert.is(r.status, 0, `typedoc failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    const want = tree(out);
    const have = tree(join(ROOT, 'docs', 'api'));
    const stale = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort()
      .filter((f) => want[f] !== have[f])
      .map((f) => `docs/api/${f}: ${!(f in have) ? 'missing' : !(f in want) ? 'no longer generated' : 'differs'}`);
    assert.equal(stale, [], `docs/api is stale: run \`npm run docs\` and commit docs/api\n  ${stale.join('\n  ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
