-- Headless end-to-end test: Neovim 0.11 + lsp/phasegate.lua + plugin/phasegate.lua
-- against the real server (found as `phasegate` on PATH, put there by run.sh).
--
--   nvim --headless --clean -l e2e.lua <plugin-dir> <workspace>
--
-- The workspace is a copy of editors/vscode/test/fixture (see its README.md).
local plugin_dir, workspace = _G.arg[1], _G.arg[2]
assert(plugin_dir and workspace, 'usage: nvim --headless --clean -l e2e.lua <plugin-dir> <workspace>')

local TIMEOUT = 20000
local results = { passed = 0, failed = 0 }

local earlier_failure = false

--- Runs one step; after a failed step the rest are reported as failed without running.
local function check(name, fn)
  if earlier_failure then
    results.failed = results.failed + 1
    io.stdout:write('not ok - ' .. name .. ' (not run: an earlier step failed)\n')
    return
  end
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    io.stdout:write('ok - ' .. name .. '\n')
  else
    earlier_failure = true
    results.failed = results.failed + 1
    io.stdout:write('not ok - ' .. name .. '\n    ' .. tostring(err):gsub('\n', '\n    ') .. '\n')
  end
end

local function wait_for(what, predicate)
  local value
  local done = vim.wait(TIMEOUT, function()
    value = predicate()
    return value ~= nil and value ~= false
  end, 50)
  assert(done, 'timed out waiting for ' .. what)
  return value
end

local function codes(diagnostics)
  return vim.tbl_map(function(d)
    return tostring(d.code) .. ' @' .. (d.lnum + 1) .. ': ' .. d.message
  end, diagnostics)
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

vim.opt.runtimepath:prepend(plugin_dir)
vim.cmd('filetype plugin on')
vim.cmd('runtime! plugin/phasegate.lua')
vim.cmd.cd(workspace)

local workflow_path = workspace .. '/workflow.md'
local state_path = workspace .. '/fixture-feature.state.yaml'
local workflow_buf, state_buf, client

check('setup: the server attaches to the workflow doc and the state file', function()
  assert(vim.fn.exists(':PhasegateAdvance') == 2, ':PhasegateAdvance is defined')
  assert(vim.fn.exists(':PhasegateScaffold') == 2, ':PhasegateScaffold is defined')
  assert(vim.fn.exists(':PhasegateStatus') == 2, ':PhasegateStatus is defined')
  assert(vim.fn.executable('phasegate') == 1, '`phasegate` is on PATH')
  vim.lsp.enable('phasegate')
  vim.cmd.edit(vim.fn.fnameescape(workflow_path))
  workflow_buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[workflow_buf].filetype == 'markdown', 'filetype markdown, got ' .. vim.bo[workflow_buf].filetype)
  vim.cmd.edit(vim.fn.fnameescape(state_path))
  state_buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[state_buf].filetype == 'yaml', 'filetype yaml, got ' .. vim.bo[state_buf].filetype)
  client = wait_for('the phasegate client on both buffers', function()
    local on_state = vim.lsp.get_clients({ bufnr = state_buf, name = 'phasegate' })[1]
    local on_workflow = vim.lsp.get_clients({ bufnr = workflow_buf, name = 'phasegate' })[1]
    return on_state and on_workflow and on_state.initialized and on_state
  end)
  assert(client.root_dir == vim.fs.normalize(vim.uv.fs_realpath(workspace)) or client.root_dir == workspace,
    'root_dir is the workspace (.git marker), got ' .. tostring(client.root_dir))
end)

