/**
 * The .ftp grammar: a Chevrotain CstParser with error recovery. One instance is built once
 * (grammar self-analysis is the expensive part) and reused: `parser.input = tokens`.
 *
 * Shape of the language:
 *   program    := statement*
 *   statement  := pipeline | dataset | stage | split | train | eval
 *   stage      := 'stage' NAME 'from' NAME (',' NAME)* '{' operator* '}'
 *   operator   := filter | dedupe | redact | sample | limit | system_prompt | map roles | balance
 *   setting    := KEY value* block?        (inside { } of train, eval, style and file sources)
 *
 * Settings are flat: `method lora rank 16` is two settings, `method lora` and `rank 16`; the checker
 * knows which options belong together. A setting's values stay on the key's line (a list may
 * continue on later lines), so a misspelt option on the next line starts a new setting instead of
 * becoming a value of the previous one.
 */
import { CstParser, EOF, tokenLabel, tokenMatcher, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './lexer.ts';

const { kw } = T;

/** What a syntax error carries from the parser to parse.ts (as JSON in the exception message). */
export interface SyntaxErrorInfo {
  kind: 'mismatch' | 'no-viable' | 'early-exit' | 'extra';
  expected: string[];
  rule: string;
}

function labels(types: TokenType[]): string[] {
  return [...new Set(types.map((t) => tokenLabel(t)))];
}

const firstTokens = (paths: TokenType[][]): TokenType[] => paths.filter((p) => p.length > 0).map((p) => p[0]);

/** Chevrotain's messages are prose; ours are structured so parse.ts can build coded diagnostics. */
const structuredMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) => JSON.stringify({ kind: 'mismatch', expected: labels([expected]), rule: ruleName } satisfies SyntaxErrorInfo),
  buildNotAllInputParsedMessage: ({ ruleName }) => JSON.stringify({ kind: 'extra', expected: [], rule: ruleName } satisfies SyntaxErrorInfo),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) =>
    JSON.stringify({ kind: 'no-viable', expected: labels(expectedPathsPerAlt.flatMap(firstTokens)), rule: ruleName } satisfies SyntaxErrorInfo),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) =>
    JSON.stringify({ kind: 'early-exit', expected: labels(firstTokens(expectedIterationPaths)), rule: ruleName } satisfies SyntaxErrorInfo)
};

