-- A CRLF file: diagnostics land on the right columns, and a fix keeps the line breaks.
local t = dofile(os.getenv('KAILASH_PRELUDE'))
t.run(function()
  t.open()
  t.result.fileformat = vim.bo[t.buf].fileformat
  local d = t.wait_diagnostics(function(l) return t.has_code(l, 'unknown-node-type') ~= nil end, 'on open')
  local bad = t.has_code(d, 'unknown-node-type')
  t.result.at = { bad.lnum, bad.col, bad.end_lnum, bad.end_col }
  vim.api.nvim_buf_set_lines(t.buf, bad.lnum, bad.lnum + 1, false, { '    type: HTTPRequestNode' })
  local after = t.wait_diagnostics(function(l) return t.has_code(l, 'unknown-node-type') == nil end, 'after the edit')
  t.result.after = t.codes(after)
  vim.cmd('write')
end)
