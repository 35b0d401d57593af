-- Headless end-to-end test of one documented configuration, against the real server (found as
-- `phasegate` on PATH, put there by run.sh), with Neovim's own default client capabilities:
--
--   HOME=<home with ~/src/phasegate> nvim --headless -u <config>/init.lua -l e2e.lua <name> <workspace>
--
-- init.lua is a configuration copied verbatim from our docs by configs.lua (the lazy.nvim spec
-- inside lazy.nvim's documented set-up); nothing here adds to it. The workspace is a copy of
-- editors/vscode/test/fixture (see its README.md). Code actions go through
-- vim.lsp.buf.code_action() (what `gra` runs), with `filter` choosing the item a user would pick
-- and `apply = true`; messages the server shows are read from vim.notify.
local name, workspace = _G.arg[1], _G.arg[2]
assert(name and workspace, 'usage: nvim -u init.lua -l e2e.lua <name> <workspace>')
-- What starting up with init.lua said (errors, deprecation warnings), before this script adds to it.
local startup_messages = vim.fn.execute('messages')
local startup_errmsg = vim.v.errmsg

local TIMEOUT = 20000
local results = { passed = 0, failed = 0 }
local earlier_failure = false

--- Runs one step; after a failed step the rest are reported as failed without running.
local function check(title, fn)
  title = name .. ': ' .. title
  if earlier_failure then
    results.failed = results.failed + 1
    io.stdout:write('not ok - ' .. title .. ' (not run: an earlier step failed)\n')
    return
  end
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    io.stdout:write('ok - ' .. title .. '\n')
  else
    earlier_failure = true
    results.failed = results.failed + 1
    io.stdout:write('not ok - ' .. title .. '\n    ' .. tostring(err):gsub('\n', '\n    ') .. '\n')
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

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

-- What the plugin tells the user (vim.notify).
local notified = {}
local notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(notified, tostring(message))
  return notify(message, level, opts)
end
--- A message containing `text`, from vim.notify or the message history (Neovim shows the
--- server's window/showMessage with nvim_echo).
local function told(text)
  local history = vim.fn.execute('messages')
  local all = vim.list_extend(vim.split(history, '\nLSP', { plain = true }), notified)
  return vim.iter(all):find(function(m)
    return m:find(text, 1, true) ~= nil
  end)
end

--- Puts the cursor at the first match of `pattern` in `bufnr` (made current).
local function cursor_on(bufnr, pattern)
  vim.api.nvim_set_current_buf(bufnr)
  local row = vim.iter(ipairs(lines(bufnr))):find(function(_, l)
    return l:match(pattern) ~= nil
  end)
  assert(row, 'a line matching ' .. pattern)
  local column = lines(bufnr)[row]:find(pattern) - 1
  vim.api.nvim_win_set_cursor(0, { row, column })
  return row
end

--- The titles `gra` offers at the cursor (the filter sees every action; none is applied).
local function offered()
  local titles, before, got = {}, #notified, false
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      got = true
      table.insert(titles, action.title)
      return false
    end,
  })
  -- The filter runs over the whole list at once; an empty list notifies "No code actions".
  vim.wait(TIMEOUT, function()
    return got or #notified > before
  end, 20)
  return titles
end

--- Runs `gra` at the cursor and picks the action whose title starts with `prefix`.
local function choose(prefix)
  local titles = wait_for('"' .. prefix .. '" among the code actions', function()
    local t = offered()
    return vim.iter(t):any(function(x)
      return vim.startswith(x, prefix)
    end) and t
  end)
  local picked = 0
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      local match = vim.startswith(action.title, prefix)
      if match then
        picked = picked + 1
      end
      return match
    end,
  })
  wait_for('the action to be picked', function()
    return picked > 0
  end)
  assert(picked == 1, 'exactly one action starts with ' .. prefix .. ': ' .. vim.inspect(titles))
  return titles
end

