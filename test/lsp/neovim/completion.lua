-- Completion after a dot in from_output, applied as Neovim applies a textEdit.
local t = dofile(os.getenv('KAILASH_PRELUDE'))
t.run(function()
  t.open()
  local row = tonumber(os.getenv('KAILASH_LINE'))
  local line = t.line(row)
  local params = { textDocument = { uri = vim.uri_from_bufnr(t.buf) }, position = { line = row, character = #line } }
  local function accept(label)
    local list = t.request('textDocument/completion', params)
    local items = list.items or list
    for _, item in ipairs(items) do
      if item.label == label then
        vim.lsp.util.apply_text_edits({ item.textEdit }, t.buf, 'utf-16')
        return item
      end
    end
    error('no completion ' .. label .. ' among ' .. vim.inspect(vim.tbl_map(function(i) return i.label end, items)))
  end
  accept('content')
  t.result.after_dot = t.line(row)
  -- Then `response.con`: the segment typed so far is what the item must match.
  vim.api.nvim_buf_set_lines(t.buf, row, row + 1, false, { line .. 'con' })
  params.position.character = #line + 3
  local item = accept('content')
  t.result.after_partial = t.line(row)
  t.result.filter = item.filterText
end)
