-- The afc language server for Neovim 0.11+:
--   vim.lsp.enable('afc')
-- with this plugin on the runtimepath. Override any field with vim.lsp.config('afc', { … }),
-- e.g. cmd = { '/path/to/afc', 'lsp' } or settings = { afc = { warningsAsErrors = true } }.
return {
  cmd = { 'afc', 'lsp' },
  filetypes = { 'attackflow' },
  root_markers = { '.git' },
  -- The server reads { afc = { attackBundle = path, catalogs = { … }, warningsAsErrors = bool } }
  -- from initializationOptions, didChangeConfiguration and workspace/configuration.
  init_options = { afc = { warningsAsErrors = false } },
  settings = { afc = { warningsAsErrors = false } },
}
