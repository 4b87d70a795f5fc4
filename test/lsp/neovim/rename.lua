-- Renaming a node id from a connection's use of it, as vim.lsp.buf.rename() does it.
local t = dofile(os.getenv('KAILASH_PRELUDE'))
t.run(function()
  t.open()
  local row = tonumber(os.getenv('KAILASH_LINE'))
  local col = t.line(row):find('fetch', 1, true)
  local params = { textDocument = { uri = vim.uri_from_bufnr(t.buf) }, position = { line = row, character = col + 1 } }
  local prepared = t.request('textDocument/prepareRename', params)
  t.result.prepared = prepared and (prepared.placeholder or vim.api.nvim_buf_get_text(t.buf, prepared.start.line, prepared.start.character, prepared['end'].line, prepared['end'].character, {})[1])
  params.newName = 'fetch_api'
  local edit = t.request('textDocument/rename', params)
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  t.result.text = table.concat(vim.api.nvim_buf_get_lines(t.buf, 0, -1, false), '\n') .. '\n'
  local after = t.wait_diagnostics(function(l) return #l == 0 end, '(none) after the rename')
  t.result.after = t.codes(after)
end)
