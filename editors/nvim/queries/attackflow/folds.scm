; Folds: blocks, lists and multi-line strings.
[
  (block)
  (list)
  (multiline_string)
] @fold
