// `npm run check:functions`: lists every function over 60 lines that does not say why it is long.
//
// What counts as a function: function declarations, methods (and constructors, get/set
// accessors), arrow functions and function expressions, nested ones included. A function's
// length is its own line span, from the line of its first token (after any leading comment)
// to the line of its closing brace, inclusive; a nested function's lines also count for the
// function around it.
//
// Which files: every `src/**/*.ts` that is not a test (`*.test.ts`) or a declaration file
// (`*.d.ts`), or the files given on the command line.
//
// The rule: a function over 60 lines is allowed only when a comment immediately before it
// (a JSDoc block or `//` lines, attached to the declaration or, for an arrow function or
// function expression, to the statement, property or argument that holds it, or to the
// function whose whole body returns it) contains a
// sentence beginning `Long because` (any case), e.g. `// Long because the steps share ten
// locals and read top to bottom.` The marker is deliberately explicit: a comment that merely
// mentions "lines" does not count, so every exception is a stated reason someone can judge.
//
//   node scripts/long-functions.mjs [FILE...]   exit 0: none found; exit 1: each one as
//                                               `file:line name length`, to stdout
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const MAX_LINES = 60;
const MARKER = /\blong because\b/i;

/** Every non-test .ts file under dir, sorted. */
function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
      out.push(p);
  }
  return out.sort();
}

function isFunction(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node)
  );
}

/** A readable name: the declared one, else the variable, property or call that holds it. */
function nameOf(node) {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText();
  if (ts.isPropertyDeclaration(parent) && parent.name) return parent.name.getText();
  if (ts.isCallExpression(parent)) return `(callback to ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

/**
 * The nodes whose leading comments speak for this function: the function itself, then up
 * through what holds it (variable declaration and its statement, property, export, call
 * argument), stopping at anything that holds more than this one function.
 */
function commentHolders(node) {
  const holders = [node];
  let current = node;
  while (current.parent) {
    const parent = current.parent;
    const holds =
      ts.isVariableDeclaration(parent) ||
      ts.isVariableDeclarationList(parent) ||
      ts.isVariableStatement(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isExportAssignment(parent) ||
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      (ts.isCallExpression(parent) && current !== parent.expression);
    // A function whose whole body is `return <this function>` (a plugin factory) speaks for it.
    const returnedAlone =
      ts.isReturnStatement(parent) &&
      ts.isBlock(parent.parent) &&
      parent.parent.statements.length === 1 &&
      isFunction(parent.parent.parent);
    if (returnedAlone) {
      holders.push(...commentHolders(parent.parent.parent));
      break;
    }
    if (!holds) break;
    if (ts.isVariableDeclarationList(parent) && parent.declarations.length !== 1) break;
    holders.push(parent);
    current = parent;
  }
  return holders;
}

function leadingCommentText(sf, node) {
  const text = sf.getFullText();
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  return ranges.map((r) => text.slice(r.pos, r.end)).join('\n');
}

function saysWhyLong(sf, node) {
  return commentHolders(node).some((holder) => MARKER.test(leadingCommentText(sf, holder)));
}

/** The long functions of one file without a `Long because` comment: { file, line, name, lines }. */
export function longFunctionsIn(file, text = fs.readFileSync(file, 'utf8')) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (isFunction(node) && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = last - first + 1;
      if (lines > MAX_LINES && !saysWhyLong(sf, node)) found.push({ file, line: first, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args : sourceFiles('src');
  const found = files.flatMap((f) => longFunctionsIn(f));
  for (const f of found) process.stdout.write(`${f.file}:${f.line} ${f.name} ${f.lines}\n`);
  if (found.length > 0) {
    process.stderr.write(
      `${found.length} function(s) over ${MAX_LINES} lines without a "Long because" comment before them (see scripts/long-functions.mjs)\n`,
    );
    process.exit(1);
  }
}
