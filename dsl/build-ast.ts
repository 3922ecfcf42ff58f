/**
 * CST → AST. Plain functions over the generated CST types (cst.d.ts). The CST may be partial
 * after error recovery: every child is read as optional, and what is missing becomes an empty
 * name or a `Missing` expression, so the editor services still get a tree to work with.
 */
import type { CstNode, IToken } from 'chevrotain';
import type * as C from './cst.d.ts';
import type * as A from './ast.ts';
import { decodeString } from './strings.ts';
import { diag, type Diagnostic } from './diagnostics.ts';
import type { Span } from './spans.ts';

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  /** Offset to use for nodes recovery invented (they have no position of their own). */
  private last = 0;

  constructor(private readonly sourceLength: number) {}

  // ------------------------------------------------------------ helpers
  private tokSpan(t: IToken | undefined): Span {
    if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset)) return { start: this.last, end: this.last };
    this.last = t.endOffset! + 1;
    return { start: t.startOffset, end: t.endOffset! + 1 };
  }

  private nodeSpan(n: CstNode | undefined, fallback?: Span): Span {
    const loc = n?.location;
    if (!loc || Number.isNaN(loc.startOffset) || loc.endOffset === undefined || Number.isNaN(loc.endOffset)) return fallback ?? { start: this.last, end: this.last };
    return { start: loc.startOffset, end: loc.endOffset + 1 };
  }

  private ident(t: IToken | undefined): A.Ident {
    const span = this.tokSpan(t);
    if (!t || t.isInsertedInRecovery) return { kind: 'Ident', name: '', span, quoted: false };
    const quoted = t.image.startsWith('`');
    return { kind: 'Ident', name: quoted ? t.image.slice(1, -1) : t.image, span, quoted };
  }

  private string(t: IToken | undefined): A.StringLit | null {
    if (!t || t.isInsertedInRecovery) return null;
    const span = this.tokSpan(t);
    const d = decodeString(t.image);
    for (const b of d.badEscapes) this.diagnostics.push(diag('E003', { start: span.start + b.offset, end: span.start + b.offset + b.text.length }, { escape: b.text }));
    return { kind: 'String', value: d.value, form: d.form, span };
  }

  private number(t: IToken | undefined, minus?: IToken): A.NumberLit | null {
    if (!t || t.isInsertedInRecovery) return null;
    const span = this.tokSpan(t);
    const text = (minus ? '-' : '') + t.image;
    const value = Number(text);
    if (!Number.isFinite(value)) this.diagnostics.push(diag('E007', span, { text }));
    const s = minus ? { start: this.tokSpan(minus).start, end: span.end } : span;
    return { kind: 'Number', value: Number.isFinite(value) ? value : 0, text, integer: /^-?\d+$/.test(text), span: s };
  }

  private percent(t: IToken | undefined): A.PercentLit | null {
    if (!t || t.isInsertedInRecovery) return null;
    return { kind: 'Percent', value: Number(t.image.slice(0, -1)), span: this.tokSpan(t) };
  }

  private duration(t: IToken): A.DurationLit {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(t.image)!;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return { kind: 'Duration', ms: Number(m[1]) * unit, text: t.image, span: this.tokSpan(t) };
  }

  private bool(t: IToken): A.BoolLit {
    return { kind: 'Bool', value: t.image === 'true', span: this.tokSpan(t) };
  }

  private numberValue(n: C.NumberValueCstNode | undefined): A.NumberLit | null {
    return n ? this.number(n.children.Number?.[0], n.children.Minus?.[0]) : null;
  }

  private selector(n: C.SelectorCstNode | undefined): A.Selector | null {
    if (!n) return null;
    const c = n.children;
    const name = c.Name?.[0] ? this.ident(c.Name[0]) : null;
    return { kind: 'Selector', name, number: this.number(c.Number?.[0]), span: this.nodeSpan(n) };
  }

  // ------------------------------------------------------------ program
  program(n: C.ProgramCstNode, comments: IToken[]): A.Program {
    const statements: A.Statement[] = [];
    for (const s of n.children.statement ?? []) {
      const st = this.statement(s);
      if (st) statements.push(st);
    }
    return {
      kind: 'Program',
      statements,
      comments: comments.map((t) => ({ text: t.image, span: { start: t.startOffset, end: t.endOffset! + 1 } })),
      span: { start: 0, end: this.sourceLength }
    };
  }

  private statement(n: C.StatementCstNode): A.Statement | null {
    const c = n.children;
    if (c.pipelineStmt) return this.pipeline(c.pipelineStmt[0]);
    if (c.datasetStmt) return this.dataset(c.datasetStmt[0]);
    if (c.stageStmt) return this.stage(c.stageStmt[0]);
    if (c.splitStmt) return this.split(c.splitStmt[0]);
    if (c.trainStmt) return this.train(c.trainStmt[0]);
    if (c.evalStmt) return this.eval(c.evalStmt[0]);
    return null;
  }

  private pipeline(n: C.PipelineStmtCstNode): A.PipelineStmt {
    const c = n.children;
    const head = this.tokSpan(c.Pipeline?.[0]);
    return { kind: 'Pipeline', name: this.ident(c.Name?.[0]), description: this.string(c.StringLike?.[0]), head, span: this.nodeSpan(n, head) };
  }

  private dataset(n: C.DatasetStmtCstNode): A.DatasetStmt {
    const c = n.children;
    const head = this.tokSpan(c.Dataset?.[0]);
    const name = this.ident(c.Name?.[0]);
    let source: A.DatasetStmt['source'] = null;
    if (c.fileSource) {
      const f = c.fileSource[0].children;
      const [pathTok, formatTok] = f.StringLike ?? [];
      const path = this.string(pathTok) ?? { kind: 'String', value: '', form: 'plain', span: name.span };
      const format = f.Name?.[0] ? this.ident(f.Name[0]) : formatTok ? this.string(formatTok) : null;
      source = { kind: 'FileSource', path, format, options: f.block ? this.block(f.block[0]) : null, span: this.nodeSpan(c.fileSource[0]) };
    } else if (c.workspaceSource) {
      const w = c.workspaceSource[0].children;
      const dataset = w.Name?.[0] ? this.ident(w.Name[0]) : (this.string(w.StringLike?.[0]) ?? this.ident(undefined));
      source = { kind: 'WorkspaceSource', dataset, version: this.number(w.Number?.[0]), span: this.nodeSpan(c.workspaceSource[0]) };
    }
    return { kind: 'Dataset', name, source, head, span: this.nodeSpan(n, head) };
  }

  private stage(n: C.StageStmtCstNode): A.StageStmt {
    const c = n.children;
    const head = this.tokSpan(c.Stage?.[0]);
    const [nameTok, ...inputToks] = c.Name ?? [];
    const name = this.ident(nameTok);
    const inputs = inputToks.map((t) => this.ident(t));
    const ops = (c.operator ?? []).map((o) => this.operator(o)).filter((o): o is A.Operator => o !== null);
    return { kind: 'Stage', name, inputs, ops, head, span: this.nodeSpan(n, head) };
  }

  private split(n: C.SplitStmtCstNode): A.SplitStmt {
    const c = n.children;
    const head = this.tokSpan(c.Split?.[0]);
    const input = this.ident(c.Name?.[0]);
    const parts = (c.splitPart ?? []).map((p) => ({
      kind: 'SplitPart' as const,
      name: this.ident(p.children.Name?.[0]),
      percent: this.percent(p.children.Percent?.[0]),
      span: this.nodeSpan(p)
    }));
    return { kind: 'Split', input, parts, settings: this.inlineSettings(c.inlineSettings?.[0]), head, span: this.nodeSpan(n, head) };
  }

  private train(n: C.TrainStmtCstNode): A.TrainStmt {
    const c = n.children;
    const head = this.tokSpan(c.Train?.[0]);
    const [nameTok, dataTok, valTok] = c.Name ?? [];
    const name = this.ident(nameTok);
    const data = this.ident(dataTok);
    const validation = c.Validate ? this.ident(valTok) : null;
    const block = this.block(c.block?.[0]);
    return { kind: 'Train', name, data, validation, block, head, span: this.nodeSpan(n, head) };
  }

  private eval(n: C.EvalStmtCstNode): A.EvalStmt {
    const c = n.children;
    const head = this.tokSpan(c.Eval?.[0]);
    const names = c.Name ?? [];
    const lb = c.LBracket?.[0]?.startOffset ?? Infinity;
    const nameTok = names.find((t) => t.startOffset < lb);
    const dataTok = names.find((t) => t.startOffset > lb);
    const name = nameTok ? this.ident(nameTok) : null;
    const models = (c.modelRef ?? []).map((m) => this.modelRef(m));
    const data = this.ident(dataTok);
    return { kind: 'Eval', name, models, data, block: this.block(c.block?.[0]), head, span: this.nodeSpan(n, head) };
  }

  private modelRef(n: C.ModelRefCstNode): A.ModelRef {
    const c = n.children;
    const target = c.StringLike?.[0] ? this.string(c.StringLike[0])! : this.ident(c.Name?.[0]);
    return { kind: 'ModelRef', target, selector: this.selector(c.selector?.[0]), span: this.nodeSpan(n) };
  }

  // ------------------------------------------------------------ operators
  private operator(n: C.OperatorCstNode): A.Operator | null {
    const c = n.children;
    if (c.filterOp) return this.filter(c.filterOp[0]);
    if (c.dedupeOp) return this.dedupe(c.dedupeOp[0]);
    if (c.redactOp) {
      const r = c.redactOp[0];
      const head = this.tokSpan(r.children.Redact?.[0]);
      const items = (r.children.redactItem ?? []).map((i) => ({
        kind: 'RedactItem' as const,
        name: this.ident(i.children.Name?.[0]),
        pattern: this.string(i.children.StringLike?.[0]),
        span: this.nodeSpan(i)
      }));
      return { kind: 'Redact', items, head, span: this.nodeSpan(r, head) };
    }
    if (c.sampleOp) {
      const s = c.sampleOp[0].children;
      const head = this.tokSpan(s.Sample?.[0]);
      const amount = s.Percent ? this.percent(s.Percent[0]) : this.number(s.Number?.[0]);
      return { kind: 'Sample', amount, settings: this.inlineSettings(s.inlineSettings?.[0]), head, span: this.nodeSpan(c.sampleOp[0], head) };
    }
    if (c.limitOp) {
      const l = c.limitOp[0].children;
      const head = this.tokSpan(l.Limit?.[0]);
      return { kind: 'Limit', count: this.number(l.Number?.[0]), head, span: this.nodeSpan(c.limitOp[0], head) };
    }
    if (c.systemPromptOp) {
      const s = c.systemPromptOp[0].children;
      const head = this.tokSpan(s.SystemPrompt?.[0]);
      const mode = s.Identifier?.[0] ? this.ident(s.Identifier[0]) : null;
      return { kind: 'SystemPrompt', mode, template: this.string(s.StringLike?.[0]), head, span: this.nodeSpan(c.systemPromptOp[0], head) };
    }
    if (c.mapOp) {
      const m = c.mapOp[0].children;
      const head = this.tokSpan(m.Map?.[0]);
      const pairs = (m.rolePair ?? []).map((p) => ({
        kind: 'RolePair' as const,
        from: this.ident(p.children.Name?.[0]),
        to: this.ident(p.children.Name?.[1]),
        span: this.nodeSpan(p)
      }));
      return { kind: 'MapRoles', pairs, head, span: this.nodeSpan(c.mapOp[0], head) };
    }
    if (c.balanceOp) {
      const b = c.balanceOp[0].children;
      const head = this.tokSpan(b.Balance?.[0]);
      return { kind: 'Balance', column: this.ident(b.Name?.[0]), settings: this.inlineSettings(b.inlineSettings?.[0]), head, span: this.nodeSpan(c.balanceOp[0], head) };
    }
    return null;
  }

  private filter(n: C.FilterOpCstNode): A.FilterOp | A.FilterSqlOp {
    const c = n.children;
    const head = this.tokSpan(c.Filter?.[0]);
    if (c.Sql) {
      this.tokSpan(c.Sql[0]);
      const sql = this.string(c.StringLike?.[0]) ?? { kind: 'String' as const, value: '', form: 'plain' as const, span: head };
      return { kind: 'FilterSql', sql, head, span: this.nodeSpan(n, head) };
    }
    return { kind: 'Filter', expr: this.expression(c.expression?.[0]), head, span: this.nodeSpan(n, head) };
  }

  private dedupe(n: C.DedupeOpCstNode): A.DedupeOp {
    const c = n.children;
    const head = this.tokSpan(c.Dedupe?.[0]);
    const mode = c.Near ? 'near' : 'exact';
    const fl = c.fieldList?.[0];
    const fields = fl ? (fl.children.Name ?? []).map((t) => this.ident(t)) : [];
    return { kind: 'Dedupe', mode, fields, settings: this.inlineSettings(c.inlineSettings?.[0]), head, span: this.nodeSpan(n, head) };
  }

  // ------------------------------------------------------------ settings
  private inlineSettings(n: C.InlineSettingsCstNode | undefined): A.Setting[] {
    return (n?.children.inlineSetting ?? []).map((s) => {
      const c = s.children;
      const keyTok = c.NameKey?.[0] ?? c.SettingKey?.[0];
      const key = this.ident(keyTok);
      const values = [...(c.nameArg ? [this.nameArg(c.nameArg[0])] : []), ...this.values(c.values?.[0])];
      return { kind: 'Setting', key, known: true, values, block: null, span: this.nodeSpan(s, key.span) };
    });
  }

  block(n: C.BlockCstNode | undefined): A.Block {
    if (!n) return { kind: 'Block', settings: [], span: { start: this.last, end: this.last } };
    const settings = (n.children.setting ?? []).map((s) => this.setting(s));
    return { kind: 'Block', settings, span: this.nodeSpan(n) };
  }

  private setting(n: C.SettingCstNode): A.Setting {
    const c = n.children;
    const keyTok = c.NameKey?.[0] ?? c.SettingKey?.[0] ?? c.Identifier?.[0];
    const key = this.ident(keyTok);
    const known = keyTok !== undefined && !c.Identifier;
    const values = [...(c.nameArg ? [this.nameArg(c.nameArg[0])] : []), ...this.values(c.values?.[0])];
    const block = c.block ? this.block(c.block[0]) : null;
    return { kind: 'Setting', key, known, values, block, span: this.nodeSpan(n, key.span) };
  }

  private nameArg(n: C.NameArgCstNode): A.Value {
    const c = n.children;
    if (c.StringLike?.[0]) return this.string(c.StringLike[0])!;
    const name = this.ident(c.Name?.[0]);
    return { kind: 'Word', name, selector: this.selector(c.selector?.[0]), options: null, span: this.nodeSpan(n, name.span) };
  }

  private values(n: C.ValuesCstNode | undefined): A.Value[] {
    return (n?.children.value ?? []).map((v) => this.value(v)).filter((v): v is A.Value => v !== null);
  }

  private value(n: C.ValueCstNode): A.Value | null {
    const c = n.children;
    if (c.StringLike) return this.string(c.StringLike[0]);
    if (c.numberValue) return this.numberValue(c.numberValue[0]);
    if (c.Percent) return this.percent(c.Percent[0]);
    if (c.Duration) return this.duration(c.Duration[0]);
    if (c.True) return this.bool(c.True[0]);
    if (c.False) return this.bool(c.False[0]);
    if (c.list) return this.list(c.list[0]);
    if (c.word) return this.word(c.word[0]);
    return null;
  }

  private word(n: C.WordCstNode): A.WordValue {
    const c = n.children;
    const name = this.ident(c.Identifier?.[0] ?? c.QuotedIdentifier?.[0] ?? c.PlusPlusName?.[0]);
    const selector = this.selector(c.selector?.[0]);
    const options = c.LParen ? (c.wordOption ?? []).map((o) => this.wordOption(o)) : null;
    return { kind: 'Word', name, selector, options, span: this.nodeSpan(n, name.span) };
  }

  private wordOption(n: C.WordOptionCstNode): A.WordOption {
    const c = n.children;
    const name = this.ident(c.Name?.[0]);
    let value: A.WordOption['value'] = null;
    if (c.Name?.[1]) value = this.ident(c.Name[1]);
    else if (c.StringLike) value = this.string(c.StringLike[0]);
    else if (c.numberValue) value = this.numberValue(c.numberValue[0]);
    else if (c.Percent) value = this.percent(c.Percent[0]);
    else if (c.True) value = this.bool(c.True[0]);
    else if (c.False) value = this.bool(c.False[0]);
    return { kind: 'WordOption', name, value, span: this.nodeSpan(n, name.span) };
  }

  private list(n: C.ListCstNode): A.ListValue {
    const c = n.children;
    const items: { at: number; item: A.ListItem | null }[] = [];
    const at = (t: IToken | CstNode) => ('startOffset' in t ? t.startOffset : (t.location?.startOffset ?? 0));
    for (const t of c.StringLike ?? []) items.push({ at: at(t), item: this.string(t) });
    for (const v of c.numberValue ?? []) items.push({ at: at(v), item: this.numberValue(v) });
    for (const t of c.Percent ?? []) items.push({ at: at(t), item: this.percent(t) });
    for (const t of c.True ?? []) items.push({ at: at(t), item: this.bool(t) });
    for (const t of c.False ?? []) items.push({ at: at(t), item: this.bool(t) });
    for (const t of c.Name ?? []) items.push({ at: at(t), item: this.ident(t) });
    items.sort((a, b) => a.at - b.at);
    return { kind: 'List', items: items.map((i) => i.item).filter((i): i is A.ListItem => i !== null), span: this.nodeSpan(n) };
  }

  // ------------------------------------------------------------ expressions
  private missing(): A.MissingExpr {
    return { kind: 'Missing', span: { start: this.last, end: this.last } };
  }

  private binary(op: A.BinaryExpr['op'], left: A.Expr, right: A.Expr, opTok: IToken): A.BinaryExpr {
    return { kind: 'Binary', op, left, right, opSpan: this.tokSpan(opTok), span: { start: left.span.start, end: Math.max(right.span.end, left.span.end) } };
  }

  /** Folds `a op b op c` left-associatively; operator tokens are interleaved by offset. */
  private chain<N>(operands: N[] | undefined, ops: IToken[], build: (n: N) => A.Expr, opName: (t: IToken) => A.BinaryExpr['op']): A.Expr {
    const list = operands ?? [];
    if (list.length === 0) return this.missing();
    const sorted = [...ops].sort((a, b) => a.startOffset - b.startOffset);
    let acc = build(list[0]);
    for (let i = 1; i < list.length; i++) {
      const opTok = sorted[i - 1];
      acc = this.binary(opName(opTok), acc, build(list[i]), opTok);
    }
    return acc;
  }

  expression(n: C.ExpressionCstNode | undefined): A.Expr {
    if (!n) return this.missing();
    return this.chain(n.children.andExpr, n.children.Or ?? [], (a) => this.andExpr(a), () => 'or');
  }

  private andExpr(n: C.AndExprCstNode): A.Expr {
    return this.chain(n.children.notExpr, n.children.And ?? [], (x) => this.notExpr(x), () => 'and');
  }

  private notExpr(n: C.NotExprCstNode): A.Expr {
    const c = n.children;
    if (c.Not) {
      const head = this.tokSpan(c.Not[0]);
      const operand = c.notExpr ? this.notExpr(c.notExpr[0]) : this.missing();
      return { kind: 'Unary', op: 'not', operand, span: { start: head.start, end: Math.max(operand.span.end, head.end) } };
    }
    return c.predicate ? this.predicate(c.predicate[0]) : this.missing();
  }

  private predicate(n: C.PredicateCstNode): A.Expr {
    const c = n.children;
    const left = c.additive?.[0] ? this.additive(c.additive[0]) : this.missing();
    const end = this.nodeSpan(n, left.span).end;
    const span = { start: left.span.start, end };
    const cmp = c.Eq?.[0] ?? c.EqEq?.[0] ?? c.NotEq?.[0] ?? c.Less?.[0] ?? c.LessEq?.[0] ?? c.Greater?.[0] ?? c.GreaterEq?.[0];
    if (cmp) {
      const right = c.additive?.[1] ? this.additive(c.additive[1]) : this.missing();
      const op = (cmp.image === '==' ? '=' : cmp.image === '<>' ? '!=' : cmp.image) as A.CompareOp;
      return this.binary(op, left, right, cmp);
    }
    if (c.Is) return { kind: 'IsNull', negated: Boolean(c.Not), expr: left, span };
    const negated = Boolean(c.Not);
    if (c.Between) {
      const low = c.additive?.[1] ? this.additive(c.additive[1]) : this.missing();
      const high = c.additive?.[2] ? this.additive(c.additive[2]) : this.missing();
      return { kind: 'Between', negated, expr: left, low, high, span };
    }
    if (c.In) {
      const l = c.exprList?.[0];
      const items = (l?.children.expression ?? []).map((e) => this.expression(e));
      return { kind: 'In', negated, expr: left, items, listSpan: this.nodeSpan(l, span), span };
    }
    if (c.Like || c.Matches) {
      const pattern = this.string(c.StringLike?.[0]) ?? { kind: 'String' as const, value: '', form: 'plain' as const, span: { start: end, end } };
      return { kind: 'Like', op: c.Like ? 'like' : 'matches', negated, expr: left, pattern, span };
    }
    return left;
  }

  private additive(n: C.AdditiveCstNode): A.Expr {
    const ops = [...(n.children.Plus ?? []), ...(n.children.Minus ?? [])];
    return this.chain(n.children.multiplicative, ops, (m) => this.multiplicative(m), (t) => t.image as A.ArithOp);
  }

  private multiplicative(n: C.MultiplicativeCstNode): A.Expr {
    const ops = [...(n.children.Star ?? []), ...(n.children.Slash ?? [])];
    return this.chain(n.children.unary, ops, (u) => this.unary(u), (t) => t.image as A.ArithOp);
  }

  private unary(n: C.UnaryCstNode): A.Expr {
    const c = n.children;
    if (c.Minus) {
      const head = this.tokSpan(c.Minus[0]);
      const operand = c.unary ? this.unary(c.unary[0]) : this.missing();
      return { kind: 'Unary', op: '-', operand, span: { start: head.start, end: Math.max(operand.span.end, head.end) } };
    }
    return c.primary ? this.primary(c.primary[0]) : this.missing();
  }

  private primary(n: C.PrimaryCstNode): A.Expr {
    const c = n.children;
    if (c.StringLike) return this.string(c.StringLike[0]) ?? this.missing();
    if (c.Number) return this.number(c.Number[0]) ?? this.missing();
    if (c.True) return this.bool(c.True[0]);
    if (c.False) return this.bool(c.False[0]);
    if (c.Null) return { kind: 'Null', span: this.tokSpan(c.Null[0]) };
    if (c.Name) {
      const name = this.ident(c.Name[0]);
      if (c.LParen) {
        const args = (c.expression ?? []).map((e) => this.expression(e));
        return { kind: 'Call', fn: name, args, span: this.nodeSpan(n, name.span) };
      }
      return { kind: 'Column', name, span: name.span };
    }
    if (c.LParen) return c.expression ? this.expression(c.expression[0]) : this.missing();
    return this.missing();
  }
}
