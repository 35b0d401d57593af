-- phasegate user commands: :PhasegateAdvance [to], :PhasegateScaffold [phase], :PhasegateStatus,
-- :PhasegateGraph [mermaid|dot]; code lenses and inlay hints switched on in every buffer the
-- phasegate server attaches to.
if vim.g.loaded_phasegate then
  return
end
vim.g.loaded_phasegate = true

local function optional(argument)
  return argument ~= '' and argument or nil
end

vim.api.nvim_create_user_command('PhasegateAdvance', function(opts)
  require('phasegate').advance(optional(opts.args))
end, { nargs = '?', desc = 'phasegate: advance the workflow of this file to its next phase (or [to])' })

vim.api.nvim_create_user_command('PhasegateScaffold', function(opts)
  require('phasegate').scaffold(optional(opts.args))
end, { nargs = '?', desc = "phasegate: create the missing deliverables of the current phase (or [phase])" })

vim.api.nvim_create_user_command('PhasegateStatus', function()
  require('phasegate').status()
end, { nargs = 0, desc = 'phasegate: show the workflow status of this file' })

vim.api.nvim_create_user_command('PhasegateGraph', function(opts)
  require('phasegate').graph(optional(opts.args))
end, {
  nargs = '?',
  complete = function()
    return { 'mermaid', 'dot' }
  end,
  desc = 'phasegate: the workflows of this file as a graph (Mermaid, or DOT) in a scratch buffer',
})

-- Diagnostics are cross-file: entering a buffer pulls its diagnostics again, so a
-- workflow doc shows the effect of an edit made in its state file.
vim.api.nvim_create_autocmd('BufEnter', {
  group = vim.api.nvim_create_augroup('phasegate', { clear = true }),
  callback = function(event)
    local client = require('phasegate').client(event.buf)
    if client and client:supports_method('textDocument/diagnostic', event.buf) then
      client:request('textDocument/diagnostic', {
        textDocument = vim.lsp.util.make_text_document_params(event.buf),
      }, nil, event.buf)
    end
  end,
})

-- Code lenses (each phase's status and "▶ Advance", a task's "Mark done"; run one with
-- vim.lsp.codelens.run()) and inlay hints (✓/✗ after a deliverable, a reference's target):
-- Neovim 0.11 shows neither unless asked. Lenses are fetched on attach, on entering the buffer
-- and after leaving insert mode, and when the server asks (lsp/phasegate.lua).
vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('phasegate-attach', { clear = true }),
  callback = function(event)
    local client = vim.lsp.get_client_by_id(event.data.client_id)
    if not client or client.name ~= 'phasegate' then
      return
    end
    local bufnr = event.buf
    if client:supports_method('textDocument/inlayHint', bufnr) then
      vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
    end
    if client:supports_method('textDocument/codeLens', bufnr) then
      vim.lsp.codelens.refresh({ bufnr = bufnr })
      vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, {
        group = vim.api.nvim_create_augroup('phasegate-codelens-' .. bufnr, { clear = true }),
        buffer = bufnr,
        callback = function()
          vim.lsp.codelens.refresh({ bufnr = bufnr })
        end,
      })
    end
  end,
})
