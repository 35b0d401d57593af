-- phasegate commands for Neovim 0.11+: `workspace/executeCommand` calls on the
-- phasegate server attached to the current buffer (docs/lsp.md, "Commands").
local M = {}

---@param bufnr integer
---@return vim.lsp.Client?
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'phasegate' })[1]
end

--- Runs a server command with `{ uri = <buffer uri>, ...extra }`.
---@param command string e.g. 'phasegate.advance'
---@param extra? table more argument fields (`to`, `phase`, `workflow`)
---@param on_result fun(result: any) called with the command's result
function M.exec(command, extra, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    vim.notify('phasegate: no phasegate server is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local argument = vim.tbl_extend('force', { uri = vim.uri_from_bufnr(bufnr) }, extra or {})
  client:exec_cmd({ title = command, command = command, arguments = { argument } }, { bufnr = bufnr }, function(err, result)
    if err then
      vim.notify(('phasegate: %s failed: %s'):format(command, err.message), vim.log.levels.ERROR)
      return
    end
    on_result(result)
  end)
end

--- Notifies the `{ applied, message }` result of advance, start and scaffold.
---@param result { applied: boolean, message: string }?
function M.report(result)
  if type(result) ~= 'table' then
    vim.notify('phasegate: the server returned no result', vim.log.levels.WARN)
  elseif result.applied then
    vim.notify('phasegate: ' .. result.message, vim.log.levels.INFO)
  else
    vim.notify('phasegate: ' .. (result.message or 'nothing was changed'), vim.log.levels.WARN)
  end
end

--- A JSON value that is present: neither absent nor `null` (vim.NIL).
local function given(value)
  return value ~= nil and value ~= vim.NIL
end

--- The status object as lines of text, one block per workflow (the same text as VS Code's "Show
--- workflow status"): a finished run, a run not started, a run in a state (a state machine's, or
--- one at a step its workflow does not declare: no `currentIndex`), a run at a phase, and for a
--- run its framework's own engine moves (`engine`) what that engine waits for.
---@param status { workflows: table[] }?
---@return string[]
--- What starts a workflow that has no run yet, as `phasegate status` says it: a run inferred from
--- its artifacts starts with its first artifact; a framework's own workflow definition (Spec Kit's
--- `workflow.yml`) is run by that framework's engine.
local function not_started_hint(workflow)
  if type(workflow.recognisedBy) == 'table' and vim.tbl_contains(workflow.recognisedBy, 'artifacts') then
    return "none of its phases' artifacts exist yet"
  end
  if given(workflow.framework) then
    return "run by its framework's own engine"
  end
  return 'no state file yet (use the "Start" code action on the workflow doc)'
end

function M.format_status(status)
  local workflows = type(status) == 'table' and status.workflows or {}
  if #workflows == 0 then
    return { 'No workflow found for this file.' }
  end
  local lines = {}
  for _, workflow in ipairs(workflows) do
    if #lines > 0 then
      table.insert(lines, '')
    end
    table.insert(lines, ('%s (%s) — %s'):format(workflow.name, workflow.path, workflow.status))
    local state_file = given(workflow.statePath) and workflow.statePath or 'none'
    if workflow.status == 'completed' then
      table.insert(lines, ('  completed (%s phases)'):format(tostring(workflow.phaseCount)))
      if given(workflow.statePath) then
        table.insert(lines, '  state file: ' .. workflow.statePath)
      end
    elseif not given(workflow.current) and given(workflow.statePath) then
      -- A state file that names no step phasegate can read (a Spec Kit run cut off mid-write).
      table.insert(lines, ('  current: none read from the state file (%s)'):format(workflow.status))
      if given(workflow.engine) then
        table.insert(lines, '  engine: ' .. workflow.engine)
      end
      table.insert(lines, '  state file: ' .. workflow.statePath)
    elseif not given(workflow.current) then
      table.insert(lines, '  not started: ' .. not_started_hint(workflow))
    elseif not given(workflow.currentIndex) then
      local unknown = workflow.status == 'unknown' and ' (not a step of the workflow)' or ''
      table.insert(lines, ('  current: %s%s'):format(workflow.current, unknown))
      table.insert(lines, '  next: ' .. (given(workflow.next) and workflow.next or 'none'))
      table.insert(lines, '  state file: ' .. state_file)
    else
      table.insert(lines, ('  current: %s (%s/%s)'):format(workflow.current, tostring(workflow.currentIndex), tostring(workflow.phaseCount)))
      if given(workflow.engine) then
        table.insert(lines, '  next: as its engine decides')
        table.insert(lines, '  engine: ' .. workflow.engine)
      else
        table.insert(lines, '  next: ' .. (given(workflow.next) and workflow.next or 'none (last phase)'))
      end
      table.insert(lines, '  state file: ' .. state_file)
    end
    for _, gate in ipairs(workflow.gates or {}) do
      table.insert(lines, ('  gate after %s: %s'):format(gate.phase, gate.met and 'met' or 'unmet'))
      for _, reason in ipairs(gate.unmet or {}) do
        table.insert(lines, '    - ' .. reason)
      end
    end
  end
  return lines
end

function M.advance(to)
  M.exec('phasegate.advance', { to = to }, M.report)
end

function M.scaffold(phase)
  M.exec('phasegate.scaffold', { phase = phase }, M.report)
end

function M.status()
  M.exec('phasegate.status', nil, function(result)
    vim.notify(table.concat(M.format_status(result), '\n'), vim.log.levels.INFO)
  end)
end

--- Opens the text in the scratch buffer `phasegate://graph` (made once, reused), in a split.
---@param text string the drawing
---@param format string 'mermaid' or 'dot' (the buffer's filetype)
---@return integer bufnr
function M.show_graph(text, format)
  local name = 'phasegate://graph'
  local bufnr = vim.fn.bufnr(name)
  if bufnr < 0 or not vim.api.nvim_buf_is_valid(bufnr) then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, name)
    vim.bo[bufnr].bufhidden = 'hide'
    vim.bo[bufnr].swapfile = false
  end
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(text, '\n', { plain = true, trimempty = true }))
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].filetype = format == 'dot' and 'dot' or 'mermaid'
  local win = vim.fn.bufwinid(bufnr)
  if win < 0 then
    vim.cmd('belowright split')
    vim.api.nvim_win_set_buf(0, bufnr)
  else
    vim.api.nvim_set_current_win(win)
  end
  return bufnr
end

--- :PhasegateGraph [format]: the workflows of this buffer as `phasegate graph` draws them
--- (`phasegate.graph`, Mermaid by default) in a scratch buffer.
---@param format? string 'mermaid' or 'dot'
function M.graph(format)
  format = format or 'mermaid'
  if format ~= 'mermaid' and format ~= 'dot' then
    vim.notify(('phasegate: :PhasegateGraph takes mermaid or dot, not %s'):format(format), vim.log.levels.WARN)
    return
  end
  M.exec('phasegate.graph', { format = format }, function(result)
    if type(result) ~= 'table' or type(result.text) ~= 'string' then
      vim.notify('phasegate: the server returned no graph', vim.log.levels.WARN)
    elseif #(result.workflows or {}) == 0 then
      vim.notify('phasegate: no workflow found for this file', vim.log.levels.WARN)
    else
      M.show_graph(result.text, format)
    end
  end)
end

return M
