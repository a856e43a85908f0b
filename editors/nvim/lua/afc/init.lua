-- afc for Neovim: starts the afc language server (`afc lsp`) for Attack Flow buffers.
--
--   require('afc').setup({
--     cmd = { 'afc', 'lsp' },            -- the server command (default: afc on PATH)
--     attack_bundle = nil,               -- an ATT&CK STIX bundle instead of the embedded one
--     catalogs = nil,                    -- e.g. { 'attack', 'atlas' }; nil: all
--     warnings_as_errors = false,
--     root_markers = { '.git' },
--     on_attach = function(client, bufnr) end,
--     capabilities = nil,
--   })
--
-- On Neovim 0.11+ this uses vim.lsp.config/vim.lsp.enable (the same as lsp/afc.lua); on older
-- versions (0.7+) it starts one client per project root with vim.lsp.start_client on the
-- FileType event. Commands: :AfcCompile writes FILE.json next to the flow, :AfcShowStix opens
-- the STIX the server compiled in a scratch buffer.

local M = {}

local uv = vim.loop

M.defaults = {
  cmd = { 'afc', 'lsp' },
  attack_bundle = nil,
  catalogs = nil,
  warnings_as_errors = false,
  root_markers = { '.git' },
  on_attach = nil,
  capabilities = nil,
}

--- The options given to setup(), merged with the defaults.
M.options = vim.deepcopy(M.defaults)

--- The settings object the server reads: { afc = { attackBundle, catalogs, warningsAsErrors } }.
function M.server_settings(opts)
  opts = opts or M.options
  local afc = { warningsAsErrors = opts.warnings_as_errors == true }
  if type(opts.attack_bundle) == 'string' and opts.attack_bundle ~= '' then
    afc.attackBundle = vim.fn.fnamemodify(vim.fn.expand(opts.attack_bundle), ':p')
  end
  if type(opts.catalogs) == 'table' and #opts.catalogs > 0 then
    afc.catalogs = opts.catalogs
  end
  return { afc = afc }
end

--- The directory holding one of `markers`, searched upwards from `path`; else `path`'s directory.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local start = dir
  while dir and dir ~= '' do
    for _, marker in ipairs(markers or {}) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

-- Older Neovim: one client per root directory.
local clients_by_root = {}

-- Calls a client method: `client:name(…)` on 0.11+, `client.name(…)` before.
local function call(client, name, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[name](client, ...)
  end
  return client[name](...)
end

local function client_alive(id)
  local client = id and vim.lsp.get_client_by_id(id)
  return client ~= nil and not call(client, 'is_stopped')
end

--- Starts (or reuses) the client for `bufnr` and attaches it. Returns the client id or nil.
function M.attach(bufnr, opts)
  opts = opts or M.options
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = name ~= '' and M.find_root(name, opts.root_markers) or vim.fn.getcwd()
  local id = clients_by_root[root]
  if not client_alive(id) then
    local settings = M.server_settings(opts)
    id = vim.lsp.start_client({
      name = 'afc',
      cmd = opts.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = settings,
      settings = settings,
      capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities(),
      on_attach = opts.on_attach,
    })
    if not id then
      vim.notify('afc: could not start ' .. table.concat(opts.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The afc client attached to `bufnr`, if any.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = 'afc' })
    or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(list) do
    if client.name == 'afc' then
      return client
    end
  end
  return nil
end

--- Writes the STIX bundle of the current flow next to it (`afc compile FILE -o FILE.json`).
function M.compile(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local file = vim.api.nvim_buf_get_name(bufnr)
  if file == '' then
    vim.notify('afc: save the flow first', vim.log.levels.WARN)
    return false
  end
  if vim.bo[bufnr].modified then
    vim.api.nvim_buf_call(bufnr, function()
      vim.cmd('silent write')
    end)
  end
  local out = vim.fn.fnamemodify(file, ':r') .. '.json'
  local cmd = { M.options.cmd[1], '--color', 'never', 'compile', file, '-o', out }
  local settings = M.server_settings().afc
  if settings.attackBundle then
    vim.list_extend(cmd, { '--attack-bundle', settings.attackBundle })
  end
  if settings.warningsAsErrors then
    table.insert(cmd, '--deny-warnings')
  end
  local output = vim.fn.system(cmd)
  if vim.v.shell_error ~= 0 then
    vim.notify('afc compile failed:\n' .. output, vim.log.levels.ERROR)
    return false
  end
  vim.notify('afc: wrote ' .. vim.fn.fnamemodify(out, ':~:.'), vim.log.levels.INFO)
  return true
end

--- Opens the STIX the server compiled from the current text (request `afc/compiledStix`).
function M.show_stix(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    vim.notify('afc: the language server is not attached to this buffer', vim.log.levels.ERROR)
    return
  end
  call(client, 'request', 'afc/compiledStix', { uri = vim.uri_from_bufnr(bufnr) }, function(err, result)
    if err then
      vim.notify('afc/compiledStix: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if not result or result.stix == nil or result.stix == vim.NIL then
      vim.notify('afc: the flow has errors and does not compile to STIX', vim.log.levels.ERROR)
      return
    end
    local text = type(result.stix) == 'string' and result.stix or vim.fn.json_encode(result.stix)
    local buf = vim.api.nvim_create_buf(true, true)
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { plain = true }))
    vim.bo[buf].filetype = 'json'
    vim.cmd('vsplit')
    vim.api.nvim_win_set_buf(0, buf)
  end, bufnr)
end

local function define_commands()
  vim.api.nvim_create_user_command('AfcCompile', function()
    M.compile()
  end, { desc = 'Compile the current flow to FILE.json' })
  vim.api.nvim_create_user_command('AfcShowStix', function()
    M.show_stix()
  end, { desc = 'Show the STIX the afc language server compiles from this buffer' })
end

--- Configures and enables the language server for `attackflow` buffers.
function M.setup(opts)
  -- A shallow merge: a list given in opts (cmd, catalogs, root_markers) replaces the default.
  M.options = vim.tbl_extend('force', vim.deepcopy(M.defaults), opts or {})
  define_commands()
  local settings = M.server_settings()
  if vim.lsp.config and vim.lsp.enable and not M.options.force_legacy then
    vim.lsp.config('afc', {
      cmd = M.options.cmd,
      filetypes = { 'attackflow' },
      root_markers = M.options.root_markers,
      init_options = settings,
      settings = settings,
      capabilities = M.options.capabilities,
      on_attach = M.options.on_attach,
    })
    vim.lsp.enable('afc')
    return
  end
  local group = vim.api.nvim_create_augroup('afc_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'attackflow',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers opened before setup() ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'attackflow' then
      M.attach(buf)
    end
  end
end

return M
