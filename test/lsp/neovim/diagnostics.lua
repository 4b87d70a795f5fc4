-- Diagnostics on open (one next to an emoji escape, which strict clients used to drop), then after edits.
local t = dofile(os.getenv('KAILASH_PRELUDE'))
t.run(function()
  t.open()
  local first = t.wait_diagnostics(function(l) return t.has_code(l, 'unknown-node-type') ~= nil end, 'on open')
  t.result.opened = t.codes(first)
  local escape = t.has_code(first, 'yaml-syntax')
  t.result.escape_message = escape and escape.message
  t.result.escape_col = escape and { escape.col, escape.end_col }
  -- Fix the type (line 3) and remove the bad escape (line 0), as typing would.
  vim.api.nvim_buf_set_lines(t.buf, 3, 4, false, { '    type: HTTPRequestNode' })
  vim.api.nvim_buf_set_lines(t.buf, 0, 1, false, { 'name: "a 🚀 b"' })
  local after = t.wait_diagnostics(function(l) return t.has_code(l, 'unknown-node-type') == nil and t.has_code(l, 'yaml-syntax') == nil end, 'after the edits')
  t.result.edited = t.codes(after)
end)
