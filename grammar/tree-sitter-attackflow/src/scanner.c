// External scanner of the attackflow grammar: decides which line breaks are significant.
//
// A line break is a `_newline` token only when the parser accepts one here (statement ends at
// the top level, property separators inside `{ }`) and the next line that is neither blank nor
// a comment does not start with `->`, `-[` or `{` (those continue the statement, as in the
// compiler's layout pass). Otherwise the scanner declines and the line break is skipped as an
// extra. The scanner keeps no state.

#include "tree_sitter/parser.h"

enum TokenType {
  NEWLINE,
};

void *tree_sitter_attackflow_external_scanner_create(void) { return NULL; }

void tree_sitter_attackflow_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_attackflow_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_attackflow_external_scanner_deserialize(void *payload, const char *buffer,
                                                         unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static bool is_blank(int32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0xFEFF;
}

bool tree_sitter_attackflow_external_scanner_scan(void *payload, TSLexer *lexer,
                                                  const bool *valid_symbols) {
  (void)payload;
  if (!valid_symbols[NEWLINE]) {
    return false;
  }
  while (is_blank(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }
  if (lexer->lookahead != '\n') {
    return false;
  }
  lexer->advance(lexer, false);
  lexer->mark_end(lexer);
  lexer->result_symbol = NEWLINE;

  // Look at the first token of the next line that holds one.
  for (;;) {
    while (is_blank(lexer->lookahead) || lexer->lookahead == '\n') {
      lexer->advance(lexer, false);
    }
    if (lexer->lookahead == '#') {
      while (lexer->lookahead != '\n' && !lexer->eof(lexer)) {
        lexer->advance(lexer, false);
      }
      if (lexer->eof(lexer)) {
        return true;
      }
      continue;
    }
    break;
  }
  if (lexer->lookahead == '{') {
    return false;
  }
  if (lexer->lookahead == '-') {
    lexer->advance(lexer, false);
    if (lexer->lookahead == '>' || lexer->lookahead == '[') {
      return false;
    }
  }
  return true;
}
