-- Run by tests/it/lsp.rs in headless Neovim: opens the fixture's
-- translation, waits for lockstep's diagnostics, applies the TOC quick fix
-- through Neovim's own code-action machinery, and writes what it saw to
-- $LOCKSTEP_NVIM_OUT.
local out = {}
local function say(s) table.insert(out, s) end
local function finish()
  local f = io.open(os.getenv("LOCKSTEP_NVIM_OUT"), "w")
  f:write(table.concat(out, "\n") .. "\n")
  f:close()
  vim.cmd("qall!")
end

local root = vim.fn.getcwd()
local id = vim.lsp.start_client({
  name = "lockstep",
  cmd = { os.getenv("LOCKSTEP_BIN"), "lsp" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "fixture" } },
})
vim.cmd("edit translations/README-ko.md")
vim.lsp.buf_attach_client(0, id)

local got = vim.wait(20000, function() return #vim.diagnostic.get(0) >= 3 end, 50)
if not got then say("no diagnostics") return finish() end
local diags = vim.diagnostic.get(0)
table.sort(diags, function(a, b) return a.lnum < b.lnum end)
for _, d in ipairs(diags) do
  say(string.format("diagnostic %d:%d %s", d.lnum + 1, d.col + 1, d.code or "?"))
end

-- Choose lockstep's TOC fix in the code-action menu.
vim.ui.select = function(items, _, on_choice)
  for i, item in ipairs(items) do
    local action = item.action or item[2] or item
    if action.title and action.title:find("toc%-drift") then
      say("chose: " .. action.title)
      return on_choice(item, i)
    end
  end
  say("no toc-drift action among " .. #items)
  on_choice(nil, nil)
end
vim.api.nvim_win_set_cursor(0, { 6, 16 })
vim.lsp.buf.code_action()
local fixed = vim.wait(10000, function()
  return vim.api.nvim_buf_get_lines(0, 5, 6, false)[1] == "- [사용법](#사용법)"
end, 50)
say("line 6: " .. vim.api.nvim_buf_get_lines(0, 5, 6, false)[1])
if fixed then
  vim.wait(10000, function() return #vim.diagnostic.get(0) == 2 end, 50)
  say("diagnostics after the fix: " .. #vim.diagnostic.get(0))
end
finish()
