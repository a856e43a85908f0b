-- *.af files are Attack Flows (filetype `attackflow`).
if vim.filetype and vim.filetype.add then
  -- Neovim 0.8+: also known to vim.filetype.match().
  vim.filetype.add({ extension = { af = 'attackflow' } })
end
-- Neovim 0.7 reads ftdetect/ files through autocommands.
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  pattern = '*.af',
  callback = function()
    vim.bo.filetype = 'attackflow'
  end,
})
