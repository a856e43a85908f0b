-- Buffer settings for Attack Flow (.af) files.
vim.bo.commentstring = '# %s'
vim.bo.comments = ':#'
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
-- Names, kinds and ids are words with `-` and `.` inside: user-account, T1566.001, tlp-green.
vim.opt_local.iskeyword:append({ '-', '.' })

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. ' | ') or '')
  .. 'setlocal commentstring< comments< expandtab< shiftwidth< softtabstop< iskeyword<'

-- Tree-sitter highlighting when the attackflow parser is installed (parser/attackflow.so on the
-- runtimepath, Neovim 0.9+); see docs/editors.md. Without a parser nothing changes.
if vim.fn.has('nvim-0.9') == 1 and #vim.api.nvim_get_runtime_file('parser/attackflow.*', false) > 0 then
  pcall(vim.treesitter.start)
end
