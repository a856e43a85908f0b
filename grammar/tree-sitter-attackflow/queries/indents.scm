; Indentation (nvim-treesitter's capture names): the inside of { } and [ ] is indented one
; level; the closing bracket goes back to the level of the line that opened it.
[
  (block)
  (list)
] @indent.begin

[
  "}"
  "]"
] @indent.branch

[
  "}"
  "]"
] @indent.end

(multiline_string) @indent.auto

(comment) @indent.auto
