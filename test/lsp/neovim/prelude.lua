-- Shared by every scenario: starts the server on the file in $KAILASH_FILE, gives helpers that
-- wait (each bounded), and writes what the scenario found to $KAILASH_RESULT as JSON.
local M = {}
local result = {}
M.result = result

function M.finish()
  local f = assert(io.open(os.getenv('KAILASH_RESULT'), 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

-- Any Lua error ends the run with it recorded, instead of leaving nvim waiting.
function M.run(body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then result.error = tostring(err) end
  M.finish()
end

function M.open()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('KAILASH_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'kailash',
    cmd = { 'node', os.getenv('KAILASH_SERVER'), '--stdio' },
    root_dir = vim.fn.fnamemodify(os.getenv('KAILASH_FILE'), ':h'),
  })
  assert(id, 'the client did not start')
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(10000, function() return client.initialized end, 20), 'the server did not initialize within 10 s')
  M.client, M.buf = client, buf
  return buf, client
end

-- Diagnostics of the buffer once `accept` says they are the ones awaited.
function M.wait_diagnostics(accept, what)
  local got
  local ok = vim.wait(10000, function()
    got = vim.diagnostic.get(M.buf)
    return accept(got)
  end, 20)
  assert(ok, 'no diagnostics ' .. what .. ' within 10 s: ' .. vim.inspect(got))
  return got
end

function M.has_code(list, code)
  for _, d in ipairs(list) do
    if d.code == code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == code) then return d end
  end
end

function M.request(method, params)
  local answers, err = vim.lsp.buf_request_sync(M.buf, method, params, 10000)
  assert(answers, method .. ': ' .. tostring(err))
  for _, a in pairs(answers) do
    assert(not a.err, method .. ': ' .. vim.inspect(a.err))
    return a.result
  end
end

function M.line(n)
  return vim.api.nvim_buf_get_lines(M.buf, n, n + 1, false)[1]
end

-- Codes of the diagnostics, for the report.
function M.codes(list)
  local out = {}
  for _, d in ipairs(list) do table.insert(out, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)) end
  return out
end

return M
