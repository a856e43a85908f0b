; Highlights for the afc flow language. Capture names follow the common tree-sitter set
; (Neovim, Helix, Zed and the tree-sitter CLI all know them). Patterns never overlap, so the
; result does not depend on whether an editor lets the first or the last match win.

(comment) @comment

"flow" @keyword

; Node declarations: the kind reads like a keyword, the name is being defined.
(node_declaration
  kind: (identifier) @type)

(node_declaration
  name: (identifier) @variable)

; An action's technique id, an operator's AND/OR.
((node_declaration
  kind: (identifier) @_kind
  argument: (identifier) @keyword.operator)
  (#eq? @_kind "operator"))

((node_declaration
  kind: (identifier) @_kind
  argument: (identifier) @constant)
  (#not-eq? @_kind "operator"))

; Edges
(node_group
  (identifier) @variable)

(arrow
  "->" @operator)

(arrow
  label: (identifier) @label)

; Properties
(key) @property

(property
  key: [
    (string)
    (multiline_string)
  ] @property)

; A bare word value is a reference when the key names one (`*_ref`, `*_refs`, `author`),
; otherwise an enumeration value, a tactic id or another constant. The regexes use only what
; Rust's regex and Vim's (which Neovim's `#match?` uses) read the same way.
((property
  key: (key) @_key
  value: [
    (identifier) @variable
    (list
      (identifier) @variable)
  ])
  (#match? @_key "_refs*$"))

((property
  key: (key) @_key
  value: (identifier) @variable)
  (#eq? @_key "author"))

((property
  key: (key) @_key
  value: [
    (identifier) @constant
    (list
      (identifier) @constant)
  ])
  (#not-match? @_key "_refs*$")
  (#not-eq? @_key "author"))

((property
  key: (key) @_key
  value: (list
    (identifier) @constant))
  (#eq? @_key "author"))

(property
  key: [
    (string)
    (multiline_string)
  ]
  value: (identifier) @constant)

(titled_value
  value: (identifier) @constant)

; Literals. Strings are listed by position so that a quoted key is only a property.
(flow_declaration
  title: (_) @string)

(node_declaration
  title: (_) @string)

(property
  value: [
    (string)
    (multiline_string)
  ] @string)

(titled_value
  value: [
    (string)
    (multiline_string)
  ] @string)

(list
  [
    (string)
    (multiline_string)
  ] @string)

(escape_sequence) @string.escape

(timestamp) @string.special

(integer) @number

(float) @number.float

(boolean) @boolean

; Punctuation
[
  "{"
  "}"
  "["
  "]"
  "-["
] @punctuation.bracket

[
  ","
  ":"
] @punctuation.delimiter