export class FtpParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, nodeLocationTracking: 'onlyOffset', maxLookahead: 3, errorMessageProvider: structuredMessages });
    this.performSelfAnalysis();
  }

  /** True when the next token starts on the line where the previous token ended. */
  private sameLine = (): boolean => {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (prev.tokenType === EOF || next.tokenType === EOF) return false;
    return (next.startLine ?? 0) === (prev.endLine ?? -1);
  };

  program = this.RULE('program', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.pipelineStmt) },
      { ALT: () => this.SUBRULE(this.datasetStmt) },
      { ALT: () => this.SUBRULE(this.stageStmt) },
      { ALT: () => this.SUBRULE(this.splitStmt) },
      { ALT: () => this.SUBRULE(this.trainStmt) },
      { ALT: () => this.SUBRULE(this.evalStmt) }
    ]);
  });

  pipelineStmt = this.RULE('pipelineStmt', () => {
    this.CONSUME(kw('pipeline'));
    this.CONSUME(T.Name);
    this.OPTION(() => this.CONSUME(T.StringLike));
  });

  datasetStmt = this.RULE('datasetStmt', () => {
    this.CONSUME(kw('dataset'));
    this.CONSUME(T.Name);
    this.CONSUME(kw('from'));
    this.OR([{ ALT: () => this.SUBRULE(this.fileSource) }, { ALT: () => this.SUBRULE(this.workspaceSource) }]);
  });

  fileSource = this.RULE('fileSource', () => {
    this.CONSUME(T.StringLike);
    this.OPTION(() => {
      this.CONSUME(kw('format'));
      this.OR([{ ALT: () => this.CONSUME2(T.Name) }, { ALT: () => this.CONSUME3(T.StringLike) }]);
    });
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  workspaceSource = this.RULE('workspaceSource', () => {
    this.CONSUME(kw('workspace'));
    this.OR([{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.StringLike) }]);
    this.OPTION(() => {
      this.CONSUME(T.At);
      this.CONSUME(T.NumberLit);
    });
  });

  stageStmt = this.RULE('stageStmt', () => {
    this.CONSUME(kw('stage'));
    this.CONSUME(T.Name);
    this.CONSUME(kw('from'));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME2(T.Name) });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.operator));
    this.CONSUME(T.RCurly);
  });

  splitStmt = this.RULE('splitStmt', () => {
    this.CONSUME(kw('split'));
    this.CONSUME(T.Name);
    this.CONSUME(kw('into'));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.splitPart) });
    this.SUBRULE(this.inlineSettings);
  });

  splitPart = this.RULE('splitPart', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Percent);
  });

  trainStmt = this.RULE('trainStmt', () => {
    this.CONSUME(kw('train'));
    this.CONSUME(T.Name);
    this.CONSUME(kw('from'));
    this.CONSUME2(T.Name);
    this.OPTION(() => {
      this.CONSUME(kw('validate'));
      this.CONSUME3(T.Name);
    });
    this.SUBRULE(this.block);
  });

  evalStmt = this.RULE('evalStmt', () => {
    this.CONSUME(kw('eval'));
    this.OPTION(() => this.CONSUME(T.Name));
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.modelRef) });
    this.CONSUME(T.RBracket);
    this.CONSUME(kw('on'));
    this.CONSUME2(T.Name);
    this.SUBRULE(this.block);
  });

  modelRef = this.RULE('modelRef', () => {
    this.OR([{ ALT: () => this.CONSUME(T.StringLike) }, { ALT: () => this.CONSUME(T.Name) }]);
    // a selector after a quoted base model is parsed so the checker can say why it is wrong
    this.OPTION(() => this.SUBRULE(this.selector));
  });

  /** `@best`, `@last`, `@epoch 2`, `@step 500`, `@3` */
  selector = this.RULE('selector', () => {
    this.CONSUME(T.At);
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      {
        ALT: () => {
          this.CONSUME(T.Name);
          this.OPTION(() => this.CONSUME2(T.NumberLit));
        }
      }
    ]);
  });

  // ---------------------------------------------------------------- operators
  operator = this.RULE('operator', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.filterOp) },
      { ALT: () => this.SUBRULE(this.dedupeOp) },
      { ALT: () => this.SUBRULE(this.redactOp) },
      { ALT: () => this.SUBRULE(this.sampleOp) },
      { ALT: () => this.SUBRULE(this.limitOp) },
      { ALT: () => this.SUBRULE(this.systemPromptOp) },
      { ALT: () => this.SUBRULE(this.mapOp) },
      { ALT: () => this.SUBRULE(this.balanceOp) }
    ]);
  });

  filterOp = this.RULE('filterOp', () => {
    this.CONSUME(kw('filter'));
    this.OR([
      {
        // `sql "..."`; a column named sql compared to something is still an expression
        GATE: () => tokenMatcher(this.LA(2), T.StringLike),
        ALT: () => {
          this.CONSUME(kw('sql'));
          this.CONSUME(T.StringLike);
        }
      },
      { ALT: () => this.SUBRULE(this.expression) }
    ]);
  });

  dedupeOp = this.RULE('dedupeOp', () => {
    this.CONSUME(kw('dedupe'));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw('exact'));
          this.OPTION(() => {
            this.CONSUME(kw('on'));
            this.SUBRULE(this.fieldList);
          });
        }
      },
      {
        ALT: () => {
          this.CONSUME(kw('near'));
          this.CONSUME2(kw('on'));
          this.SUBRULE2(this.fieldList);
        }
      }
    ]);
    this.SUBRULE(this.inlineSettings);
  });

  fieldList = this.RULE('fieldList', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME2(T.Name) });
          this.CONSUME(T.RBracket);
        }
      }
    ]);
  });

  redactOp = this.RULE('redactOp', () => {
    this.CONSUME(kw('redact'));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.redactItem) });
  });

  redactItem = this.RULE('redactItem', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => this.CONSUME(T.StringLike));
  });

  sampleOp = this.RULE('sampleOp', () => {
    this.CONSUME(kw('sample'));
    this.OR([{ ALT: () => this.CONSUME(T.NumberLit) }, { ALT: () => this.CONSUME(T.Percent) }]);
    this.SUBRULE(this.inlineSettings);
  });

  limitOp = this.RULE('limitOp', () => {
    this.CONSUME(kw('limit'));
    this.CONSUME(T.NumberLit);
  });

  systemPromptOp = this.RULE('systemPromptOp', () => {
    this.CONSUME(kw('system_prompt'));
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.CONSUME(T.StringLike);
  });

  mapOp = this.RULE('mapOp', () => {
    this.CONSUME(kw('map'));
    this.CONSUME(kw('roles'));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.rolePair) });
  });

  rolePair = this.RULE('rolePair', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Arrow);
    this.CONSUME2(T.Name);
  });

  balanceOp = this.RULE('balanceOp', () => {
    this.CONSUME(kw('balance'));
    this.CONSUME(kw('by'));
    this.CONSUME(T.Name);
    this.SUBRULE(this.inlineSettings);
  });

  // ---------------------------------------------------------------- settings
  /** Options after an operator or split, on the same statement: known keys only. */
  inlineSettings = this.RULE('inlineSettings', () => {
    this.MANY(() => this.SUBRULE(this.inlineSetting));
  });

  inlineSetting = this.RULE('inlineSetting', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NameKey);
          this.SUBRULE(this.nameArg);
        }
      },
      { ALT: () => this.CONSUME(T.SettingKey) }
    ]);
    this.SUBRULE(this.values);
  });

  block = this.RULE('block', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.setting));
    this.CONSUME(T.RCurly);
  });

  /** A setting in a block; an unknown word in key position is kept (the checker names it). */
  setting = this.RULE('setting', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NameKey);
          this.SUBRULE(this.nameArg);
        }
      },
      { ALT: () => this.CONSUME(T.SettingKey) },
      { ALT: () => this.CONSUME(T.Identifier) }
    ]);
    this.SUBRULE(this.values);
    this.OPTION(() => this.SUBRULE(this.block));
  });

  nameArg = this.RULE('nameArg', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLike) },
      {
        ALT: () => {
          this.CONSUME(T.Name);
          this.OPTION(() => this.SUBRULE(this.selector));
        }
      }
    ]);
  });

  values = this.RULE('values', () => {
    this.MANY({
      GATE: this.sameLine,
      DEF: () => {
        this.OPTION(() => this.CONSUME(T.Comma));
        this.SUBRULE(this.value);
      }
    });
  });

  value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLike) },
      { ALT: () => this.SUBRULE(this.numberValue) },
      { ALT: () => this.CONSUME(T.Percent) },
      { ALT: () => this.CONSUME(T.Duration) },
      { ALT: () => this.CONSUME(kw('true')) },
      { ALT: () => this.CONSUME(kw('false')) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.word) }
    ]);
  });

  numberValue = this.RULE('numberValue', () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLit);
  });

  /** A bare word value: `lora`, `cosine`, `bleu(tokenize zh)`, `chrf++`. */
  word = this.RULE('word', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.QuotedIdentifier) }, { ALT: () => this.CONSUME(T.PlusPlusName) }]);
    this.OPTION(() => this.SUBRULE(this.selector));
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.wordOption) });
      this.CONSUME(T.RParen);
    });
  });

  wordOption = this.RULE('wordOption', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME2(T.Name) },
        { ALT: () => this.CONSUME(T.StringLike) },
        { ALT: () => this.SUBRULE(this.numberValue) },
        { ALT: () => this.CONSUME(T.Percent) },
        { ALT: () => this.CONSUME(kw('true')) },
        { ALT: () => this.CONSUME(kw('false')) }
      ]);
    });
  });

  list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME(T.StringLike) },
          { ALT: () => this.SUBRULE(this.numberValue) },
          { ALT: () => this.CONSUME(T.Percent) },
          { ALT: () => this.CONSUME(kw('true')) },
          { ALT: () => this.CONSUME(kw('false')) },
          { ALT: () => this.CONSUME(T.Name) }
        ]);
      }
    });
    this.CONSUME(T.RBracket);
  });

  // ---------------------------------------------------------------- expressions
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(kw('or'));
      this.SUBRULE2(this.andExpr);
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(kw('and'));
      this.SUBRULE2(this.notExpr);
    });
  });

  notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw('not'));
          this.SUBRULE(this.notExpr);
        }
      },
      { ALT: () => this.SUBRULE(this.predicate) }
    ]);
  });

  predicate = this.RULE('predicate', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.Eq) },
              { ALT: () => this.CONSUME(T.EqEq) },
              { ALT: () => this.CONSUME(T.NotEq) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.LessEq) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.GreaterEq) }
            ]);
            this.SUBRULE2(this.additive);
          }
        },
        {
          ALT: () => {
            this.CONSUME(kw('is'));
            this.OPTION2(() => this.CONSUME(kw('not')));
            this.CONSUME(kw('null'));
          }
        },
        {
          ALT: () => {
            this.OPTION3(() => this.CONSUME2(kw('not')));
            this.OR3([
              {
                ALT: () => {
                  this.CONSUME(kw('between'));
                  this.SUBRULE3(this.additive);
                  this.CONSUME(kw('and'));
                  this.SUBRULE4(this.additive);
                }
              },
              {
                ALT: () => {
                  this.CONSUME(kw('in'));
                  this.SUBRULE(this.exprList);
                }
              },
              {
                ALT: () => {
                  this.CONSUME(kw('like'));
                  this.CONSUME(T.StringLike);
                }
              },
              {
                ALT: () => {
                  this.CONSUME(kw('matches'));
                  this.CONSUME2(T.StringLike);
                }
              }
            ]);
          }
        }
      ]);
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        }
      },
      { ALT: () => this.SUBRULE(this.primary) }
    ]);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLike) },
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(kw('true')) },
      { ALT: () => this.CONSUME(kw('false')) },
      { ALT: () => this.CONSUME(kw('null')) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        }
      },
      {
        ALT: () => {
          this.CONSUME(T.Name);
          this.OPTION(() => {
            this.CONSUME2(T.LParen);
            this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expression) });
            this.CONSUME2(T.RParen);
          });
        }
      }
    ]);
  });

  exprList = this.RULE('exprList', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });
}

let instance: FtpParser | undefined;

/** The one parser instance (built on first use). */
export function ftpParser(): FtpParser {
  instance ??= new FtpParser();
  return instance;
}

/** Parses tokens into a CST; errors stay on `parser.errors`. */
export function parseTokens(tokens: IToken[]): { cst: CstNode; parser: FtpParser } {
  const parser = ftpParser();
  parser.input = tokens;
  const cst = parser.program();
  return { cst, parser };
}
