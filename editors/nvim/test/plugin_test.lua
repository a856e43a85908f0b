-- Run by run.sh inside `nvim --headless -u NONE`. Prints one line per check and a closing
-- "N passed, N failed, N skipped" line; exits non-zero when a check failed.
local afc = assert(os.getenv('AFC_BIN'), 'AFC_BIN is not set')
local plugin = assert(os.getenv('AFC_PLUGIN'), 'AFC_PLUGIN is not set')
local tmp = assert(os.getenv('AFC_TMP'), 'AFC_TMP is not set')
local repo = assert(os.getenv('AFC_REPO'), 'AFC_REPO is not set')
local ts_dir = os.getenv('AFC_TS_DIR') or ''

local counts = { passed = 0, failed = 0, skipped = 0 }

local function out(line)
  io.stdout:write(line .. '\n')
end

local function check(name, ok, detail)
  if ok then
    counts.passed = counts.passed + 1
    out('ok    ' .. name)
  else
    counts.failed = counts.failed + 1
    out('FAIL  ' .. name .. (detail and (': ' .. tostring(detail)) or ''))
  end
  return ok
end

local function skip(name, why)
  counts.skipped = counts.skipped + 1
  out('skip  ' .. name .. ': ' .. why)
end

local function write_file(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

local function finish()
  out(('%d passed, %d failed, %d skipped'):format(counts.passed, counts.failed, counts.skipped))
  io.stdout:flush()
  if counts.failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- Show notifications on their own lines instead of the headless message area.
vim.notify = function(msg, level)
  out('      notify(' .. tostring(level or '') .. '): ' .. tostring(msg):gsub('\n', ' '))
end

local ok_run, err = pcall(function()
  vim.opt.runtimepath:prepend(plugin)
  if ts_dir ~= '' then
    vim.opt.runtimepath:append(ts_dir)
  end
  vim.cmd('filetype plugin on')

  local good = tmp .. '/good.af'
  write_file(good, table.concat({
    'flow "Nvim test" {',
    '  scope: incident',
    '  created: 2026-03-02T14:00:00Z',
    '  description: "A flow for the plugin test."',
    '}',
    'action phish T1566.001 "Spearphishing" { tactic: TA0001, asset_refs: [laptop] }',
    'asset laptop "Laptop"',
    'action login T1078',
    'phish -> login',
    '',
  }, '\n'))
  local broken = tmp .. '/broken.af'
  write_file(broken, 'action lonely T1078\n')

  -- Filetype and ftplugin.
  require('afc').setup({ cmd = { afc, 'lsp' } })
  vim.cmd('edit ' .. vim.fn.fnameescape(good))
  local buf = vim.api.nvim_get_current_buf()
  check('*.af gets filetype attackflow', vim.bo.filetype == 'attackflow', vim.bo.filetype)
  check('commentstring is "# %s"', vim.bo.commentstring == '# %s', vim.bo.commentstring)
  vim.fn.cursor(6, 15) -- on T1566.001
  check('technique ids are one word', vim.fn.expand('<cword>') == 'T1566.001', vim.fn.expand('<cword>'))

  -- :AfcCompile writes good.json next to the flow.
  vim.cmd('AfcCompile')
  local json = tmp .. '/good.json'
  local compiled = vim.fn.filereadable(json) == 1
  check(':AfcCompile writes FILE.json', compiled, json)
  if compiled then
    local text = table.concat(vim.fn.readfile(json), '\n')
    check('the written file is a STIX bundle', text:find('"type": "bundle"', 1, true) ~= nil)
  end

  -- The language server.
  vim.fn.system({ afc, 'lsp', '--help' })
  if vim.v.shell_error ~= 0 then
    skip('the afc language server attaches', afc .. ' has no `lsp` subcommand yet')
    skip('the server publishes diagnostics', afc .. ' has no `lsp` subcommand yet')
  else
    local client
    local attached = vim.wait(20000, function()
      client = require('afc').client(buf)
      return client ~= nil and client.initialized == true
    end, 50)
    check('the afc language server attaches and initializes', attached,
      client and 'client started but did not initialize' or 'no client attached')
    if attached then
      check('the server reports its capabilities', type(client.server_capabilities) == 'table' and next(client.server_capabilities) ~= nil)
      vim.cmd('edit ' .. vim.fn.fnameescape(broken))
      local bbuf = vim.api.nvim_get_current_buf()
      local diags = {}
      local got = vim.wait(20000, function()
        diags = vim.diagnostic.get(bbuf)
        return #diags > 0
      end, 50)
      local codes = {}
      for _, d in ipairs(diags) do
        table.insert(codes, tostring(d.code or '') .. ' ' .. d.message)
      end
      local has_e0101 = false
      for _, c in ipairs(codes) do
        if c:find('E0101', 1, true) then
          has_e0101 = true
        end
      end
      check('the server publishes diagnostics (E0101 for a file without a flow header)', got and has_e0101,
        got and table.concat(codes, '; ') or 'no diagnostics within 20 s')
      check('the broken buffer shares the client', require('afc').client(bbuf) ~= nil)
      vim.cmd('buffer ' .. buf)
    end
  end

  -- Tree-sitter: the grammar's parser and the plugin's queries in Neovim's query engine.
  if ts_dir == '' then
    skip('tree-sitter parser and queries', 'no C compiler to build the parser')
  else
    local ok_lang, lang_err = pcall(function()
      local parser = vim.treesitter.get_parser(buf, 'attackflow')
      local tree = parser:parse()[1]
      check('the parser reads the flow without errors', not tree:root():has_error())
      local get = vim.treesitter.query.get or vim.treesitter.query.get_query
      for _, name in ipairs({ 'highlights', 'locals', 'folds', 'indents' }) do
        local ok_q, q = pcall(get, 'attackflow', name)
        check('queries/attackflow/' .. name .. '.scm loads', ok_q and q ~= nil, not ok_q and q or nil)
      end
      local query = get('attackflow', 'highlights')
      local seen = {}
      for id, node in query:iter_captures(tree:root(), buf, 0, -1) do
        local text = vim.treesitter.get_node_text and vim.treesitter.get_node_text(node, buf)
          or vim.treesitter.query.get_node_text(node, buf)
        seen[text] = seen[text] or {}
        seen[text][query.captures[id]] = true
      end
      local function has(text, capture)
        return seen[text] ~= nil and seen[text][capture] == true
      end
      check('highlights: kinds are @type', has('action', 'type'))
      check('highlights: technique ids are @constant', has('T1566.001', 'constant'))
      check('highlights: property keys are @property', has('scope', 'property'))
      check('highlights: *_refs values are @variable (#match? in Vim regex)', has('laptop', 'variable'))
      check('highlights: enumeration values are @constant (#not-match?)', has('incident', 'constant'))
      check('highlights: timestamps are @string.special', has('2026-03-02T14:00:00Z', 'string.special'))
      check('highlights: arrows are @operator', has('->', 'operator'))
    end)
    if not ok_lang then
      check('tree-sitter parser and queries load in this Neovim', false, lang_err)
    end
  end
  -- Keep the repository untouched: everything was written under AFC_TMP.
  check('nothing was written into the repository', vim.fn.filereadable(repo .. '/good.json') == 0)
end)

if not ok_run then
  check('the test script ran to the end', false, err)
end
finish()