check('diagnostics arrive through vim.diagnostic.get', function()
  local pulls = 0
  local diagnostics = wait_for('gate-dangling on workflow.md', function()
    local found = vim.diagnostic.get(workflow_buf)
    for _, d in ipairs(found) do
      if d.code == 'gate-dangling' then
        return found
      end
    end
    -- The first pull may have raced the start-up indexing: ask again now and then.
    pulls = pulls + 1
    if pulls % 40 == 0 then
      client:request('textDocument/diagnostic', {
        textDocument = vim.lsp.util.make_text_document_params(workflow_buf),
      }, nil, workflow_buf)
    end
    return nil
  end)
  for _, d in ipairs(diagnostics) do
    assert(d.source == 'phasegate', 'source is phasegate: ' .. vim.inspect(d))
  end
  local dangling = vim.iter(diagnostics):find(function(d)
    return d.code == 'gate-dangling'
  end)
  local line = vim.api.nvim_buf_get_lines(workflow_buf, dangling.lnum, dangling.lnum + 1, false)[1]
  assert(line:find('Proceed to Phase 4', 1, true), 'gate-dangling points at the gate line, got: ' .. line)
  local errors = vim.diagnostic.get(state_buf, { severity = vim.diagnostic.severity.ERROR })
  assert(#errors == 0, 'no errors on the state file yet: ' .. vim.inspect(codes(errors)))
end)

check(':PhasegateStatus data: the run stands at requirements', function()
  local status
  require('phasegate').exec('phasegate.status', nil, function(result)
    status = result
  end)
  wait_for('the phasegate.status result', function()
    return status
  end)
  local workflow = vim.iter(status.workflows):find(function(w)
    return w.name == 'fixture-feature'
  end)
  assert(workflow, 'status lists fixture-feature: ' .. vim.inspect(status))
  assert(workflow.current == 'requirements' and workflow.currentIndex == 1 and workflow.phaseCount == 3,
    vim.inspect(workflow))
  local lines = require('phasegate').format_status(status)
  assert(vim.iter(lines):any(function(l)
    return l:find('current: requirements (1/3)', 1, true) ~= nil
  end), vim.inspect(lines))
end)

local advance
check('the state file offers an enabled "Advance" code action', function()
  vim.api.nvim_set_current_buf(state_buf)
  local row = vim.iter(ipairs(vim.api.nvim_buf_get_lines(state_buf, 0, -1, false))):find(function(_, l)
    return l:match('^current:')
  end)
  assert(row, 'the state file has a current: line')
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(state_buf),
    range = { start = { line = row - 1, character = 0 }, ['end'] = { line = row - 1, character = 0 } },
    context = { diagnostics = {}, triggerKind = 1 },
  }
  local responses = vim.lsp.buf_request_sync(state_buf, 'textDocument/codeAction', params, TIMEOUT)
  local response = assert(responses and responses[client.id], 'a codeAction response')
  assert(not response.err, vim.inspect(response.err))
  local titles = {}
  for _, action in ipairs(response.result or {}) do
    table.insert(titles, action.title .. (action.disabled and (' (disabled: ' .. action.disabled.reason .. ')') or ''))
    if action.title:match('^Advance') then
      advance = action
    end
  end
  assert(advance, 'an Advance action among: ' .. vim.inspect(titles))
  assert(advance.title:find('design', 1, true), 'it advances to design: ' .. advance.title)
  assert(not advance.disabled, 'Advance is enabled: ' .. vim.inspect(advance.disabled))
end)

check('applying "Advance" rewrites the state file buffer', function()
  local action = advance
  if not action.edit and not action.command then
    local resolved = client:request_sync('codeAction/resolve', action, TIMEOUT, state_buf)
    assert(resolved and not resolved.err and resolved.result, 'codeAction/resolve: ' .. vim.inspect(resolved))
    action = resolved.result
  end
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  if action.command then
    local command = type(action.command) == 'table' and action.command or action
    client:exec_cmd(command, { bufnr = state_buf })
  end
  wait_for('current: design in the buffer', function()
    return vim.iter(vim.api.nvim_buf_get_lines(state_buf, 0, -1, false)):any(function(line)
      return line:match('^current:%s*design%s*$') ~= nil
    end)
  end)
  local text = buffer_text(state_buf)
  assert(text:find('workflow:%s*fixture%-feature'), 'workflow line kept:\n' .. text)
  assert(text:find('from:%s*requirements'), 'history records from: requirements:\n' .. text)
  assert(text:find('to:%s*design'), 'history records to: design:\n' .. text)
  assert(text:find('at:%s*%S'), 'history records a timestamp:\n' .. text)
  assert(vim.bo[state_buf].modified, 'the edit went through the buffer (not yet written)')
end)

check('diagnostics follow the new state', function()
  -- The state file stays unsaved: the server must use the buffer's text (didChange).
  vim.api.nvim_set_current_buf(workflow_buf) -- BufEnter: the plugin pulls diagnostics again
  local missing = wait_for('missing-deliverable for docs/design.md on workflow.md', function()
    return vim.iter(vim.diagnostic.get(workflow_buf)):find(function(d)
      return d.code == 'missing-deliverable' and d.message:find('docs/design.md', 1, true) ~= nil
    end)
  end)
  assert(missing.severity == vim.diagnostic.severity.INFO, 'current-phase deliverable is information: ' .. vim.inspect(missing))
  local line = vim.api.nvim_buf_get_lines(workflow_buf, missing.lnum, missing.lnum + 1, false)[1]
  assert(line:find('docs/design.md', 1, true), 'it points at the deliverable line, got: ' .. line)
  vim.api.nvim_set_current_buf(state_buf)
  local errors = vim.diagnostic.get(state_buf, { severity = vim.diagnostic.severity.ERROR })
  assert(#errors == 0, 'the advanced state file is valid: ' .. vim.inspect(codes(errors)))
end)

check(':PhasegateAdvance is refused while the design gate is unmet', function()
  local before = buffer_text(state_buf)
  local result
  require('phasegate').exec('phasegate.advance', nil, function(r)
    result = r
  end)
  wait_for('the phasegate.advance result', function()
    return result
  end)
  assert(result.applied == false, 'not applied: ' .. vim.inspect(result))
  assert(buffer_text(state_buf) == before, 'the state file is unchanged')
end)

io.stdout:write(('nvim e2e: %d passed, %d failed\n'):format(results.passed, results.failed))
for _, c in ipairs(vim.lsp.get_clients({ name = 'phasegate' })) do
  c:stop()
end
vim.wait(3000, function()
  return #vim.lsp.get_clients({ name = 'phasegate' }) == 0
end, 50)
os.exit(results.failed == 0 and 0 or 1)
