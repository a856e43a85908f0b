/**
 * @file Tree-sitter grammar for the afc flow language (`.af` files describing MITRE Attack Flows)
 * @license Apache-2.0
 *
 * The language reference is docs/language.md; the compiler's lexer
 * (crates/af-syntax/src/lexer.rs) and layout pass (layout.rs) are the source of truth for the
 * token and newline rules mirrored here.
 *
 * Newlines: a line break ends a statement at the top level and separates properties inside
 * `{ }`. It is plain whitespace inside `[ ]` and `-[ ]`, after `,` `->` `-[` `:` `{`, and when
 * the next line starts with `->`, `-[` or `{`. The last rule needs to look past blank and
 * comment lines, which an LR(1) grammar cannot do, so the small external scanner in
 * src/scanner.c produces `_newline` only where the parser accepts one and the next line does
 * not continue the statement. Everywhere else a line break is an extra, like a space.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/**
 * One or more `rule`, separated by `sep`.
 * @param {RuleOrLiteral} rule
 * @param {RuleOrLiteral} sep
 */
function sep1(rule, sep) {
  return seq(rule, repeat(seq(sep, rule)));
}

module.exports = grammar({
  name: 'attackflow',

  externals: $ => [$._newline],

  extras: $ => [/[ \t\r\n\f\uFEFF]/, $.comment],

  word: $ => $.identifier,

  rules: {
    // Statements separated by significant newlines; the last one may end the file without one.
    source_file: $ => seq(
      repeat($._newline),
      repeat(seq($._statement, repeat1($._newline))),
      optional($._statement),
    ),

    _statement: $ => choice(
      $.flow_declaration,
      $.node_declaration,
      $.edge_statement,
    ),

    // flow "NAME" { … }
    // The title is required (afc reports E0010 without one).
    flow_declaration: $ => seq(
      'flow',
      field('title', $._string),
      optional(field('body', $.block)),
    ),

    // KIND NAME [WORD] ["TITLE"] [{ … }]: WORD is an action's technique id, an
    // operator's AND/OR, or the ATT&CK id of malware, a tool, an intrusion set, a campaign
    // or a course of action (`malware m S0154`).
    node_declaration: $ => seq(
      field('kind', $.identifier),
      field('name', $.identifier),
      optional(field('argument', $.identifier)),
      optional(field('title', $._string)),
      optional(field('body', $.block)),
    ),

    // a, b -> c -[label]-> d { … }
    edge_statement: $ => seq(
      $.node_group,
      repeat1(seq($.arrow, $.node_group)),
      optional(field('body', $.block)),
    ),

    node_group: $ => sep1($.identifier, ','),

    arrow: $ => choice(
      '->',
      seq('-[', field('label', $.identifier), ']', '->'),
    ),

    // Properties separated by newlines or commas; empty entries are allowed.
    block: $ => seq(
      '{',
      repeat($._separator),
      repeat(seq($.property, repeat1($._separator))),
      optional($.property),
      '}',
    ),

    _separator: $ => choice($._newline, ','),

    property: $ => seq(
      field('key', choice(alias($.identifier, $.key), $._string)),
      ':',
      field('value', $._value),
    ),

    _value: $ => choice(
      $._scalar,
      $.titled_value,
      $.list,
      $.block,
    ),

    _scalar: $ => choice(
      $._string,
      $.integer,
      $.float,
      $.timestamp,
      $.boolean,
      $.identifier,
    ),

    // A value followed by a block: author: "Jane Analyst" { identity_class: individual }
    titled_value: $ => seq(
      field('value', $._scalar),
      field('body', $.block),
    ),

    // Line breaks inside [ ] are whitespace; a trailing comma is allowed.
    list: $ => seq(
      '[',
      optional(seq(sep1($._value, ','), optional(','))),
      ']',
    ),

    _string: $ => choice($.string, $.multiline_string),

    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    string_content: _ => token.immediate(prec(1, /[^"\\\n]+/)),

    // Only the escapes afc decodes; any other backslash is a syntax error (afc: E0006).
    escape_sequence: _ => token.immediate(/\\(["\\ntr0]|u\{[0-9A-Fa-f]{1,6}\})/),

    // """…""" spans lines and closes at the first `"""`; quotes right after it still belong
    // to the string, so it may end in a quote character: """say "hi""""
    multiline_string: _ => token(/"""([^"]|"[^"]|""[^"])*"""+/),

    // Integers are written in decimal and may be negative.
    integer: _ => /-?[0-9]+/,

    float: _ => /-?[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?/,

    // Written bare, RFC 3339; anything date-shaped is a timestamp (the compiler checks it).
    timestamp: _ => /[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9:.]*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?/,

    boolean: _ => choice('true', 'false'),

    // Names, kinds, keys, enum values, technique and tactic ids: letters, digits, `_`, `-`
    // and `.`, starting with a letter or `_` and not ending with `-` or `.`.
    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*([-.][A-Za-z0-9_]+)*/,

    comment: _ => token(seq('#', /[^\n]*/)),
  },
});
