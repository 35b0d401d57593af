-- phasegate language server for Neovim 0.11+ (`:h lsp-config`).
--
--   vim.lsp.enable('phasegate')
--
-- Override any field with vim.lsp.config('phasegate', { ... }), e.g. settings
-- sent to the server (docs/lsp.md, "Settings"):
--
--   vim.lsp.config('phasegate', {
--     init_options = { severity = { ['merge-conflict'] = 'warning' }, exclude = { 'vendor/**' } },
--   })

--- Pulls diagnostics again for every buffer attached to the client. Neovim 0.11 pulls
--- only when a buffer itself changes; phasegate's diagnostics are cross-file (editing a
--- state file changes the workflow doc's diagnostics), so re-pull when the server asks.
---@param client_id integer
local function repull_diagnostics(client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  if not client or client:is_stopped() then
    return
  end
  for _, bufnr in ipairs(vim.lsp.get_buffers_by_client_id(client_id)) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      client:request('textDocument/diagnostic', {
        textDocument = vim.lsp.util.make_text_document_params(bufnr),
      }, nil, bufnr)
    end
  end
end

---@type vim.lsp.Config
return {
  cmd = { 'phasegate', 'lsp' },
  filetypes = { 'markdown', 'yaml', 'json' },
  root_markers = { '.git', '.hg', '.jj' },
  -- Sent as initializationOptions: { severity = { [code] = level }, include = { glob }, exclude = { glob } }.
  -- vim.empty_dict() so that an empty table is sent as {} rather than [].
  init_options = vim.empty_dict(),
  -- What Neovim 0.11 does but does not declare: it answers the refresh with the handler below,
  -- and its vim.lsp.util.apply_workspace_edit applies `documentChanges` (it declares only the
  -- resource operations). It shows no disabled code action, so `disabledSupport` stays unset and
  -- a blocked "Advance" comes titled with its reason (docs/lsp.md, "Code actions").
  -- codeLens.refreshSupport: Neovim 0.11 does not declare it; the handler below answers it by
  -- refreshing the lenses of every buffer the client is attached to (a state file's edit changes
  -- its workflow doc's lenses).
  capabilities = {
    workspace = {
      diagnostics = { refreshSupport = true },
      codeLens = { refreshSupport = true },
      workspaceEdit = { documentChanges = true, resourceOperations = { 'create', 'rename', 'delete' } },
    },
  },
  handlers = {
    ['workspace/diagnostic/refresh'] = function(_, _, ctx)
      vim.schedule(function()
        repull_diagnostics(ctx.client_id)
      end)
      return vim.NIL
    end,
    ['workspace/codeLens/refresh'] = function(_, _, ctx)
      vim.schedule(function()
        local client = vim.lsp.get_client_by_id(ctx.client_id)
        if not client or client:is_stopped() then
          return -- shutting down: a lens request now would be refused
        end
        for _, bufnr in ipairs(vim.lsp.get_buffers_by_client_id(ctx.client_id)) do
          if vim.api.nvim_buf_is_loaded(bufnr) then
            vim.lsp.codelens.refresh({ bufnr = bufnr })
          end
        end
      end)
      return vim.NIL
    end,
  },
}
