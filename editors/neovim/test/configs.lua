-- Extracts the Neovim configurations our docs give, verbatim, into <out>/<name>/init.lua:
--
--   nvim --headless --clean -l configs.lua <repo> <out>
--
-- Each configuration is the ```lua block that follows a sentence of the docs (below). A block
-- that cannot be found is an error, so the docs cannot drift from what the end-to-end test runs.
-- Prints one name per line: the configurations to run. The lazy.nvim and nvim-lspconfig
-- snippets are extracted too (so they stay where the test looks), but not run: neither plugin
-- can be installed from the package registries our test machines reach (editors/README.md).
local repo, out = _G.arg[1], _G.arg[2]
assert(repo and out, 'usage: nvim --headless --clean -l configs.lua <repo> <out>')

local function read(path)
  local file = assert(io.open(repo .. '/' .. path, 'r'))
  local text = file:read('*a')
  file:close()
  return text
end

--- The first ```lua block after `lead` in `path`.
local function block_after(path, lead)
  local text = read(path)
  local at = text:find(lead, 1, true)
  if not at then
    error(('%s: no "%s" (the Neovim e2e test runs the ```lua block after it)'):format(path, lead))
  end
  local body = text:match('```lua\n(.-)\n```', at)
  if not body then
    error(('%s: no ```lua block after "%s"'):format(path, lead))
  end
  return body
end

local configs = {
  -- name, file, lead-in sentence, run here?
  { 'readme-inline', 'README.md', 'The shortest Neovim setup', true },
  { 'plugin-runtimepath', 'editors/README.md', 'Without a plugin manager:', true },
  { 'inline', 'editors/README.md', 'Or, with no plugin at all, the config inline:', true },
  { 'lazy-nvim', 'editors/README.md', 'With [lazy.nvim](https://github.com/folke/lazy.nvim)', false },
  { 'nvim-lspconfig', 'editors/README.md', 'register it as a custom server:', false },
}

for _, c in ipairs(configs) do
  local name, path, lead, run = c[1], c[2], c[3], c[4]
  local body = block_after(path, lead)
  vim.fn.mkdir(out .. '/' .. name, 'p')
  local file = assert(io.open(out .. '/' .. name .. '/init.lua', 'w'))
  file:write(body, '\n')
  file:close()
  if run then
    io.stdout:write(name, '\n')
  else
    io.stderr:write(('configs.lua: %s (%s) extracted, not run: the plugin it needs is not installable here\n'):format(name, path))
  end
end
