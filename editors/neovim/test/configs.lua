-- Extracts the Neovim configurations our docs give, verbatim, into <out>/<name>/init.lua:
--
--   nvim --headless --clean -l configs.lua <repo> <out>
--
-- Each configuration is the ```lua block that follows a sentence of the docs (below). A block
-- that cannot be found is an error, so the docs cannot drift from what the end-to-end test runs.
-- Prints one name per line: the configurations to run.
--
-- The lazy.nvim and nvim-lspconfig snippets need those plugins, which no package registry our CI
-- machines reach publishes. They run when PHASEGATE_LAZY_NVIM / PHASEGATE_NVIM_LSPCONFIG name a
-- checkout (run.sh puts it where the plugin's own docs install it); otherwise they are extracted
-- (so they stay where the test looks) and reported on stderr as not run.
--
-- lazy-nvim: the spec goes, as written, into lazy.nvim's documented single-file set-up (its
-- bootstrap, then `require("lazy").setup({ spec = { ... } })`), with the checkout already at the
-- bootstrap's `lazypath`, so the bootstrap's `git clone` is skipped; no other lazy option is set.
-- nvim-lspconfig: the block is the whole init.lua; the checkout is a start package at the path
-- nvim-lspconfig's README clones it to (~/.config/nvim/pack/nvim/start/nvim-lspconfig).
-- plugin-beside-nvim-lspconfig: "Without a plugin manager" with nvim-lspconfig installed too.
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

--- lazy.nvim's single-file set-up (lazy.nvim's doc/lazy.nvim.txt, "Installation"), offline.
local function lazy_setup(spec)
  return table.concat({
    '-- Bootstrap lazy.nvim (lazy.nvim docs, "Single File Setup"). run.sh put a local checkout',
    '-- at lazypath, so the clone from GitHub is not needed; fail rather than fetch it.',
    'local lazypath = vim.fn.stdpath("data") .. "/lazy/lazy.nvim"',
    'if not (vim.uv or vim.loop).fs_stat(lazypath) then',
    '  error("no lazy.nvim at " .. lazypath .. " (the test does not clone it)")',
    'end',
    'vim.opt.rtp:prepend(lazypath)',
    '',
    '-- Setup lazy.nvim, with the spec from editors/README.md as written.',
    'require("lazy").setup({',
    '  spec = {',
    spec,
    '  },',
    '})',
  }, '\n')
end

local configs = {
  -- name, file, lead-in sentence, plugin checkout it needs (an environment variable), wrapper
  { 'readme-inline', 'README.md', 'The shortest Neovim setup' },
  { 'plugin-runtimepath', 'editors/README.md', 'Without a plugin manager:' },
  { 'inline', 'editors/README.md', 'Or, with no plugin at all, the config inline:' },
  { 'lazy-nvim', 'editors/README.md', 'With [lazy.nvim](https://github.com/folke/lazy.nvim)', 'PHASEGATE_LAZY_NVIM', lazy_setup },
  { 'nvim-lspconfig', 'editors/README.md', 'register it as a custom server:', 'PHASEGATE_NVIM_LSPCONFIG' },
  -- "on Neovim 0.11 the `lsp/phasegate.lua` file above works next to nvim-lspconfig":
  -- "Without a plugin manager" again, with nvim-lspconfig installed.
  { 'plugin-beside-nvim-lspconfig', 'editors/README.md', 'Without a plugin manager:', 'PHASEGATE_NVIM_LSPCONFIG' },
}

for _, c in ipairs(configs) do
  local name, path, lead, needs, wrap = c[1], c[2], c[3], c[4], c[5]
  local body = block_after(path, lead)
  if wrap then
    body = wrap(body)
  end
  vim.fn.mkdir(out .. '/' .. name, 'p')
  local file = assert(io.open(out .. '/' .. name .. '/init.lua', 'w'))
  file:write(body, '\n')
  file:close()
  if not needs or (vim.env[needs] or '') ~= '' then
    io.stdout:write(name, '\n')
  else
    io.stderr:write(
      ('configs.lua: NOT RUN: %s (%s): %s is not set (a checkout of the plugin; CI cannot fetch it)\n'):format(name, path, needs)
    )
  end
end
