-- Neovim (0.7+) as an LSP client of the built iomem-lens server, headless:
--   nvim --headless --clean -c 'luafile test/e2e/nvim/lsp.lua' WORKSPACE/drivers/dax/kmem.c
-- Environment: IOMEM_LENS_SERVER (dist/cli.js), IOMEM_LENS_ROOT (the workspace root).
-- Prints one line per diagnostic ("DIAG <line> <code> <message>"), then the hover on the first
-- request_mem_region( call ("HOVER <line>" per line of its text), then "DONE"; exits non-zero
-- (cquit) when something does not come. Only APIs that Neovim 0.7 has.
local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local function fail(msg)
  out('FAIL ' .. msg)
  vim.cmd('cquit 1')
end

local server = os.getenv('IOMEM_LENS_SERVER')
local root = os.getenv('IOMEM_LENS_ROOT')
if not server or not root then
  return fail('IOMEM_LENS_SERVER and IOMEM_LENS_ROOT must be set')
end

local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = 'c'

local client_id = vim.lsp.start_client({
  name = 'iomem-lens',
  -- As the README's configuration: one thread for V8's background work (package.json's iomemLens.serverNodeArgs).
  cmd = { 'node', '--v8-pool-size=1', server, 'lsp', '--stdio' },
  root_dir = root,
  init_options = { settings = { kernel = { version = 'auto' } } },
})
if not client_id then
  return fail('vim.lsp.start_client returned nil')
end
vim.lsp.buf_attach_client(buf, client_id)

local ok = vim.wait(60000, function()
  return #vim.diagnostic.get(buf) > 0
end, 100)
if not ok then
  return fail('no diagnostics within 60 s')
end

local diags = vim.diagnostic.get(buf)
table.sort(diags, function(a, b) return a.lnum < b.lnum end)
for _, d in ipairs(diags) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
  out(string.format('DIAG %d %s %s', d.lnum + 1, tostring(code), (d.message:gsub('\n', ' '))))
end

-- The first call of request_mem_region (not a comment line).
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local pos
for i, l in ipairs(lines) do
  local s = l:find('request_mem_region%(')
  if s and not l:match('^%s*%*') and not l:match('^%s*/[/*]') then
    pos = { line = i - 1, character = s - 1 }
    break
  end
end
if not pos then
  return fail('no request_mem_region( in the buffer')
end

local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos }
local results = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 20000)
local text = {}
for _, r in pairs(results or {}) do
  if r.error then
    out('HOVERERROR ' .. vim.inspect(r.error))
  elseif r.result and r.result.contents then
    local c = r.result.contents
    if type(c) == 'string' then
      table.insert(text, c)
    elseif c.value then
      table.insert(text, c.value)
    else
      for _, part in ipairs(c) do
        table.insert(text, type(part) == 'string' and part or part.value)
      end
    end
  end
end
if #text == 0 then
  return fail(string.format('no hover at %d:%d', pos.line + 1, pos.character + 1))
end
out(string.format('HOVERAT %d %d', pos.line + 1, pos.character + 1))
for _, l in ipairs(vim.split(table.concat(text, '\n'), '\n')) do
  out('HOVER ' .. l)
end
out('DONE')

vim.lsp.stop_client(client_id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
vim.cmd('qall!')
