-- phasegate user commands: :PhasegateAdvance [to], :PhasegateScaffold [phase], :PhasegateStatus.
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
