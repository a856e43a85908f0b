-- End-to-end check of `afc lsp` under headless Neovim 0.7+ (`vim.lsp.start_client`).
-- Run by tests/nvim.rs as: nvim --headless -u NONE -c 'luafile test.lua'
-- Environment: AFC_BIN (the afc binary), AFC_E2E_FILE (a flow with a mistake),
-- AFC_E2E_OUT (a directory for result.txt and final.af).
-- Each step appends one line to result.txt; the Rust test checks them.

local afc = os.getenv('AFC_BIN')
local file = os.getenv('AFC_E2E_FILE')
local out = os.getenv('AFC_E2E_OUT')
local results = {}

local function log(line)
  table.insert(results, line)
end

local function finish(bufnr)
  local f = assert(io.open(out .. '/result.txt', 'w'))
  f:write(table.concat(results, '\n') .. '\n')
  f:close()
  if bufnr then
    local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    local g = assert(io.open(out .. '/final.af', 'w'))
    g:write(table.concat(lines, '\n') .. '\n')
    g:close()
  end
end

local bufnr
local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  bufnr = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'afc',
    cmd = { afc, 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  assert(id, 'start_client failed')
  vim.lsp.buf_attach_client(bufnr, id)
  local uri = vim.uri_from_bufnr(bufnr)

  local function request(method, params)
    local res = vim.lsp.buf_request_sync(bufnr, method, params, 20000)
    assert(res, method .. ' timed out')
    for _, r in pairs(res) do
      if r.err or r.error then
        error(method .. ': ' .. vim.inspect(r.err or r.error))
      end
      return r.result
    end
  end

  -- 1. Diagnostics of the mistake arrive.
  local got = vim.wait(30000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  assert(got, 'no diagnostics arrived')
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(codes, tostring(code))
  end
  table.sort(codes)
  log('diagnostics ' .. table.concat(codes, ','))

  -- 2. Go to the definition of `phish` from the edge on line 8.
  local def = request('textDocument/definition', {
    textDocument = { uri = uri },
    position = { line = 7, character = 1 },
  })
  local loc = def.range and def or def[1]
  log('definition ' .. loc.range.start.line .. ':' .. loc.range.start.character)

  -- 3. Type `action x T156` and complete the technique id.
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { 'action x T156' })
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  local comp = request('textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = last, character = 13 },
  })
  local items = comp.items or comp
  local pick
  for _, it in ipairs(items) do
    if it.label == 'T1566' then
      pick = it
    end
  end
  assert(pick, 'T1566 was not offered after T156')
  vim.lsp.util.apply_text_edits({ pick.textEdit }, bufnr, 'utf-16')
  log('completion ' .. vim.api.nvim_buf_get_lines(bufnr, last, last + 1, false)[1])

  -- 4. Rename `phish` to `lure`.
  local edit = request('textDocument/rename', {
    textDocument = { uri = uri },
    position = { line = 5, character = 8 },
    newName = 'lure',
  })
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  log('renamed')

  -- 5. Format the buffer.
  local edits = request('textDocument/formatting', {
    textDocument = { uri = uri },
    options = { tabSize = 2, insertSpaces = true },
  })
  vim.lsp.util.apply_text_edits(edits or {}, bufnr, 'utf-16')
  log('formatted ' .. #(edits or {}))

  vim.lsp.stop_client(id)
end)
if not ok then
  log('error ' .. tostring(err))
end
finish(bufnr)
vim.cmd('qa!')