vim.cmd.cd(workspace)
local workflow_path = workspace .. '/workflow.md'
local state_path = workspace .. '/fixture-feature.state.yaml'
local design_path = workspace .. '/docs/design.md'
local plugin = vim.fn.exists(':PhasegateAdvance') == 2
local workflow_buf, state_buf, client

check('init.lua loads with no error or warning', function()
  assert(startup_errmsg == '', 'v:errmsg: ' .. startup_errmsg)
  assert(vim.trim(startup_messages) == '', 'startup said:\n' .. startup_messages)
end)

if name == 'lazy-nvim' then
  check('lazy.nvim loaded the spec, with nothing to install or clone', function()
    local plugins = require('lazy.core.config').plugins
    local dir = vim.fs.normalize(vim.fn.expand('~/src/phasegate/editors/neovim'))
    local spec = vim.iter(vim.tbl_values(plugins)):find(function(p)
      return vim.fs.normalize(p.dir) == dir
    end)
    assert(spec, 'a plugin at ' .. dir .. ' among ' .. vim.inspect(vim.tbl_keys(plugins)))
    assert(spec._.loaded, 'lazy.nvim loaded it (not lazy-loaded)')
    for plugin_name, p in pairs(plugins) do
      assert(p._.installed, plugin_name .. ' is installed')
      local tasks = vim.tbl_map(function(t)
        return t.name
      end, p._.tasks or {})
      assert(#tasks == 0 and not p._.cloned, plugin_name .. ': lazy.nvim ran ' .. vim.inspect(tasks))
    end
  end)
end

check('the server attaches to the workflow doc and the state file', function()
  assert(vim.fn.executable('phasegate') == 1, '`phasegate` is on PATH')
  vim.cmd.edit(vim.fn.fnameescape(workflow_path))
  workflow_buf = vim.api.nvim_get_current_buf()
  vim.cmd.edit(vim.fn.fnameescape(state_path))
  state_buf = vim.api.nvim_get_current_buf()
  client = wait_for('the phasegate client on both buffers', function()
    local on_state = vim.lsp.get_clients({ bufnr = state_buf, name = 'phasegate' })[1]
    local on_workflow = vim.lsp.get_clients({ bufnr = workflow_buf, name = 'phasegate' })[1]
    return on_state and on_workflow and on_state.initialized and on_state
  end)
  local real = vim.uv.fs_realpath(workspace)
  assert(client.root_dir == real or client.root_dir == workspace, 'root_dir is the workspace (.git marker), got ' .. tostring(client.root_dir))
  if name == 'nvim-lspconfig' then
    local managed = require('lspconfig.configs').phasegate.manager
    assert(managed and vim.tbl_contains(managed:clients(), client), 'nvim-lspconfig started the client')
  elseif name == 'plugin-beside-nvim-lspconfig' then
    assert(vim.g.lspconfig == 1, "nvim-lspconfig's plugin/lspconfig.lua was loaded")
    assert(client.config.capabilities.workspace.diagnostics.refreshSupport, 'the config is lsp/phasegate.lua')
  end
end)

check('diagnostics appear on open, with no edit', function()
  local found = wait_for('gate-dangling on workflow.md', function()
    return vim.iter(vim.diagnostic.get(workflow_buf)):find(function(d)
      return d.code == 'gate-dangling'
    end)
  end)
  assert(found.source == 'phasegate', vim.inspect(found))
  local line = vim.api.nvim_buf_get_lines(workflow_buf, found.lnum, found.lnum + 1, false)[1]
  assert(line:find('Proceed to Phase 4', 1, true), 'gate-dangling points at the gate line, got: ' .. line)
  assert(not vim.bo[workflow_buf].modified and not vim.bo[state_buf].modified, 'nothing was edited')
end)

check('an enabled "Advance" is offered at the current: line and applied', function()
  cursor_on(state_buf, '^current:')
  choose('Advance fixture-feature to design')
  wait_for('current: design in the buffer', function()
    return vim.iter(lines(state_buf)):any(function(l)
      return l:match('^current:%s*design%s*$') ~= nil
    end)
  end)
  local text = table.concat(lines(state_buf), '\n')
  assert(text:find('from:%s*requirements') and text:find('to:%s*design'), 'history records the step:\n' .. text)
  assert(vim.bo[state_buf].modified, 'the edit went through the buffer (not yet written)')
end)

check('diagnostics follow the new state', function()
  local missing = wait_for('missing-deliverable for docs/design.md on workflow.md', function()
    return vim.iter(vim.diagnostic.get(workflow_buf)):find(function(d)
      return d.code == 'missing-deliverable' and d.message:find('docs/design.md', 1, true) ~= nil
    end)
  end)
  assert(missing.severity == vim.diagnostic.severity.INFO, 'a current-phase deliverable is information: ' .. vim.inspect(missing))
end)

check('the quick fix "Create `docs/design.md`" is offered on its line', function()
  cursor_on(workflow_buf, 'docs/design%.md')
  local titles = wait_for('the quick fix', function()
    local t = offered()
    return vim.tbl_contains(t, 'Create `docs/design.md`') and t
  end)
  assert(titles)
end)

check('a blocked "Advance" is offered with its reason, and says why when chosen', function()
  cursor_on(state_buf, '^current:')
  local titles = choose('Advance fixture-feature to implementation')
  local advance = vim.iter(titles):find(function(t)
    return vim.startswith(t, 'Advance fixture-feature to implementation')
  end)
  assert(advance:find('not yet:', 1, true) and advance:find('design', 1, true), 'the refusal is in the title: ' .. advance)
  local message = wait_for('the refusal shown', function()
    return told('Advance fixture-feature to implementation:')
  end)
  assert(message:find('docs/design.md', 1, true), 'it names the unmet criteria: ' .. message)
  assert(message:find('Design reviewed by a second person', 1, true), 'it names the unticked item: ' .. message)
  assert(vim.iter(lines(state_buf)):any(function(l)
    return l:match('^current:%s*design%s*$') ~= nil
  end), 'the state is unchanged')
end)

check('"Scaffold" creates the deliverable, says so and opens it', function()
  assert(vim.fn.filereadable(design_path) == 0, 'docs/design.md does not exist yet')
  cursor_on(state_buf, '^current:')
  choose('Scaffold deliverables for design')
  -- Neovim applies a CreateFile as a new buffer for the file (written on :write).
  local bufnr = wait_for('a buffer for docs/design.md with the scaffolded text', function()
    local b = vim.fn.bufnr(design_path)
    return b > 0 and vim.api.nvim_buf_is_loaded(b) and table.concat(lines(b), '\n'):find('phase: design', 1, true) and b
  end)
  wait_for('the message saying what was created', function()
    return told('created `docs/design.md`')
  end)
  wait_for('docs/design.md shown', function()
    return vim.api.nvim_get_current_buf() == bufnr
  end)
  vim.api.nvim_buf_call(bufnr, function()
    vim.cmd.write()
  end)
  local file = assert(io.open(design_path, 'r'))
  local written = file:read('*a')
  file:close()
  assert(written:find('phase: design', 1, true), 'docs/design.md written: ' .. written)
end)

check('diagnostics follow the scaffold', function()
  wait_for('no missing-deliverable for docs/design.md', function()
    return not vim.iter(vim.diagnostic.get(workflow_buf)):any(function(d)
      return d.code == 'missing-deliverable' and d.message:find('docs/design.md', 1, true) ~= nil
    end)
  end)
end)

check('a deliverable removed and written again by another program moves the diagnostics (no file watching in Neovim on Linux: the server watches)', function()
  local design = workspace .. '/docs/design.md'
  local b = vim.fn.bufnr(design)
  if b > 0 then
    vim.cmd('bwipeout! ' .. b) -- closed in the editor: the disk is what counts
  end
  local file = assert(io.open(design, 'rb'))
  local text = file:read('a')
  file:close()
  local missing = function()
    return vim.iter(vim.diagnostic.get(workflow_buf)):any(function(d)
      return d.code == 'missing-deliverable' and d.message:find('docs/design.md', 1, true) ~= nil
    end)
  end
  assert(os.remove(design))
  wait_for('missing-deliverable for docs/design.md, removed on disk', missing)
  file = assert(io.open(design, 'wb'))
  file:write(text)
  file:close()
  wait_for('no missing-deliverable for docs/design.md, written on disk', function()
    return not missing()
  end)
end)

check('"Start" is offered on the first phase once the run has no state file, and creates it', function()
  vim.api.nvim_set_current_buf(workflow_buf)
  assert(os.remove(state_path))
  vim.cmd('bwipeout! ' .. state_buf) -- didClose: the server reads the disk again, and finds no file
  cursor_on(workflow_buf, '^## Phase 1')
  choose('Start fixture-feature')
  local bufnr = wait_for('a buffer for the new state file', function()
    local b = vim.fn.bufnr(state_path)
    return b > 0 and vim.api.nvim_buf_is_loaded(b) and table.concat(lines(b), '\n'):find('current: requirements', 1, true) and b
  end)
  wait_for('the message saying what was created', function()
    return told('created `fixture-feature.state.yaml`')
  end)
  vim.api.nvim_buf_call(bufnr, function()
    vim.cmd.write() -- a new file is a buffer until written; advancing edits the file on disk
  end)
  state_buf = bufnr
end)

--- The text of the floating windows open (a hover), closing them.
local function floats()
  local out = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      table.insert(out, table.concat(lines(vim.api.nvim_win_get_buf(win)), '\n'))
      vim.api.nvim_win_close(win, true)
    end
  end
  return table.concat(out, '\n')
end

--- Puts the cursor on the `n`-th byte of the first match of `pattern` in `bufnr` (1-based).
local function cursor_at(bufnr, pattern, n)
  local row = cursor_on(bufnr, pattern)
  local column = lines(bufnr)[row]:find(pattern) - 1 + (n or 1) - 1
  vim.api.nvim_win_set_cursor(0, { row, column })
  return row
end

-- A task list with non-ASCII text before the positions under test (Neovim's client speaks UTF-16).
local tasks_path = workspace .. '/tasks.md'
local tasks_buf
do
  local file = assert(io.open(tasks_path, 'w'))
  file:write('# Tâches — café ☕\n\n- [ ] T1: Préparer le café ☕\n- [ ] T2: Servir « le café » depends_on: T1\n')
  file:close()
end

check('hover on a phase heading shows its gate and deliverables (vim.lsp.buf.hover)', function()
  cursor_at(workflow_buf, '^## Phase 2: Design', 14)
  vim.lsp.buf.hover()
  local text = wait_for('the hover window', function()
    local t = floats()
    return t ~= '' and t
  end)
  assert(text:find('Phase 2 of 3: Design', 1, true), text)
  assert(text:find('docs/design.md', 1, true), text)
end)

check("go to definition from the state file's current: (vim.lsp.buf.definition)", function()
  cursor_at(state_buf, '^current: requirements', 12)
  vim.lsp.buf.definition()
  wait_for('the cursor on the Requirements heading', function()
    return vim.api.nvim_get_current_buf() == workflow_buf
      and lines(workflow_buf)[vim.api.nvim_win_get_cursor(0)[1]]:find('^## Phase 1: Requirements') ~= nil
  end)
end)

check('completion, hover, rename and definition on a task list with non-ASCII text', function()
  vim.cmd.edit(vim.fn.fnameescape(tasks_path))
  tasks_buf = vim.api.nvim_get_current_buf()
  wait_for('the client on tasks.md', function()
    return vim.lsp.get_clients({ bufnr = tasks_buf, name = 'phasegate' })[1]
  end)
  -- Completion with `T` typed after `depends_on: ` (after « and é on the line): the file's
  -- tasks, each replacing the `T`.
  cursor_at(tasks_buf, 'depends_on: T1', 14)
  local items = wait_for('completion items', function()
    local response = client:request_sync('textDocument/completion', vim.lsp.util.make_position_params(0, client.offset_encoding), TIMEOUT, tasks_buf)
    local result = response and response.result
    local list = result and (result.items or result)
    return list and #list > 0 and list
  end)
  local labels = vim.tbl_map(function(i)
    return i.label
  end, items)
  assert(vim.deep_equal(labels, { 'T1', 'T2' }), vim.inspect(labels))
  local edit = items[1].textEdit
  local row = vim.api.nvim_win_get_cursor(0)[1]
  local line = lines(tasks_buf)[row]
  local start = vim.str_byteindex(line, client.offset_encoding, edit.range.start.character)
  assert(line:sub(start + 1, start + 2) == 'T1', 'the edit replaces T1: ' .. vim.inspect(edit))
  -- Hover on the reference: the task it names.
  vim.lsp.buf.hover()
  local text = wait_for('the hover window', function()
    local t = floats()
    return t ~= '' and t
  end)
  assert(text:find('Préparer le café ☕', 1, true), text)
  -- Rename from the reference: the declaration and the reference, in the buffer.
  vim.lsp.buf.rename('T10')
  wait_for('T1 renamed to T10 in both places', function()
    local all = table.concat(lines(tasks_buf), '\n')
    return all:find('- [ ] T10: Préparer le café ☕', 1, true) and all:find('« le café » depends_on: T10', 1, true)
  end)
  -- Definition from the renamed reference: the declaration.
  cursor_at(tasks_buf, 'depends_on: T10', 14)
  vim.lsp.buf.definition()
  wait_for('the cursor on T10 of its checkbox line', function()
    local cursor = vim.api.nvim_win_get_cursor(0)
    return cursor[1] == 3 and cursor[2] == #'- [ ] '
  end)
end)

if plugin then
  check('the plugin shows code lenses and inlay hints', function()
    vim.api.nvim_set_current_buf(tasks_buf)
    assert(vim.lsp.inlay_hint.is_enabled({ bufnr = tasks_buf }), 'inlay hints are on')
    local hints = wait_for('an inlay hint after depends_on: T10', function()
      local h = vim.lsp.inlay_hint.get({ bufnr = tasks_buf })
      return #h > 0 and h
    end)
    local label = hints[1].inlay_hint.label
    label = type(label) == 'table' and label[1].value or label
    assert(label:find('Préparer le café', 1, true), vim.inspect(hints))
    local lens = wait_for('the status lens of Phase 1', function()
      return vim.iter(vim.lsp.codelens.get(workflow_buf)):find(function(l)
        return l.command and l.command.title:find('requirements · current', 1, true)
      end)
    end)
    assert(lens.range.start.line == 10, 'on the Phase 1 heading: ' .. vim.inspect(lens))
  end)

  check('a code lens command runs: "Mark done" (vim.lsp.codelens.run)', function()
    vim.api.nvim_set_current_buf(tasks_buf)
    wait_for('the "Mark done" lenses, T10 renamed', function()
      local marks = vim.iter(vim.lsp.codelens.get(tasks_buf)):filter(function(l)
        return l.command and l.command.title == 'Mark done'
      end):totable()
      return #marks == 2 and vim.inspect(marks):find('T10', 1, true) ~= nil
    end)
    vim.api.nvim_win_set_cursor(0, { 3, 0 })
    vim.lsp.codelens.run()
    wait_for('T10 ticked in the buffer', function()
      return lines(tasks_buf)[3] == '- [x] T10: Préparer le café ☕'
    end)
    wait_for('its "Mark done" lens gone after the refresh', function()
      return #vim.iter(vim.lsp.codelens.get(tasks_buf)):filter(function(l)
        return l.command and l.command.title == 'Mark done'
      end):totable() == 1
    end)
  end)
end

if plugin then
  check(':PhasegateStatus, :PhasegateAdvance and :PhasegateScaffold', function()
    vim.api.nvim_set_current_buf(state_buf)
    vim.cmd('PhasegateStatus')
    wait_for(':PhasegateStatus output', function()
      return told('current: requirements (1/3)')
    end)
    vim.cmd('PhasegateAdvance')
    wait_for(':PhasegateAdvance applied', function()
      return told('advanced `fixture-feature` from `requirements` to `design`')
    end)
    assert(vim.iter(lines(state_buf)):any(function(l)
      return l:match('^current:%s*design%s*$') ~= nil
    end), 'the state file buffer is at design')
    vim.cmd('PhasegateAdvance')
    wait_for(':PhasegateAdvance refused', function()
      return told('Design reviewed by a second person')
    end)
    assert(vim.iter(lines(state_buf)):any(function(l)
      return l:match('^current:%s*design%s*$') ~= nil
    end), 'the state is unchanged')
    vim.cmd('PhasegateScaffold implementation')
    local notes = workspace .. '/docs/implementation-notes.md'
    wait_for('a buffer for docs/implementation-notes.md with its text', function()
      local b = vim.fn.bufnr(notes)
      return b > 0 and vim.api.nvim_buf_is_loaded(b) and table.concat(lines(b), '\n'):find('phase: implementation', 1, true)
    end)
    wait_for(':PhasegateScaffold saying what it created', function()
      return told('created `docs/implementation-notes.md`')
    end)
  end)

  check(':PhasegateGraph opens the Mermaid graph (and DOT) in a scratch buffer', function()
    vim.api.nvim_set_current_buf(state_buf)
    vim.cmd('PhasegateGraph')
    local graph = wait_for('the phasegate://graph buffer with the Mermaid text', function()
      local b = vim.fn.bufnr('phasegate://graph')
      return b > 0 and vim.api.nvim_buf_is_loaded(b) and lines(b)[1] == 'flowchart LR' and b
    end)
    local text = table.concat(lines(graph), '\n')
    assert(text:find('subgraph w0["fixture-feature · workflow.md · state: fixture-feature.state.yaml"]', 1, true), text)
    assert(text:find('"▶ Design"', 1, true), 'the run stands at design: ' .. text)
    assert(vim.bo[graph].filetype == 'mermaid', vim.bo[graph].filetype)
    assert(vim.bo[graph].buftype == 'nofile', 'a scratch buffer, not a file')
    assert(vim.api.nvim_get_current_buf() == graph, 'the graph is shown')
    vim.api.nvim_set_current_buf(state_buf)
    vim.cmd('PhasegateGraph dot')
    wait_for('the same buffer with the DOT text', function()
      return lines(graph)[1] == 'digraph phasegate {' and vim.bo[graph].filetype == 'dot'
    end)
    vim.cmd('PhasegateGraph svg')
    wait_for('the refusal of an unknown format', function()
      return told(':PhasegateGraph takes mermaid or dot, not svg')
    end)
  end)

  check(':PhasegateStatus on a state machine run (no phase index)', function()
    -- A state machine and a run of it, written by the user during the session and opened.
    vim.fn.mkdir(workspace .. '/states', 'p')
    local machine = workspace .. '/states/build-state.md'
    vim.fn.writefile({
      '---',
      'name: build-state',
      '---',
      '',
      '# Build states',
      '',
      'States:',
      '- specs_updated',
      '- tasks_generated',
      '',
      'Transitions:',
      '- specs_updated → tasks_generated (planner)',
    }, machine)
    local run = workspace .. '/states/build-state.state.yaml'
    vim.fn.writefile({ 'workflow: build-state', 'current: specs_updated' }, run)
    vim.cmd.edit(vim.fn.fnameescape(machine))
    vim.cmd.edit(vim.fn.fnameescape(run))
    local run_buf = vim.api.nvim_get_current_buf()
    wait_for('the client on the run', function()
      return vim.lsp.get_clients({ bufnr = run_buf, name = 'phasegate' })[1]
    end)
    vim.cmd('PhasegateStatus')
    wait_for(':PhasegateStatus naming the state and what may follow', function()
      return told('current: specs_updated\n  next: tasks_generated')
    end)
  end)

  check(':PhasegateStatus on a Spec Kit run whose state.json holds no JSON (no current step)', function()
    local definition = {
      'schema_version: "1.0"',
      'workflow:',
      '  id: sdd',
      '  name: Full SDD',
      '  version: "1.0.0"',
      'steps:',
      '  - id: specify',
      '    command: speckit.specify',
    }
    vim.fn.mkdir(workspace .. '/.specify/workflows/sdd', 'p')
    vim.fn.mkdir(workspace .. '/.specify/workflows/runs/torn', 'p')
    vim.fn.writefile(definition, workspace .. '/.specify/workflows/sdd/workflow.yml')
    vim.fn.writefile(definition, workspace .. '/.specify/workflows/runs/torn/workflow.yml')
    -- Cut off mid-write.
    local state = workspace .. '/.specify/workflows/runs/torn/state.json'
    vim.fn.writefile({ '{"run_id": "torn", "workflow_id": "sdd",' }, state)
    -- Opened, as the state machine above: Neovim 0.11 on Linux does not register file watching
    -- (`workspace/didChangeWatchedFiles`), so the server learns of new files as they are opened.
    vim.cmd.edit(vim.fn.fnameescape(workspace .. '/.specify/workflows/runs/torn/workflow.yml'))
    vim.cmd.edit(vim.fn.fnameescape(state))
    local state_buf = vim.api.nvim_get_current_buf()
    wait_for('the client on the run', function()
      return vim.lsp.get_clients({ bufnr = state_buf, name = 'phasegate' })[1]
    end)
    vim.cmd('PhasegateStatus')
    wait_for(':PhasegateStatus saying no step was read and why', function()
      return told('current: none read from the state file (unknown)\n  engine: Spec Kit cannot load run `torn`')
    end)
  end)
end

check('no deprecation warning or Lua error in the session', function()
  local said = vim.fn.execute('messages') .. '\n' .. table.concat(notified, '\n')
  for _, bad in ipairs({ 'deprecated', 'stack traceback', 'Error executing', 'Error detected', 'E5108' }) do
    assert(not said:find(bad, 1, true), ('"%s" in the messages:\n%s'):format(bad, said))
  end
end)

io.stdout:write(('nvim e2e (%s): %d passed, %d failed\n'):format(name, results.passed, results.failed))
for _, c in ipairs(vim.lsp.get_clients({ name = 'phasegate' })) do
  c:stop()
end
vim.wait(3000, function()
  return #vim.lsp.get_clients({ name = 'phasegate' }) == 0
end, 50)
-- Shutting down says nothing either: the server sends no refresh request after `shutdown`, which
-- Neovim would follow with requests the server refuses ("phasegate: -32600: Invalid request").
local at_exit = vim.fn.execute('messages') .. '\n' .. table.concat(notified, '\n')
for _, bad in ipairs({ 'Invalid request', '-32600', 'stack traceback', 'Error executing' }) do
  if at_exit:find(bad, 1, true) then
    io.stdout:write(('not ok - %s: nothing said at shutdown ("%s" in the messages:\n%s)\n'):format(name, bad, at_exit))
    results.failed = results.failed + 1
    break
  end
end
os.exit(results.failed == 0 and 0 or 1)
