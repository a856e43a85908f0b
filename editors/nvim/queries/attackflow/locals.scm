; Scopes, definitions and references: every name in a file is visible in the whole file
; (nodes may be used before their declaration).
(source_file) @local.scope

(node_declaration
  name: (identifier) @local.definition)

(node_group
  (identifier) @local.reference)

((property
  key: (key) @_key
  value: [
    (identifier) @local.reference
    (list
      (identifier) @local.reference)
  ])
  (#match? @_key "_refs*$"))

((property
  key: (key) @_key
  value: (identifier) @local.reference)
  (#eq? @_key "author"))
