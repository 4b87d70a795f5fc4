-- A quick fix after non-ASCII text, asked for the way vim.lsp.buf.code_action() asks.
local t = dofile(os.getenv('KAILASH_PRELUDE'))
t.run(function()
  t.open()
  local d = t.wait_diagnostics(function(l) return t.has_code(l, 'unknown-node-type') ~= nil end, 'on open')
  local row = t.has_code(d, 'unknown-node-type').lnum
  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  -- What Neovim 0.7 sends as context.diagnostics: the line's diagnostics converted back to LSP.
  local sent = vim.lsp.diagnostic.get_line_diagnostics(t.buf, row)
  t.result.sent_range = sent[1] and sent[1].range
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = sent }
  local actions = t.request('textDocument/codeAction', params)
  for _, a in ipairs(actions) do
    if a.title == "Change to 'HTTPRequestNode'" then
      vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16')
      t.result.fixed = t.line(row)
    end
  end
  local after = t.wait_diagnostics(function(l) return t.has_code(l, 'unknown-node-type') == nil end, 'after the fix')
  t.result.after = t.codes(after)
end)
