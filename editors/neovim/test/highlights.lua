-- Headless check of grammars/queries/*: Neovim 0.11's bundled markdown and
-- markdown_inline parsers load our `; extends` queries, and they capture the
-- markers in markers.md. No server needed.
--
--   nvim --headless --clean -l highlights.lua <queries-root> <markers.md>
--
-- <queries-root> is a folder holding queries/markdown and queries/markdown_inline.
local queries_root, sample = _G.arg[1], _G.arg[2]
assert(queries_root and sample, 'usage: nvim --headless --clean -l highlights.lua <queries-root> <markers.md>')
vim.opt.runtimepath:prepend(queries_root)

local failures = 0
local passed = 0
local function expect(condition, message)
  if condition then
    passed = passed + 1
  else
    failures = failures + 1
    io.stdout:write('not ok - ' .. message .. '\n')
  end
end

-- Both queries parse, and the bundled base queries are still there (we extend them).
for _, lang in ipairs({ 'markdown', 'markdown_inline' }) do
  local ok, query = pcall(vim.treesitter.query.get, lang, 'highlights')
  expect(ok and query ~= nil, lang .. ' highlights load: ' .. tostring(query))
  local files = vim.treesitter.query.get_files(lang, 'highlights')
  local ours = vim.iter(files):any(function(f)
    return vim.startswith(vim.fs.normalize(f), vim.fs.normalize(queries_root))
  end)
  expect(ours and #files >= 2, lang .. ': our query extends the bundled one: ' .. vim.inspect(files))
end

vim.cmd.edit(vim.fn.fnameescape(sample))
local bufnr = vim.api.nvim_get_current_buf()
local parser = vim.treesitter.get_parser(bufnr, 'markdown')
parser:parse(true)

--- captures[line] = { ['@keyword'] = true, ... } over the markdown tree and its injected inline trees
local captures = {}
parser:for_each_tree(function(tree, ltree)
  local query = vim.treesitter.query.get(ltree:lang(), 'highlights')
  if not query then
    return
  end
  for id, node in query:iter_captures(tree:root(), bufnr, 0, -1) do
    local row = node:range()
    captures[row + 1] = captures[row + 1] or {}
    captures[row + 1]['@' .. query.captures[id]] = true
  end
end)

local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
local function line_of(text)
  for index, line in ipairs(lines) do
    if line == text then
      return index
    end
  end
  error('markers.md has no line ' .. text)
end

local function expect_capture(text, capture)
  local row = line_of(text)
  local found = captures[row] or {}
  expect(found[capture], ('line %d %q has %s (has %s)'):format(row, text, capture, vim.inspect(vim.tbl_keys(found))))
end

expect_capture('## Phase 1: Requirements', '@keyword')
expect_capture('### Sub-Workflow 2: Planning', '@keyword')
expect_capture('## Workflow 3: Design', '@keyword')
expect_capture('## Step -1: Setup', '@keyword')
expect_capture('## Phase 2.5: Integration', '@keyword')
expect_capture('**Gate Check**: Requirements written → Proceed to Phase 2', '@keyword')
expect_capture('See [id:findings_dir] and `[id:prompts_dir]workflows/S/design.md`.', '@constant')
expect_capture('Owner: [NEEDS CLARIFICATION: who approves?]', '@comment.warning')
expect_capture('- [ ] `T001` Create the schema', '@label')
expect_capture('- [ ] **T2** Write the docs', '@label')
expect_capture('TBD: the rollout plan.', '@comment.todo')
expect_capture('TODO write this section', '@comment.todo')
expect_capture('<<<<<<< HEAD', '@comment.error')
expect_capture('=======', '@comment.error')
expect_capture('>>>>>>> feature/x', '@comment.error')

local heading = captures[line_of('## Phases overview')] or {}
expect(not heading['@keyword'], 'an ordinary heading is not a phase heading')
local prose = captures[line_of('TBDs are not markers.')] or {}
expect(not prose['@comment.todo'], '"TBDs" is not a marker')

io.stdout:write(('nvim highlights: %d passed, %d failed\n'):format(passed, failures))
os.exit(failures == 0 and 0 or 1)
